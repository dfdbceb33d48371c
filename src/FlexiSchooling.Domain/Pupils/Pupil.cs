using System.Linq.Expressions;
using FlexiSchooling.Domain.Common;
using FlexiSchooling.Domain.Tenancy;

namespace FlexiSchooling.Domain.Pupils;

/// <summary>
/// The facts about a pupil that change which rules apply (domain.md, "Pupil facts that change
/// the rules"): EHCP, looked after, social worker, CP/CIN plan, SEN support, FSM, pupil premium.
/// </summary>
public sealed record PupilFlags(
    bool Ehcp,
    bool LookedAfter,
    bool HasSocialWorker,
    bool ChildProtectionPlan,
    bool ChildInNeedPlan,
    bool SenSupport,
    bool FreeSchoolMeals,
    bool PupilPremium)
{
    public static readonly PupilFlags None = new(false, false, false, false, false, false, false, false);

    /// <summary>
    /// Vulnerable for follow-up purposes (003 §8 wave 1: sooner home visits for PP/SEND pupils;
    /// DfE Working together 2024: pupils with a social worker).
    /// </summary>
    public bool IsVulnerable => Ehcp || SenSupport || LookedAfter || HasSocialWorker || ChildProtectionPlan || ChildInNeedPlan || PupilPremium;
}

public sealed class Pupil : ISchoolOwned, ITrustStampable
{
    private readonly List<PupilContact> _contacts = [];

    private Pupil() { }

    public Pupil(Guid schoolId, string upn, string legalForename, string legalSurname, DateOnly dateOfBirth, int yearGroup, DateOnly admissionDate)
    {
        Id = Ids.New();
        SchoolId = schoolId;
        Upn = Upns.Normalise(upn);
        if (!Upns.IsValid(Upn))
        {
            throw new DomainRuleException("pupil-upn", "Enter a valid unique pupil number (UPN): a letter, 12 digits and a check letter.", nameof(Upn));
        }

        Rename(legalForename, legalSurname, null, null);
        DateOfBirth = dateOfBirth;
        YearGroup = yearGroup;
        AdmissionDate = admissionDate;
        Flags = PupilFlags.None;
    }

    public Guid Id { get; private set; }

    public Guid TrustId { get; private set; }

    public Guid SchoolId { get; private set; }

    public string Upn { get; private set; } = "";

    public string LegalForename { get; private set; } = "";

    public string LegalSurname { get; private set; } = "";

    public string? PreferredForename { get; private set; }

    public string? PreferredSurname { get; private set; }

    public DateOnly DateOfBirth { get; private set; }

    public int YearGroup { get; private set; }

    public Guid? RegistrationGroupId { get; private set; }

    public DateOnly AdmissionDate { get; private set; }

    public DateOnly? LeavingDate { get; private set; }

    public PupilFlags Flags { get; private set; } = PupilFlags.None;

    public uint Version { get; private set; }

    public IReadOnlyList<PupilContact> Contacts => _contacts;

    public string DisplayName => $"{PreferredForename ?? LegalForename} {PreferredSurname ?? LegalSurname}";

    public string LegalName => $"{LegalForename} {LegalSurname}";

    public KeyStage KeyStage => YearGroups.KeyStageOf(YearGroup);

    /// <summary>
    /// On roll on a date: admitted on or before it and not left before it (the leaving day is the last day on roll).
    /// The one definition, on the two dates of a pupil's that decide it (declared before <see cref="OnRoll"/>, which reads it
    /// as it is made): <see cref="WasOnRoll"/> compiles it for a query that read only those dates.
    /// </summary>
    public static readonly Expression<Func<DateOnly, DateOnly?, DateOnly, bool>> OnRollBetween =
        (admitted, left, date) => admitted <= date && (left == null || left >= date);

    /// <summary>
    /// <see cref="OnRollBetween"/> of a pupil: the domain's <see cref="IsOnRoll"/> compiles it, and every query that lists
    /// the pupils on roll on a day uses it through <see cref="OnRollOn"/>, or <see cref="Inline.Invoke{T1, T2, TResult}"/>
    /// in a compiled query.
    /// </summary>
    public static readonly Expression<Func<Pupil, DateOnly, bool>> OnRoll =
        Inline.Expand<Func<Pupil, DateOnly, bool>>((p, date) => OnRollBetween.Invoke(p.AdmissionDate, p.LeavingDate, date));

    private static readonly Func<Pupil, DateOnly, bool> OnRollCompiled = OnRoll.Compile();

    private static readonly Func<DateOnly, DateOnly?, DateOnly, bool> OnRollBetweenCompiled = OnRollBetween.Compile();

    public bool IsOnRoll(DateOnly date) => OnRollCompiled(this, date);

    /// <summary>Whether a pupil admitted and leaving on these dates is on roll on <paramref name="date"/> (<see cref="OnRollBetween"/>).</summary>
    public static bool WasOnRoll(DateOnly admitted, DateOnly? left, DateOnly date) => OnRollBetweenCompiled(admitted, left, date);

