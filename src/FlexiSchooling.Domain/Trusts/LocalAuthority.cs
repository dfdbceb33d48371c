using FlexiSchooling.Domain.Calendar;
using FlexiSchooling.Domain.Common;
using FlexiSchooling.Domain.Tenancy;

namespace FlexiSchooling.Domain.Trusts;

/// <summary>
/// How a local authority wants to be told of an arrangement (domain.md, "Local authorities": "an emailed plan when
/// agreed, an online form within 2 weeks, half-termly returns including nil returns").
/// </summary>
public enum LocalAuthorityNotice
{
    /// <summary>The plan or letter emailed to the authority's address, within the days it gives of the agreement.</summary>
    EmailedPlan,

    /// <summary>The authority's online form (003: "notified to the Local Authority using this link"), within its days.</summary>
    OnlineForm,

    /// <summary>A return each half-term listing the arrangements (a nil return when there are none), due its days after the half-term ends.</summary>
    HalfTermlyReturn,
}

/// <summary>
/// A local authority the trust's schools are in, held by the trust with how it wants to be told of an arrangement.
/// A school names its authority from the trust's list (issue 11: "Local authorities become records of the trust …
/// a school names its LA from that list"); every case of the school is notified to it in its way, by its deadline.
/// </summary>
public sealed class LocalAuthority : ITrustStampable
{
    public const int MaxWithinDays = 60;

    private LocalAuthority() { }

    public LocalAuthority(Guid trustId, string name, string? code, LocalAuthorityNotice notice, string? address, int withinDays, string? team)
    {
        Id = Ids.New();
        TrustId = trustId;
        Update(name, code, notice, address, withinDays, team);
    }

    public Guid Id { get; private set; }

    public Guid TrustId { get; private set; }

    /// <summary>The authority as letters name it, for example "Leicestershire County Council".</summary>
    public string Name { get; private set; } = "";

    /// <summary>The DfE's three-digit local authority number (e.g. 855 Leicestershire), where known.</summary>
    public string? Code { get; private set; }

    public LocalAuthorityNotice Notice { get; private set; }

    /// <summary>Where to send: the email address (emailed plan, returns) or the online form's address. Null only for an authority brought over from before the trust recorded it.</summary>
    public string? Address { get; private set; }

    /// <summary>Days allowed: after the agreement (emailed plan, online form; 0 = the same day) or after the half-term ends (returns).</summary>
    public int WithinDays { get; private set; }

    /// <summary>The team or officer told, for example "Children missing education and part-time timetables team".</summary>
    public string? Team { get; private set; }

    public uint Version { get; private set; }

    /// <summary>Who a notification is addressed to: the team at the authority, or the authority.</summary>
    public string Recipient => Team is { } team ? $"{team}, {Name}" : Name;

    /// <summary>
    /// Whether a case's notification to this authority is a gate before the start. An authority that asks for each
    /// arrangement (emailed plan, online form) is told before the pupil's pattern changes (002 §4.2(1); 003 "notify the
    /// local authority … immediately"); one that takes half-termly returns is told in the return that follows, so it
    /// cannot hold the start, and the notification shows as due until the return is recorded as sent.
    /// </summary>
    public bool ToldBeforeStart => Notice != LocalAuthorityNotice.HalfTermlyReturn;

    public void StampTrust(Guid trustId) => TrustId = trustId;

    public void Update(string name, string? code, LocalAuthorityNotice notice, string? address, int withinDays, string? team)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Trim().Length > 100)
        {
            throw new DomainRuleException("la-name", "Enter the local authority's name (at most 100 characters).", nameof(Name));
        }

        code = string.IsNullOrWhiteSpace(code) ? null : code.Trim();
        if (code is not null && (code.Length != 3 || !code.All(char.IsAsciiDigit)))
        {
            throw new DomainRuleException("la-code", "Enter the local authority number as three digits, like 855, or leave it blank.", nameof(Code));
        }

        if (!Enum.IsDefined(notice))
        {
            throw new DomainRuleException("la-notice", "Choose how the local authority wants to be told.", nameof(Notice));
        }

        address = address?.Trim() ?? "";
        if (notice == LocalAuthorityNotice.OnlineForm
            ? !(Uri.TryCreate(address, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps && address.Length <= 300)
            : address.Length is 0 or > 254 || address.IndexOf('@', StringComparison.Ordinal) <= 0 || address.EndsWith('@') || address.Contains(' ', StringComparison.Ordinal))
        {
            throw new DomainRuleException("la-address", notice == LocalAuthorityNotice.OnlineForm
                ? "Enter the online form's address, starting https://"
                : "Enter the email address the local authority uses, like attendance@council.gov.uk", nameof(Address));
        }

        if (withinDays is < 0 or > MaxWithinDays)
        {
            throw new DomainRuleException("la-within-days", $"Enter the number of days allowed, from 0 (the same day) to {MaxWithinDays}.", nameof(WithinDays));
        }

        Name = name.Trim();
        Code = code;
        Notice = notice;
        Address = address;
        WithinDays = withinDays;
        Team = string.IsNullOrWhiteSpace(team) ? null : team.Trim()[..Math.Min(team.Trim().Length, 200)];
    }

    /// <summary>
    /// The day a case agreed on <paramref name="agreedOn"/> must be notified by (domain.md, "Local authorities": "what
    /// is sent, by when"): its days after the agreement, or — for half-termly returns — its days after the end of the
    /// half-term the agreement fell in (the next one, when agreed in a holiday). With no half-terms set up for the
    /// school, the return falls due as if the half-term ended on the day of agreement: never later than it should.
    /// </summary>
    public DateOnly NotifyBy(DateOnly agreedOn, SchoolCalendar calendar)
    {
        if (Notice != LocalAuthorityNotice.HalfTermlyReturn)
        {
            return agreedOn.AddDays(WithinDays);
        }

        var halfTermEnd = calendar.Terms.SelectMany(t => t.HalfTerms()).Where(h => h.Last >= agreedOn).OrderBy(h => h.Last).Select(h => (DateOnly?)h.Last).FirstOrDefault();
        return (halfTermEnd ?? agreedOn).AddDays(WithinDays);
    }

    /// <summary>The day a half-term's return is due: its days after the half-term's last day.</summary>
    public DateOnly ReturnDueBy(HalfTerm halfTerm) => halfTerm.Last.AddDays(WithinDays);

    /// <summary>How it wants to be told, as a sentence for the page that records it.</summary>
    public string Describe() => Notice switch
    {
        LocalAuthorityNotice.EmailedPlan => $"The plan emailed to {Address ?? "the authority"} {Within("of the agreement")}",
        LocalAuthorityNotice.OnlineForm => $"Its online form, {Within("of the agreement")}",
        _ => $"A half-termly return to {Address ?? "the authority"} (a nil return when there is nothing to report), {Within("of the half-term's end")}",
    };

    public static string NoticeLabel(LocalAuthorityNotice notice) => notice switch
    {
        LocalAuthorityNotice.EmailedPlan => "Emailed plan",
        LocalAuthorityNotice.OnlineForm => "Online form",
        _ => "Half-termly return",
    };

    private string Within(string after) => WithinDays == 0 ? (Notice == LocalAuthorityNotice.HalfTermlyReturn ? $"on the last day {after}" : "on the day it is agreed") : $"within {WithinDays} day{(WithinDays == 1 ? "" : "s")} {after}";
}
