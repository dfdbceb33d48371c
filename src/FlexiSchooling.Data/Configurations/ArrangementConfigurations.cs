using System.Text.Json;
using FlexiSchooling.Domain.Arrangements;
using FlexiSchooling.Domain.Flexi;
using FlexiSchooling.Domain.PartTime;
using FlexiSchooling.Domain.RiskAssessments;
using FlexiSchooling.Domain.Pupils;
using FlexiSchooling.Domain.Trusts;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace FlexiSchooling.Data.Configurations;

internal sealed class ArrangementConfiguration : IEntityTypeConfiguration<Arrangement>
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public void Configure(EntityTypeBuilder<Arrangement> b)
    {
        b.ToTable("arrangements");
        b.Property(x => x.Kind).HasConversion<string>().HasMaxLength(30);
        b.Property(x => x.Stage).HasConversion<string>().HasMaxLength(30);
        b.Property(x => x.Outcome).HasConversion<string>().HasMaxLength(20);
        b.Property(x => x.RequestedBy).HasMaxLength(200);
        b.Property(x => x.RequesterRelationship).HasMaxLength(100);
        b.Property(x => x.RequestSummary).HasMaxLength(2000);
        b.Property(x => x.MeetingAttendees).HasMaxLength(500);
        b.Property(x => x.MeetingNotes).HasMaxLength(4000);
        b.Property(x => x.DecisionReason).HasMaxLength(2000);
        b.Property(x => x.LocalAuthorityAgreedBy).HasMaxLength(200);
        b.Property(x => x.NoticeGivenBy).HasMaxLength(10);
        b.Property(x => x.EndReason).HasMaxLength(2000);
        b.Property(x => x.Version).IsRowVersion();

        // The head's assessment of each criterion is written once, with the decision, and read whole.
        b.Property<List<CriterionAssessment>>("_criteria")
            .HasColumnName("criteria")
            .HasColumnType("jsonb")
            .HasConversion(
                v => JsonSerializer.Serialize(v, Json),
                v => JsonSerializer.Deserialize<List<CriterionAssessment>>(v, Json) ?? new List<CriterionAssessment>(),
                new ValueComparer<List<CriterionAssessment>>(
                    (a, c) => JsonSerializer.Serialize(a, Json) == JsonSerializer.Serialize(c, Json),
                    v => JsonSerializer.Serialize(v, Json).GetHashCode(StringComparison.Ordinal),
                    v => v.ToList()));
        b.Ignore(x => x.Criteria);
        b.Ignore(x => x.EnteredAfterwards);
        b.HasOne<Pupil>().WithMany().HasForeignKey(x => x.PupilId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<School>().WithMany().HasForeignKey(x => x.SchoolId).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(x => new { x.SchoolId, x.Stage });
        b.HasIndex(x => new { x.PupilId, x.Kind });
    }
}

internal sealed class ArrangementEventConfiguration : IEntityTypeConfiguration<ArrangementEvent>
{
    public void Configure(EntityTypeBuilder<ArrangementEvent> b)
    {
        b.ToTable("arrangement_events");
        b.Property(x => x.Id).ValueGeneratedNever();
        b.Property(x => x.What).HasMaxLength(200);
        b.Property(x => x.Detail).HasMaxLength(2000);
        b.HasOne<Arrangement>().WithMany().HasForeignKey(x => x.ArrangementId).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(x => new { x.ArrangementId, x.At });
    }
}

