using FlexiSchooling.Domain.AlternativeProvision;
using FlexiSchooling.Domain.Arrangements;
using FlexiSchooling.Domain.Trusts;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace FlexiSchooling.Data.Configurations;

internal sealed class AlternativeProviderConfiguration : IEntityTypeConfiguration<AlternativeProvider>
{
    public void Configure(EntityTypeBuilder<AlternativeProvider> b)
    {
        b.ToTable("alternative_providers");
        b.Property(x => x.Id).ValueGeneratedNever();
        b.Property(x => x.Name).HasMaxLength(AlternativeProvider.MaxNameLength);
        b.Property(x => x.Address).HasMaxLength(300);
        b.Property(x => x.ContactName).HasMaxLength(100);
        b.Property(x => x.ContactPhone).HasMaxLength(30);
        b.Property(x => x.ContactEmail).HasMaxLength(200);
        b.Property(x => x.Urn).HasMaxLength(7);
        b.Property(x => x.Ukprn).HasMaxLength(8);
        b.Property(x => x.CensusSettingType).HasConversion<string>().HasMaxLength(3);
        b.Property(x => x.Registration).HasConversion<string>().HasMaxLength(40);
        b.Property(x => x.InspectionJudgement).HasMaxLength(60);
        b.Property(x => x.TrustApprovalNote).HasMaxLength(1000);
        b.Property(x => x.MaterialChange).HasMaxLength(1000);
        b.Property(x => x.Version).IsRowVersion();
        b.HasOne<Trust>().WithMany().HasForeignKey(x => x.TrustId).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(x => new { x.TrustId, x.Name }).IsUnique();
    }
}

internal sealed class ProviderCheckConfiguration : IEntityTypeConfiguration<ProviderCheck>
{
    public void Configure(EntityTypeBuilder<ProviderCheck> b)
    {
        b.ToTable("provider_checks");
        b.Property(x => x.Id).ValueGeneratedNever();
        b.Property(x => x.Item).HasMaxLength(40);
        b.Property(x => x.Evidence).HasMaxLength(ProviderCheck.MaxEvidenceLength);
        b.Property(x => x.EvidenceFileName).HasMaxLength(200);
        b.Property(x => x.EvidenceContentType).HasMaxLength(100);
        b.Property(x => x.CheckedByName).HasMaxLength(200);
        b.HasOne<AlternativeProvider>().WithMany().HasForeignKey(x => x.ProviderId).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(x => new { x.ProviderId, x.Item });
    }
}

