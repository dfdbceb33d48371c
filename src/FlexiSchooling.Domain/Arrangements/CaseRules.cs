using FlexiSchooling.Domain.Calendar;
using FlexiSchooling.Domain.Policy;

namespace FlexiSchooling.Domain.Arrangements;

/// <summary>
/// The few rules the shared steps ask of a case's kind, in one place so the shared pages (reviews, risk assessments)
/// never switch on the kind themselves.
/// </summary>
public static class CaseRules
{
    /// <summary>
    /// How often a running case is reviewed, from the profile version it was decided under: flexi (000: termly; 003
    /// Flexi-Schooling Protocol: half-termly; 004 §10: termly), part-time (003 appendix 1: fortnightly; 002 §4.2(4):
    /// at least half-termly), AP (002; 004 §8: at least half-termly).
    /// </summary>
    public static ReviewCadence ReviewCadence(ArrangementKind kind, PolicyProfileSettings profile) => kind switch
    {
        ArrangementKind.FlexiSchooling => profile.Flexi.ReviewCadence,
        ArrangementKind.PartTimeTimetable => profile.PartTime.ReviewCadence,
        ArrangementKind.AlternativeProvision => profile.AlternativeProvision.ReviewCadence,
    };

    /// <summary>The next scheduled review after <paramref name="from"/> (the start, then each review held); null when the calendar has no later term.</summary>
    public static DateOnly? NextReviewDue(SchoolCalendar calendar, ArrangementKind kind, PolicyProfileSettings profile, DateOnly from) =>
        calendar.NextReviewDate(ReviewCadence(kind, profile), from);

    /// <summary>Whom a case of the kind asks or tells (each kind's rules: <c>FlexiRules.Consents</c>, <c>PartTimeRules.Consents</c>, <c>PlacementRules.Consents</c>).</summary>
    /// <param name="offSiteDirection">For an AP case, whether its placement is an off-site direction (004 §6), which asks the governing body and tells the parents.</param>
    public static IReadOnlyList<ConsentRequirement> Consents(ArrangementKind kind, PolicyProfileSettings profile, Pupils.PupilFlags flags, bool offSiteDirection = false) => kind switch
    {
        ArrangementKind.FlexiSchooling => Flexi.FlexiRules.Consents(profile.Flexi),
        ArrangementKind.PartTimeTimetable => PartTime.PartTimeRules.Consents(flags),
        ArrangementKind.AlternativeProvision => AlternativeProvision.PlacementRules.Consents(flags, offSiteDirection),
    };
}
