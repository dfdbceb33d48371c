using FlexiSchooling.Domain.Arrangements;
using FlexiSchooling.Domain.Calendar;
using FlexiSchooling.Domain.Common;
using FlexiSchooling.Domain.PartTime;
using FlexiSchooling.Domain.Pupils;
using FlexiSchooling.Domain.Trusts;

namespace FlexiSchooling.Domain.Tests;

/// <summary>Issue 11 and domain.md "Local authorities": each authority is told in its own way, by its own deadline.</summary>
public sealed class LocalAuthorityTests
{
    private static readonly Guid School = Guid.NewGuid();
    private static readonly DateTimeOffset Now = new(2025, 1, 2, 12, 0, 0, TimeSpan.Zero);

    // Spring 2025: half-term 17–21 February, so the first half-term ends on 16 February and the second on 4 April.
    private static readonly SchoolCalendar Spring2025 = new(
        [new Term(School, "Spring 2025", new(2025, 1, 6), new(2025, 4, 4), new(2025, 2, 17), new(2025, 2, 21))], [], []);

    private static LocalAuthority La(LocalAuthorityNotice notice, int days, string address = "pt@council.example") =>
        new(Guid.NewGuid(), "Leicestershire County Council", "855", notice, notice == LocalAuthorityNotice.OnlineForm ? "https://forms.council.example/pt" : address, days, "Attendance team");

    private static DomainRuleException Refused(Action action) => Assert.Throws<DomainRuleException>(action);

    private static Arrangement AgreedOn(DateOnly day)
    {
        var arrangement = Arrangement.Propose(ArrangementKind.PartTimeTimetable, School, Guid.NewGuid(), day, "Mr Year-Leader", "Head of year", null, null, Now).Case;
        arrangement.Decide(DecisionOutcome.Agreed, [], null, day, Guid.NewGuid(), null, Now);
        return arrangement;
    }

    [Fact]
    public void An_emailed_plan_or_an_online_form_is_due_its_days_after_the_agreement()
    {
        var agreed = new DateOnly(2025, 1, 13);
        Assert.Equal(agreed, La(LocalAuthorityNotice.OnlineForm, 0).NotifyBy(agreed, Spring2025)); // 003: "immediately"
        Assert.Equal(new DateOnly(2025, 1, 27), La(LocalAuthorityNotice.OnlineForm, 14).NotifyBy(agreed, Spring2025)); // "an online form within 2 weeks"
        Assert.Equal(new DateOnly(2025, 1, 18), La(LocalAuthorityNotice.EmailedPlan, 5).NotifyBy(agreed, Spring2025));
    }

    [Fact]
    public void A_half_termly_return_is_due_its_days_after_the_half_term_the_agreement_fell_in()
    {
        var returns = La(LocalAuthorityNotice.HalfTermlyReturn, 10);
        Assert.Equal(new DateOnly(2025, 2, 26), returns.NotifyBy(new DateOnly(2025, 1, 13), Spring2025)); // 16 February + 10
        Assert.Equal(new DateOnly(2025, 4, 14), returns.NotifyBy(new DateOnly(2025, 2, 18), Spring2025)); // agreed in the holiday: the next half-term's return
        Assert.Equal(new DateOnly(2025, 8, 11), returns.NotifyBy(new DateOnly(2025, 8, 1), Spring2025)); // no half-term set up: never later than it should be
    }

    [Fact]
    public void A_local_authority_that_takes_half_termly_returns_is_not_a_gate_before_the_start()
    {
        Assert.Contains(PartTimeRules.StartGates([], null, PupilFlags.None, La(LocalAuthorityNotice.OnlineForm, 0)), g => g.Name == "The local authority told");
        Assert.DoesNotContain(PartTimeRules.StartGates([], null, PupilFlags.None, La(LocalAuthorityNotice.HalfTermlyReturn, 10)), g => g.Name == "The local authority told");
        Assert.DoesNotContain(Flexi.FlexiRules.StartGates(null, null, [], Policy.PolicyTemplates.Get(Policy.PolicyTemplates.Ddat).Settings.Flexi, La(LocalAuthorityNotice.HalfTermlyReturn, 10)),
            g => g.Name == "The local authority notified");
    }

