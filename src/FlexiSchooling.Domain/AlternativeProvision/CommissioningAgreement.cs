using FlexiSchooling.Domain.Common;
using FlexiSchooling.Domain.Tenancy;

namespace FlexiSchooling.Domain.AlternativeProvision;

/// <summary>What the school and the provider agree in writing before a placement starts (004 §7.11).</summary>
public sealed record CommissioningTerms(
    string DaysAndTimes,
    string AimsAndOutcomes,
    string CurriculumAndQualifications,
    string Induction,
    string Pastoral,
    string AttendanceArrangements,
    string SafeguardingArrangements,
    string FreeSchoolMeals,
    string Exams,
    string Communication,
    decimal Cost,
    string Review,
    DateOnly AgreedOn,
    string ProviderSignatory);

/// <summary>
/// The commissioning agreement of a placement (004 §7.11: "a written agreement … setting out the start date, days and
/// times, aims and outcomes, curriculum and qualifications, induction, pastoral, attendance and safeguarding
/// arrangements, free school meals, exams, communication, cost, and how, how often and with whom it is reviewed"),
/// agreed with the provider on a day by a named person there and recorded by the school. A gate before the start
/// (<see cref="PlacementRules.StartGates"/>); kept as a PDF with the case. One per placement; replaced only before the start.
/// </summary>
public sealed class CommissioningAgreement : ISchoolOwned, ITrustStampable
{
    public const int MaxTextLength = 2000;

    private CommissioningAgreement() { }

    public Guid ArrangementId { get; private set; }

    public Guid TrustId { get; private set; }

    public Guid SchoolId { get; private set; }

    public string DaysAndTimes { get; private set; } = "";

    public string AimsAndOutcomes { get; private set; } = "";

    public string CurriculumAndQualifications { get; private set; } = "";

    public string Induction { get; private set; } = "";

    public string Pastoral { get; private set; } = "";

    public string AttendanceArrangements { get; private set; } = "";

    public string SafeguardingArrangements { get; private set; } = "";

    public string FreeSchoolMeals { get; private set; } = "";

    public string Exams { get; private set; } = "";

    public string Communication { get; private set; } = "";

    public decimal Cost { get; private set; }

    /// <summary>How, how often and with whom the placement is reviewed.</summary>
    public string Review { get; private set; } = "";

    public DateOnly AgreedOn { get; private set; }

    /// <summary>Who agreed it for the provider.</summary>
    public string ProviderSignatory { get; private set; } = "";

    public Guid RecordedBy { get; private set; }

    public DateTimeOffset RecordedAt { get; private set; }

    public uint Version { get; private set; }

    public void StampTrust(Guid trustId) => TrustId = trustId;

    public static CommissioningAgreement Record(Placement placement, CommissioningTerms terms, DateOnly today, Guid by, DateTimeOffset now)
    {
        var agreement = new CommissioningAgreement { ArrangementId = placement.ArrangementId, TrustId = placement.TrustId, SchoolId = placement.SchoolId };
        agreement.Replace(terms, today, by, now);
        return agreement;
    }

    /// <summary>Records the terms again (a corrected agreement before the start).</summary>
    public void Replace(CommissioningTerms terms, DateOnly today, Guid by, DateTimeOffset now)
    {
        Check(terms, today);
        DaysAndTimes = terms.DaysAndTimes.Trim();
        AimsAndOutcomes = terms.AimsAndOutcomes.Trim();
        CurriculumAndQualifications = terms.CurriculumAndQualifications.Trim();
        Induction = terms.Induction.Trim();
        Pastoral = terms.Pastoral.Trim();
        AttendanceArrangements = terms.AttendanceArrangements.Trim();
        SafeguardingArrangements = terms.SafeguardingArrangements.Trim();
        FreeSchoolMeals = terms.FreeSchoolMeals.Trim();
        Exams = terms.Exams.Trim();
        Communication = terms.Communication.Trim();
        Cost = terms.Cost;
        Review = terms.Review.Trim();
        AgreedOn = terms.AgreedOn;
        ProviderSignatory = terms.ProviderSignatory.Trim();
        RecordedBy = by;
        RecordedAt = now;
    }

    /// <summary>Every heading of 004 §7.11 filled, the cost not negative, agreed on a day that has come.</summary>
    public static void Check(CommissioningTerms t, DateOnly today)
    {
        foreach (var (value, field, heading) in Headings(t))
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                throw new DomainRuleException("commissioning-agreement-complete", $"Enter the {heading} (004 §7.11).", field);
            }
        }

        if (t.Cost < 0)
        {
            throw new DomainRuleException("commissioning-agreement-cost", "The cost cannot be negative.", "Cost");
        }

        if (t.AgreedOn > today)
        {
            throw new DomainRuleException("commissioning-agreement-date", "The agreement cannot be dated in the future.", "AgreedOn");
        }
    }

    private static IEnumerable<(string Value, string Field, string Heading)> Headings(CommissioningTerms t) =>
    [
        (t.DaysAndTimes, "DaysAndTimes", "days and times"),
        (t.AimsAndOutcomes, "AimsAndOutcomes", "aims and outcomes"),
        (t.CurriculumAndQualifications, "CurriculumAndQualifications", "curriculum and qualifications"),
        (t.Induction, "Induction", "induction"),
        (t.Pastoral, "Pastoral", "pastoral arrangements"),
        (t.AttendanceArrangements, "AttendanceArrangements", "attendance arrangements"),
        (t.SafeguardingArrangements, "SafeguardingArrangements", "safeguarding arrangements"),
        (t.FreeSchoolMeals, "FreeSchoolMeals", "free school meals arrangements"),
        (t.Exams, "Exams", "exam arrangements"),
        (t.Communication, "Communication", "communication arrangements"),
        (t.Review, "Review", "review arrangements: how, how often and with whom"),
        (t.ProviderSignatory, "ProviderSignatory", "name of the person who agreed it for the provider"),
    ];
}