internal sealed class CaseDocumentConfiguration : IEntityTypeConfiguration<CaseDocument>
{
    public void Configure(EntityTypeBuilder<CaseDocument> b)
    {
        b.ToTable("case_documents");
        b.Property(x => x.Id).ValueGeneratedNever();
        b.Property(x => x.Kind).HasConversion<string>().HasMaxLength(40);
        b.Property(x => x.FileName).HasMaxLength(200);
        b.Property(x => x.ContentType).HasMaxLength(100);
        b.Property(x => x.Sha256).HasMaxLength(64);
        b.HasOne<Arrangement>().WithMany().HasForeignKey(x => x.ArrangementId).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(x => new { x.ArrangementId, x.CreatedAt });
        b.HasOne<ArrangementReview>().WithMany().HasForeignKey(x => x.ReviewId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class ArrangementReviewConfiguration : IEntityTypeConfiguration<ArrangementReview>
{
    public void Configure(EntityTypeBuilder<ArrangementReview> b)
    {
        b.ToTable("arrangement_reviews");
        b.Property(x => x.Id).ValueGeneratedNever();
        b.Property(x => x.Kind).HasConversion<string>().HasMaxLength(20);
        b.Property(x => x.Outcome).HasConversion<string>().HasMaxLength(30);
        b.Property(x => x.RaisedBecause).HasMaxLength(500);
        b.Property(x => x.NeedsAgreementOf).HasMaxLength(100);
        b.Property(x => x.AgreedByName).HasMaxLength(200);
        b.Property(x => x.Attendees).HasMaxLength(500);
        b.Property(x => x.ParentSignedBy).HasMaxLength(200);
        foreach (var text in new[] { nameof(ArrangementReview.Progress), nameof(ArrangementReview.ParentEvidence), nameof(ArrangementReview.PupilView), nameof(ArrangementReview.OutcomeNotes),
            nameof(ArrangementReview.Pastoral), nameof(ArrangementReview.NextSteps), nameof(ArrangementReview.Targets) })
        {
            b.Property<string?>(text).HasMaxLength(4000);
        }

        b.Property(x => x.Version).IsRowVersion();
        b.Ignore(x => x.IsHeld);
        b.Ignore(x => x.AwaitingAgreement);
        b.Ignore(x => x.AttendedPercent);
        b.HasOne<Arrangement>().WithMany().HasForeignKey(x => x.ArrangementId).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(x => new { x.ArrangementId, x.DueOn });
    }
}

internal sealed class AgreementSignatureLinkConfiguration : IEntityTypeConfiguration<AgreementSignatureLink>
{
    public void Configure(EntityTypeBuilder<AgreementSignatureLink> b)
    {
        b.ToTable("agreement_signature_links");
        b.Property(x => x.Id).ValueGeneratedNever();
        b.Property(x => x.Purpose).HasConversion<string>().HasMaxLength(20);
        b.Property(x => x.Email).HasMaxLength(254);
        b.Property(x => x.ParentName).HasMaxLength(200);
        b.Property(x => x.TokenHash).HasMaxLength(64);
        b.HasIndex(x => x.TokenHash).IsUnique();
        b.HasIndex(x => x.ArrangementId);
        b.HasOne<Arrangement>().WithMany().HasForeignKey(x => x.ArrangementId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class FlexiAgreementConfiguration : IEntityTypeConfiguration<FlexiAgreement>
{
    public void Configure(EntityTypeBuilder<FlexiAgreement> b)
    {
        b.ToTable("flexi_agreements");
        b.HasKey(x => x.ArrangementId);
        foreach (var text in new[] { nameof(FlexiAgreement.SchoolProvides), nameof(FlexiAgreement.HomeProvides), nameof(FlexiAgreement.Flexibility), nameof(FlexiAgreement.Assessment), nameof(FlexiAgreement.SendProvision), nameof(FlexiAgreement.NationalCurriculumExtent), nameof(FlexiAgreement.Rationale) })
        {
            b.Property<string>(text).HasMaxLength(2000);
        }

        b.Property(x => x.ResponsiblePersonAtHome).HasMaxLength(200);
        b.Property(x => x.ParentSignedBy).HasMaxLength(200);
        b.Property(x => x.ParentSignedVia).HasConversion<string>().HasMaxLength(20);
        b.Property(x => x.SchoolSignedBy).HasMaxLength(200);
        b.Ignore(x => x.Pattern);
        b.Property(x => x.Version).IsRowVersion();
        b.HasOne<Arrangement>().WithOne().HasForeignKey<FlexiAgreement>(x => x.ArrangementId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class RiskAssessmentConfiguration : IEntityTypeConfiguration<RiskAssessment>
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() } };

    public void Configure(EntityTypeBuilder<RiskAssessment> b)
    {
        b.ToTable("risk_assessments");
        b.Property(x => x.Id).ValueGeneratedNever();
        b.Property(x => x.TemplateKey).HasMaxLength(60);
        b.Property(x => x.TemplateSource).HasMaxLength(400);
        b.Property(x => x.ReviewCadence).HasConversion<string>().HasMaxLength(20);
        b.Property(x => x.Status).HasConversion<string>().HasMaxLength(20);
        b.Property(x => x.Version).IsRowVersion();

        // The rows are the assessment's content, adapted and read whole.
        b.Property<List<RiskRow>>("_rows")
            .HasColumnName("rows")
            .HasColumnType("jsonb")
            .HasConversion(
                v => JsonSerializer.Serialize(v, Json),
                v => JsonSerializer.Deserialize<List<RiskRow>>(v, Json) ?? new List<RiskRow>(),
                new ValueComparer<List<RiskRow>>(
                    (a, c) => JsonSerializer.Serialize(a, Json) == JsonSerializer.Serialize(c, Json),
                    v => JsonSerializer.Serialize(v, Json).GetHashCode(StringComparison.Ordinal),
                    v => v.ToList()));
        b.Ignore(x => x.Rows);
        b.HasOne<Arrangement>().WithMany().HasForeignKey(x => x.ArrangementId).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(x => new { x.ArrangementId, x.Number }).IsUnique();
    }
}

internal sealed class PartTimePlanConfiguration : IEntityTypeConfiguration<PartTimePlan>
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    public void Configure(EntityTypeBuilder<PartTimePlan> b)
    {
        b.ToTable("part_time_plans");
        b.HasKey(x => x.ArrangementId);
        b.Property(x => x.SupportPlan).HasMaxLength(4000);
        b.Property(x => x.Reintegration).HasMaxLength(4000);
        b.Property(x => x.WelfareResponsibility).HasMaxLength(1000);
        b.Property(x => x.ExtensionReason).HasMaxLength(2000);
        b.Property(x => x.Version).IsRowVersion();

        // The reasons and the dated phases are the plan's content, written and read whole.
        Json<string>(b, "_reasons", "reasons");
        Json<PartTimePhase>(b, "_phases", "phases");
        b.Ignore(x => x.Reasons);
        b.Ignore(x => x.Phases);
        b.HasOne<Arrangement>().WithOne().HasForeignKey<PartTimePlan>(x => x.ArrangementId).OnDelete(DeleteBehavior.Restrict);
    }

    private static void Json<T>(EntityTypeBuilder<PartTimePlan> b, string field, string column) =>
        b.Property<List<T>>(field)
            .HasColumnName(column)
            .HasColumnType("jsonb")
            .HasConversion(
                v => JsonSerializer.Serialize(v, Options),
                v => JsonSerializer.Deserialize<List<T>>(v, Options) ?? new List<T>(),
                new ValueComparer<List<T>>(
                    (a, c) => JsonSerializer.Serialize(a, Options) == JsonSerializer.Serialize(c, Options),
                    v => JsonSerializer.Serialize(v, Options).GetHashCode(StringComparison.Ordinal),
                    v => v.ToList()));
}

internal sealed class ArrangementConsentConfiguration : IEntityTypeConfiguration<ArrangementConsent>
{
    public void Configure(EntityTypeBuilder<ArrangementConsent> b)
    {
        b.ToTable("arrangement_consents");
        b.Property(x => x.Id).ValueGeneratedNever();
        b.Property(x => x.Party).HasConversion<string>().HasMaxLength(30);
        b.Property(x => x.Kind).HasConversion<string>().HasMaxLength(20);
        b.Property(x => x.Answer).HasConversion<string>().HasMaxLength(20);
        b.Property(x => x.What).HasMaxLength(200);
        b.Property(x => x.By).HasMaxLength(200);
        b.Property(x => x.Note).HasMaxLength(2000);
        b.HasOne<Arrangement>().WithMany().HasForeignKey(x => x.ArrangementId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<CaseDocument>().WithMany().HasForeignKey(x => x.EvidenceDocumentId).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(x => new { x.ArrangementId, x.Party });
    }
}

internal sealed class WelfareCheckConfiguration : IEntityTypeConfiguration<WelfareCheck>
{
    public void Configure(EntityTypeBuilder<WelfareCheck> b)
    {
        b.ToTable("welfare_checks");
        b.Property(x => x.Id).ValueGeneratedNever();
        b.Property(x => x.Method).HasConversion<string>().HasMaxLength(20);
        b.Property(x => x.Outcome).HasMaxLength(2000);
        b.HasOne<Arrangement>().WithMany().HasForeignKey(x => x.ArrangementId).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(x => new { x.ArrangementId, x.Date }).IsUnique();
    }
}