    [Fact]
    public void A_notification_is_due_with_its_deadline_until_it_is_recorded_as_sent()
    {
        var arrangement = AgreedOn(new DateOnly(2025, 1, 13));
        var requirements = PartTimeRules.Consents(PupilFlags.None with { HasSocialWorker = true });
        var la = La(LocalAuthorityNotice.OnlineForm, 14);
        var due = CaseNotifications.Due(arrangement, requirements, la, Spring2025, [], new DateOnly(2025, 1, 28));
        Assert.Equal([(ConsentParty.LocalAuthority, new DateOnly(2025, 1, 27), true), (ConsentParty.SocialWorker, new DateOnly(2025, 1, 13), true)], due.Select(d => (d.Party, d.DueBy, d.Overdue)));
        Assert.Equal("Attendance team, Leicestershire County Council", due[0].To);

        var (told, _) = ArrangementConsent.Record(arrangement, requirements.Single(r => r.Party == ConsentParty.LocalAuthority), ConsentAnswer.Told, new DateOnly(2025, 1, 14), la.Recipient, null, null, new DateOnly(2025, 1, 28), null, Now);
        Assert.Equal([ConsentParty.SocialWorker], CaseNotifications.Due(arrangement, requirements, la, Spring2025, [told], new DateOnly(2025, 1, 28)).Select(d => d.Party));

        // A withdrawn case owes nothing: the arrangement never happened.
        var withdrawn = AgreedOn(new DateOnly(2025, 1, 13));
        withdrawn.Withdraw(new DateOnly(2025, 1, 14), "The parent refused consent", new DateOnly(2025, 1, 14), null, Now);
        Assert.Empty(CaseNotifications.Due(withdrawn, requirements, la, Spring2025, [], new DateOnly(2025, 1, 28)));
    }

    [Fact]
    public void A_local_authority_is_told_where_it_asks_an_online_form_at_an_https_address_and_a_plan_or_return_by_email()
    {
        Assert.Equal(("la-address", "Address"), Refused(() => new LocalAuthority(Guid.NewGuid(), "Derby City Council", null, LocalAuthorityNotice.OnlineForm, "http://forms.example/pt", 14, null)) is var e ? (e.Rule, e.Field) : default);
        Assert.Equal("la-address", Refused(() => new LocalAuthority(Guid.NewGuid(), "Derby City Council", null, LocalAuthorityNotice.EmailedPlan, "https://forms.example/pt", 14, null)).Rule);
        Assert.Equal("la-code", Refused(() => new LocalAuthority(Guid.NewGuid(), "Derby City Council", "83", LocalAuthorityNotice.EmailedPlan, "a@b.example", 14, null)).Rule);
        Assert.Equal("la-within-days", Refused(() => new LocalAuthority(Guid.NewGuid(), "Derby City Council", null, LocalAuthorityNotice.EmailedPlan, "a@b.example", 61, null)).Rule);
        Assert.Equal("la-name", Refused(() => new LocalAuthority(Guid.NewGuid(), " ", null, LocalAuthorityNotice.EmailedPlan, "a@b.example", 1, null)).Rule);
        Assert.Equal("Derby City Council", new LocalAuthority(Guid.NewGuid(), "Derby City Council", null, LocalAuthorityNotice.HalfTermlyReturn, "returns@derby.example", 10, null).Recipient);
    }