    /// <summary>The pupils on roll on <paramref name="date"/>, as a filter a query provider translates (the date a parameter).</summary>
    public static Expression<Func<Pupil, bool>> OnRollOn(DateOnly date) => Inline.Expand<Func<Pupil, bool>>(p => OnRoll.Invoke(p, date));

    /// <summary>
    /// The pupils on roll on at least one day from <paramref name="first"/> to <paramref name="last"/>, as a filter: on roll
    /// (by the one rule) on the first day of the span they could be — their admission, kept within the span — since a
    /// pupil's days on roll run unbroken from admission. A query of several days' rolls reads them once with it and splits
    /// them by <see cref="WasOnRoll"/>.
    /// </summary>
    public static Expression<Func<Pupil, bool>> OnRollDuring(DateOnly first, DateOnly last) => Inline.Expand<Func<Pupil, bool>>(
        p => OnRoll.Invoke(p, p.AdmissionDate < first ? first : p.AdmissionDate > last ? last : p.AdmissionDate));

    public void StampTrust(Guid trustId) => TrustId = trustId;

    public void Rename(string legalForename, string legalSurname, string? preferredForename, string? preferredSurname)
    {
        LegalForename = legalForename.Trim();
        LegalSurname = legalSurname.Trim();
        PreferredForename = string.IsNullOrWhiteSpace(preferredForename) ? null : preferredForename.Trim();
        PreferredSurname = string.IsNullOrWhiteSpace(preferredSurname) ? null : preferredSurname.Trim();
    }

    public void SetFlags(PupilFlags flags) => Flags = flags;

    public void PlaceInGroup(RegistrationGroup? group, int yearGroup)
    {
        if (group is not null && group.SchoolId != SchoolId)
        {
            throw new DomainRuleException("pupil-group-same-school", "Choose a registration group of the pupil's own school.", nameof(RegistrationGroupId));
        }

        RegistrationGroupId = group?.Id;
        YearGroup = yearGroup;
    }

    public void SetRoll(DateOnly admissionDate, DateOnly? leavingDate)
    {
        if (leavingDate is { } left && left < admissionDate)
        {
            throw new DomainRuleException("pupil-leaving-after-admission", "The leaving date must be on or after the admission date.", nameof(LeavingDate));
        }

        AdmissionDate = admissionDate;
        LeavingDate = leavingDate;
    }

    public PupilContact AddContact(string name, string relationship, bool parentalResponsibility, string? email, string? telephone)
    {
        var contact = new PupilContact(this, name, relationship, parentalResponsibility, email, telephone);
        _contacts.Add(contact);
        return contact;
    }
}

/// <summary>A contact of a pupil; only those with parental responsibility may request flexi-schooling (000 §4).</summary>
public sealed class PupilContact : ISchoolOwned, ITrustStampable
{
    private PupilContact() { }

    internal PupilContact(Pupil pupil, string name, string relationship, bool parentalResponsibility, string? email, string? telephone)
    {
        Id = Ids.New();
        PupilId = pupil.Id;
        SchoolId = pupil.SchoolId;
        Name = name.Trim();
        Relationship = relationship.Trim();
        HasParentalResponsibility = parentalResponsibility;
        Email = email;
        Telephone = telephone;
    }

    public Guid Id { get; private set; }

    public Guid TrustId { get; private set; }

    public Guid SchoolId { get; private set; }

    public Guid PupilId { get; private set; }

    public string Name { get; private set; } = "";

    public string Relationship { get; private set; } = "";

    public bool HasParentalResponsibility { get; private set; }

    public string? Email { get; private set; }

    public string? Telephone { get; private set; }

    public void StampTrust(Guid trustId) => TrustId = trustId;
}

/// <summary>Unique pupil numbers: DfE "Unique Pupil Numbers (UPN)" guidance, check letter over 12 digits.</summary>
public static class Upns
{
    private const string CheckLetters = "ABCDEFGHJKLMNPQRTUVWXYZ";

    public static string Normalise(string upn) => upn.Trim().ToUpperInvariant();

    public static bool IsValid(string upn)
    {
        // Characters 2–12 are digits; character 13 is a digit, or a letter in a temporary UPN.
        if (upn.Length != 13 || upn.AsSpan(1, 11).ContainsAnyExceptInRange('0', '9') || !(char.IsAsciiDigit(upn[12]) || CheckLetters.Contains(upn[12], StringComparison.Ordinal)))
        {
            return false;
        }

        return upn[0] == CheckLetter(upn.AsSpan(1));
    }

    /// <summary>Computes the check letter for the 12 characters after it (the last may be a temporary-UPN letter).</summary>
    public static char CheckLetter(ReadOnlySpan<char> twelve)
    {
        var sum = 0;
        for (var i = 0; i < 12; i++)
        {
            var c = twelve[i];
            var value = char.IsAsciiDigit(c) ? c - '0' : CheckLetters.IndexOf(c, StringComparison.Ordinal);
            sum += value * (i + 2);
        }

        return CheckLetters[sum % 23];
    }

    public static string Create(string twelve) => CheckLetter(twelve) + twelve;
}
