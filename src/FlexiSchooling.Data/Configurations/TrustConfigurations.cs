using FlexiSchooling.Domain.Trusts;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace FlexiSchooling.Data.Configurations;

internal sealed class TrustConfiguration : IEntityTypeConfiguration<Trust>
{
    public void Configure(EntityTypeBuilder<Trust> b)
    {
        b.ToTable("trusts");
        b.Property(x => x.Name).HasMaxLength(200);
        b.Property(x => x.CompanyNumber).HasMaxLength(20);
        b.Property(x => x.Version).IsRowVersion();
    }
}

internal sealed class SchoolConfiguration : IEntityTypeConfiguration<School>
{
    public void Configure(EntityTypeBuilder<School> b)
    {
        b.ToTable("schools");
        b.Property(x => x.Name).HasMaxLength(200);
        b.Property(x => x.Urn).HasMaxLength(6).IsFixedLength();
        b.HasOne<LocalAuthority>().WithMany().HasForeignKey(x => x.LocalAuthorityId).OnDelete(DeleteBehavior.Restrict);
        b.Property(x => x.Phase).HasConversion<string>().HasMaxLength(30);
        b.Property(x => x.KeyStages).HasConversion<int>();
        b.Property(x => x.AddressLine1).HasMaxLength(200);
        b.Property(x => x.AddressLine2).HasMaxLength(200);
        b.Property(x => x.Town).HasMaxLength(100);
        b.Property(x => x.Postcode).HasMaxLength(10);
        b.Property(x => x.Telephone).HasMaxLength(30);
        b.Property(x => x.Email).HasMaxLength(200);
        b.Property(x => x.HeadteacherName).HasMaxLength(200);
        b.Property(x => x.AttendanceSubReasonsText).HasColumnName("attendance_sub_reasons").HasMaxLength(8000).HasDefaultValue("");
        b.Ignore(x => x.AttendanceSubReasons);
        b.Property(x => x.Version).IsRowVersion();
        b.HasOne<Trust>().WithMany().HasForeignKey(x => x.TrustId).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(x => new { x.TrustId, x.Urn }).IsUnique();
    }
}

internal sealed class LocalAuthorityConfiguration : IEntityTypeConfiguration<LocalAuthority>
{
    public void Configure(EntityTypeBuilder<LocalAuthority> b)
    {
        b.ToTable("local_authorities");
        b.Property(x => x.Name).HasMaxLength(100);
        b.Property(x => x.Code).HasMaxLength(3).IsFixedLength();
        b.Property(x => x.Notice).HasConversion<string>().HasMaxLength(30);
        b.Property(x => x.Address).HasMaxLength(300);
        b.Property(x => x.Team).HasMaxLength(200);
        b.Ignore(x => x.Recipient);
        b.Ignore(x => x.ToldBeforeStart);
        b.Property(x => x.Version).IsRowVersion();
        b.HasOne<Trust>().WithMany().HasForeignKey(x => x.TrustId).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(x => new { x.TrustId, x.Name }).IsUnique();
    }
}

internal sealed class LocalAuthorityReturnConfiguration : IEntityTypeConfiguration<LocalAuthorityReturn>
{
    public void Configure(EntityTypeBuilder<LocalAuthorityReturn> b)
    {
        b.ToTable("local_authority_returns");
        b.Property(x => x.Id).ValueGeneratedNever();
        b.Property(x => x.SentTo).HasMaxLength(200);
        b.Ignore(x => x.HalfTerm);
        b.HasOne<School>().WithMany().HasForeignKey(x => x.SchoolId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<LocalAuthority>().WithMany().HasForeignKey(x => x.LocalAuthorityId).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(x => new { x.SchoolId, x.LocalAuthorityId, x.HalfTermFirst }).IsUnique().HasDatabaseName("IX_local_authority_returns_school_la_half_term");
        b.HasIndex(x => x.LocalAuthorityId);
    }
}