    [Fact]
    public void A_half_termly_return_lists_the_arrangements_in_place_during_the_half_term_and_is_nil_when_there_are_none()
    {
        var halfTerms = HalfTerm.Begun(Spring2025, new DateOnly(2025, 3, 3));
        Assert.Equal([new HalfTerm(new(2025, 2, 24), new(2025, 4, 4)), new HalfTerm(new(2025, 1, 6), new(2025, 2, 16))], halfTerms); // the second from the Monday after the break
        var first = halfTerms[1];
        Assert.True(LocalAuthorityReturn.Includes(first, ArrangementStage.Running, new DateOnly(2025, 1, 13), null));
        Assert.True(LocalAuthorityReturn.Includes(first, ArrangementStage.Agreed, new DateOnly(2025, 2, 14), null)); // agreed, not started yet
        Assert.True(LocalAuthorityReturn.Includes(first, ArrangementStage.Ended, new DateOnly(2024, 11, 4), new DateOnly(2025, 1, 10))); // ended during it
        Assert.False(LocalAuthorityReturn.Includes(first, ArrangementStage.Ended, new DateOnly(2024, 11, 4), new DateOnly(2024, 12, 20))); // ended before it
        Assert.False(LocalAuthorityReturn.Includes(first, ArrangementStage.Running, new DateOnly(2025, 2, 24), null)); // agreed after it
        Assert.False(LocalAuthorityReturn.Includes(first, ArrangementStage.Withdrawn, new DateOnly(2025, 1, 13), new DateOnly(2025, 1, 14)));
        Assert.False(LocalAuthorityReturn.Includes(first, ArrangementStage.Proposed, null, null));
        Assert.Equal(new DateOnly(2025, 2, 26), La(LocalAuthorityNotice.HalfTermlyReturn, 10).ReturnDueBy(first));
    }

    [Fact]
    public void A_return_is_recorded_once_to_a_named_recipient_for_an_authority_that_takes_returns_not_before_its_half_term()
    {
        var returns = La(LocalAuthorityNotice.HalfTermlyReturn, 10);
        var first = new HalfTerm(new(2025, 1, 6), new(2025, 2, 16));
        var today = new DateOnly(2025, 2, 20);
        LocalAuthorityReturn Record(LocalAuthority la, DateOnly sentOn, string to = "Inclusion returns", bool already = false) =>
            LocalAuthorityReturn.Record(School, la, first, sentOn, to, 0, already, today, null, Now);
        DomainRuleException Refused(Func<LocalAuthorityReturn> record) => Assert.Throws<DomainRuleException>(() => record());
        Assert.Equal("la-return-route", Refused(() => Record(La(LocalAuthorityNotice.OnlineForm, 0), today)).Rule);
        Assert.Equal(("la-return-date", "SentOn"), Refused(() => Record(returns, new DateOnly(2025, 1, 3))) is var e ? (e.Rule, e.Field) : default);
        Assert.Equal("la-return-date", Refused(() => Record(returns, today.AddDays(1))).Rule);
        Assert.Equal(("la-return-to", "SentTo"), Refused(() => Record(returns, today, " ")) is var f ? (f.Rule, f.Field) : default);
        Assert.Equal("la-return-once", Refused(() => Record(returns, today, already: true)).Rule);
        var nil = Record(returns, new DateOnly(2025, 2, 19));
        Assert.Equal((0, first), (nil.Arrangements, nil.HalfTerm));
    }

    [Fact]
    public void A_return_tells_the_authority_on_the_day_it_was_sent_never_before_an_arrangement_was_agreed()
    {
        var first = new HalfTerm(new(2025, 1, 6), new(2025, 2, 16));
        var sent = LocalAuthorityReturn.Record(School, La(LocalAuthorityNotice.HalfTermlyReturn, 10), first, new DateOnly(2025, 2, 10), "Inclusion returns", 2, false, new DateOnly(2025, 2, 20), null, Now);
        Assert.Equal(new DateOnly(2025, 2, 10), sent.ToldOn(new DateOnly(2025, 1, 20)));
        Assert.Equal(new DateOnly(2025, 2, 12), sent.ToldOn(new DateOnly(2025, 2, 12)));
    }
}