internal sealed class PlacementConfiguration : IEntityTypeConfiguration<Placement>
{
    public void Configure(EntityTypeBuilder<Placement> b)
    {
        b.ToTable("placements");
        b.HasKey(x => x.ArrangementId);
        b.Property(x => x.InSchool).HasConversion(p => p.Bits, bits => new SessionPattern(bits));
        b.Property(x => x.FullCost).HasPrecision(10, 2);
        b.Property(x => x.Reasons).HasMaxLength(Placement.MaxTextLength);
        b.Property(x => x.PreviousInformation).HasMaxLength(Placement.MaxTextLength);
        b.Property(x => x.Funding).HasMaxLength(Placement.MaxTextLength);
        b.Property(x => x.ParentMeeting).HasMaxLength(Placement.MaxTextLength);
        b.Property(x => x.PupilVoice).HasMaxLength(Placement.MaxTextLength);
        b.Property(x => x.Destination).HasConversion<string>().HasMaxLength(40);
        b.Property(x => x.DestinationDetail).HasMaxLength(1000);
        b.Property(x => x.Outcomes).HasMaxLength(Placement.MaxTextLength);
        b.Property(x => x.Qualifications).HasMaxLength(Placement.MaxTextLength);
        b.Property(x => x.PupilViewAtEnd).HasMaxLength(Placement.MaxTextLength);
        b.Property(x => x.NotReturningBecause).HasMaxLength(Placement.MaxReasonLength);
        b.Property(x => x.CensusReason).HasConversion<string>().HasMaxLength(30);
        b.Property(x => x.ReintegrationStrategies).HasMaxLength(Placement.MaxTextLength);
        // The steps as one JSON array: they are read and written only with their plan, never queried one by one.
        b.Property(x => x.ReintegrationSteps).HasColumnType("jsonb").HasDefaultValueSql("'[]'")
            .HasConversion(
                steps => System.Text.Json.JsonSerializer.Serialize(steps, (System.Text.Json.JsonSerializerOptions?)null),
                json => System.Text.Json.JsonSerializer.Deserialize<List<ReintegrationStep>>(json, (System.Text.Json.JsonSerializerOptions?)null) ?? new List<ReintegrationStep>(),
                new Microsoft.EntityFrameworkCore.ChangeTracking.ValueComparer<List<ReintegrationStep>>(
                    (a, c) => a!.SequenceEqual(c!), v => v.Aggregate(0, (h, s) => HashCode.Combine(h, s.GetHashCode())), v => v.ToList()));
        b.Ignore(x => x.HasReintegrationPlan);
        b.Property(x => x.InitialVisitBy).HasMaxLength(200);
        b.Property(x => x.InitialVisitContact).HasMaxLength(500);
        foreach (var text in new[] { nameof(Placement.InitialVisitSafeguarding), nameof(Placement.InitialVisitCurriculum), nameof(Placement.InitialVisitNextStage), nameof(Placement.InitialVisitQualifications), nameof(Placement.InitialVisitOther) })
        {
            b.Property(text).HasMaxLength(Placement.MaxTextLength);
        }

        b.Ignore(x => x.HasInitialVisit);
        b.Property(x => x.Version).IsRowVersion();
        b.HasOne<Arrangement>().WithOne().HasForeignKey<Placement>(x => x.ArrangementId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<AlternativeProvider>().WithMany().HasForeignKey(x => x.ProviderId).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(x => x.ProviderId);
    }
}

internal sealed class CommissioningAgreementConfiguration : IEntityTypeConfiguration<CommissioningAgreement>
{
    public void Configure(EntityTypeBuilder<CommissioningAgreement> b)
    {
        b.ToTable("commissioning_agreements");
        b.HasKey(x => x.ArrangementId);
        foreach (var text in new[] { nameof(CommissioningAgreement.DaysAndTimes), nameof(CommissioningAgreement.AimsAndOutcomes), nameof(CommissioningAgreement.CurriculumAndQualifications),
                     nameof(CommissioningAgreement.Induction), nameof(CommissioningAgreement.Pastoral), nameof(CommissioningAgreement.AttendanceArrangements),
                     nameof(CommissioningAgreement.SafeguardingArrangements), nameof(CommissioningAgreement.FreeSchoolMeals), nameof(CommissioningAgreement.Exams),
                     nameof(CommissioningAgreement.Communication), nameof(CommissioningAgreement.Review), nameof(CommissioningAgreement.ProviderSignatory) })
        {
            b.Property(text).HasMaxLength(CommissioningAgreement.MaxTextLength);
        }

        b.Property(x => x.Cost).HasPrecision(10, 2);
        b.Property(x => x.Version).IsRowVersion();
        b.HasOne<Placement>().WithOne().HasForeignKey<CommissioningAgreement>(x => x.ArrangementId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class PlacementVisitConfiguration : IEntityTypeConfiguration<PlacementVisit>
{
    public void Configure(EntityTypeBuilder<PlacementVisit> b)
    {
        b.ToTable("placement_visits");
        b.Property(x => x.Id).ValueGeneratedNever();
        foreach (var text in new[] { nameof(PlacementVisit.VisitedBy), nameof(PlacementVisit.ExternalAgencies), nameof(PlacementVisit.Safeguarding), nameof(PlacementVisit.Attendance),
                     nameof(PlacementVisit.BehaviourAndPastoral), nameof(PlacementVisit.CurriculumAndProgress), nameof(PlacementVisit.QualificationsAndNextSteps), nameof(PlacementVisit.AdditionalComments) })
        {
            b.Property(text).HasMaxLength(PlacementVisit.MaxTextLength);
        }

        b.HasOne<Placement>().WithMany().HasForeignKey(x => x.ArrangementId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<CaseDocument>().WithMany().HasForeignKey(x => x.DocumentId).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(x => new { x.ArrangementId, x.VisitedOn });
    }
}

internal sealed class ProviderReportConfiguration : IEntityTypeConfiguration<ProviderReport>
{
    public void Configure(EntityTypeBuilder<ProviderReport> b)
    {
        b.ToTable("provider_reports");
        b.Property(x => x.Id).ValueGeneratedNever();
        b.Property(x => x.Outcome).HasConversion<string>().HasMaxLength(20);
        b.Property(x => x.Channel).HasConversion<string>().HasMaxLength(20);
        b.Property(x => x.Detail).HasMaxLength(ProviderReport.MaxDetailLength);
        b.HasOne<Placement>().WithMany().HasForeignKey(x => x.ArrangementId).OnDelete(DeleteBehavior.Restrict);
        // Today's reports of a school's running placements, and a placement's reports by day.
        b.HasIndex(x => new { x.ArrangementId, x.Date });
    }
}
