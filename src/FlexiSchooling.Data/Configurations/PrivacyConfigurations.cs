using FlexiSchooling.Domain.Privacy;
using FlexiSchooling.Domain.Pupils;
using FlexiSchooling.Domain.Trusts;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace FlexiSchooling.Data.Configurations;

internal sealed class SubjectAccessRequestConfiguration : IEntityTypeConfiguration<SubjectAccessRequest>
{
    public void Configure(EntityTypeBuilder<SubjectAccessRequest> b)
    {
        b.ToTable("subject_access_requests");
        b.Property(x => x.Id).ValueGeneratedNever();
        b.Property(x => x.RequesterName).HasMaxLength(200);
        b.Property(x => x.Requester).HasConversion<string>().HasMaxLength(20);
        b.Property(x => x.Notes).HasMaxLength(SubjectAccessRequest.MaxText);
        b.Property(x => x.ExportStatus).HasConversion<string>().HasMaxLength(20);
        b.Property(x => x.ExportStep).HasMaxLength(500);
        b.Property(x => x.Version).IsRowVersion();
        b.HasOne<Pupil>().WithMany().HasForeignKey(x => x.PupilId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<School>().WithMany().HasForeignKey(x => x.SchoolId).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(x => x.PupilId);
        b.HasIndex(x => new { x.TrustId, x.CompletedOn });
        b.HasIndex(x => x.ExportStatus);
    }
}

internal sealed class SubjectAccessBundleConfiguration : IEntityTypeConfiguration<SubjectAccessBundle>
{
    public void Configure(EntityTypeBuilder<SubjectAccessBundle> b)
    {
        b.ToTable("subject_access_bundles");
        b.HasKey(x => x.RequestId);
        b.Property(x => x.FileName).HasMaxLength(200);
        b.HasOne<SubjectAccessRequest>().WithOne().HasForeignKey<SubjectAccessBundle>(x => x.RequestId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class RetentionSettingsConfiguration : IEntityTypeConfiguration<RetentionSettings>
{
    public void Configure(EntityTypeBuilder<RetentionSettings> b)
    {
        b.ToTable("retention_settings");
        b.HasKey(x => x.TrustId);
        b.Ignore(x => x.Schedule);
        b.Property(x => x.Version).IsRowVersion();
        b.HasOne<Trust>().WithOne().HasForeignKey<RetentionSettings>(x => x.TrustId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class LegalHoldConfiguration : IEntityTypeConfiguration<LegalHold>
{
    public void Configure(EntityTypeBuilder<LegalHold> b)
    {
        b.ToTable("legal_holds");
        b.Property(x => x.Id).ValueGeneratedNever();
        b.Property(x => x.Reason).HasMaxLength(1000);
        b.HasOne<Pupil>().WithMany().HasForeignKey(x => x.PupilId).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(x => x.PupilId);
    }
}

internal sealed class RetentionRunConfiguration : IEntityTypeConfiguration<RetentionRun>
{
    public void Configure(EntityTypeBuilder<RetentionRun> b)
    {
        b.ToTable("retention_runs");
        b.Property(x => x.Id).ValueGeneratedNever();
        b.Property(x => x.Schedule).HasMaxLength(500);
        b.Property(x => x.Due).HasMaxLength(4000);
        b.Property(x => x.Status).HasConversion<string>().HasMaxLength(20);
        b.Property(x => x.ConfirmedByName).HasMaxLength(200);
        b.Property(x => x.Removed).HasMaxLength(100000);
        b.Property(x => x.Error).HasMaxLength(1000);
        b.Property(x => x.Version).IsRowVersion();
        b.HasIndex(x => new { x.TrustId, x.ReportedAt });
    }
}
