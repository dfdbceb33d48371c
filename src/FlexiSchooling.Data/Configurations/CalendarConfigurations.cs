using FlexiSchooling.Domain.Calendar;
using FlexiSchooling.Domain.Trusts;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace FlexiSchooling.Data.Configurations;

internal sealed class TermConfiguration : IEntityTypeConfiguration<Term>
{
    public void Configure(EntityTypeBuilder<Term> b)
    {
        b.ToTable("terms");
        b.Property(x => x.Name).HasMaxLength(100);
        b.HasOne<School>().WithMany().HasForeignKey(x => x.SchoolId).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(x => new { x.SchoolId, x.StartDate }).IsUnique();
        b.HasIndex(x => x.TrustId);
    }
}

internal sealed class ClosureDayConfiguration : IEntityTypeConfiguration<ClosureDay>
{
    public void Configure(EntityTypeBuilder<ClosureDay> b)
    {
        b.ToTable("closure_days");
        b.Property(x => x.Kind).HasConversion<string>().HasMaxLength(30);
        b.Property(x => x.Description).HasMaxLength(200);
        b.HasOne<School>().WithMany().HasForeignKey(x => x.SchoolId).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(x => new { x.SchoolId, x.Date }).IsUnique();
        b.HasIndex(x => x.TrustId);
    }
}

internal sealed class BankHolidayConfiguration : IEntityTypeConfiguration<BankHoliday>
{
    public void Configure(EntityTypeBuilder<BankHoliday> b)
    {
        b.ToTable("bank_holidays");
        b.HasKey(x => x.Date);
        b.Property(x => x.Title).HasMaxLength(100);
    }
}
