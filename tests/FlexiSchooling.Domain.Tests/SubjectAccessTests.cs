using FlexiSchooling.Domain.Common;
using FlexiSchooling.Domain.Privacy;

namespace FlexiSchooling.Domain.Tests;

/// <summary>Issue 14, "Subject access": the statutory deadline and the steps of a request.</summary>
public sealed class SubjectAccessTests
{
    private static readonly HashSet<DateOnly> EnglandHolidays = [new(2026, 12, 25), new(2026, 12, 28), new(2027, 1, 1), new(2027, 3, 26), new(2027, 3, 29)];

    [Theory]
    [InlineData("2027-01-15", "2027-02-15")] // the same date next month
    [InlineData("2027-01-31", "2027-03-01")] // no 31 February: the month's last day, a Sunday, so the Monday
    [InlineData("2027-03-31", "2027-04-30")] // no 31 April: 30 April, a Friday
    [InlineData("2026-11-25", "2026-12-29")] // Christmas Day, a weekend and the Boxing Day substitute: the Tuesday
    [InlineData("2027-02-26", "2027-03-30")] // Good Friday, the weekend and Easter Monday
    public void The_deadline_is_one_calendar_month_moved_to_the_next_working_day(string received, string due) =>
        Assert.Equal(DateOnly.Parse(due), SubjectAccessRules.DueBy(DateOnly.Parse(received), EnglandHolidays));

    private static SubjectAccessRequest Received(DateOnly on) =>
        SubjectAccessRequest.Record(Guid.NewGuid(), Guid.NewGuid(), "Sam Parent", SubjectAccessRequester.Parent, on, null, EnglandHolidays, on, Guid.NewGuid(), DateTimeOffset.UtcNow);

    [Fact]
    public void A_request_cannot_be_received_in_the_future_nor_from_no_one()
    {
        var today = new DateOnly(2026, 12, 2);
        Assert.Equal("ReceivedOn", Assert.Throws<DomainRuleException>(() =>
            SubjectAccessRequest.Record(Guid.NewGuid(), Guid.NewGuid(), "Sam", SubjectAccessRequester.Parent, today.AddDays(1), null, EnglandHolidays, today, Guid.NewGuid(), DateTimeOffset.UtcNow)).Field);
        Assert.Equal("RequesterName", Assert.Throws<DomainRuleException>(() =>
            SubjectAccessRequest.Record(Guid.NewGuid(), Guid.NewGuid(), " ", SubjectAccessRequester.Parent, today, null, EnglandHolidays, today, Guid.NewGuid(), DateTimeOffset.UtcNow)).Field);
    }

    [Fact]
    public void A_request_is_completed_only_after_its_export_is_produced_and_its_third_party_information_reviewed()
    {
        var received = new DateOnly(2026, 11, 2);
        var request = Received(received);
        Assert.True(request.IsOverdue(new DateOnly(2026, 12, 3)));
        Assert.False(request.IsOverdue(request.DueBy));
        Assert.Throws<DomainRuleException>(() => request.Complete(received, thirdPartyReviewed: true, received, Guid.NewGuid()));

        request.QueueExport(Guid.NewGuid(), DateTimeOffset.UtcNow);
        Assert.Equal(SubjectAccessExportStatus.Queued, request.ExportStatus);
        Assert.Throws<DomainRuleException>(() => request.QueueExport(Guid.NewGuid(), DateTimeOffset.UtcNow)); // one at a time
    }
}

/// <summary>Issue 14, "Retention": the schedule's defaults, its floors and its cut-offs.</summary>
public sealed class RetentionScheduleTests
{
    [Fact]
    public void The_default_schedule_keeps_registers_six_years_and_case_files_to_twenty_five_or_thirty_one_after_birth()
    {
        var cutoffs = RetentionSchedule.Default.Cutoffs(new DateOnly(2026, 12, 2));
        Assert.Equal(new DateOnly(2020, 12, 2), cutoffs.MarksBefore);
        Assert.Equal(new DateOnly(2001, 12, 2), cutoffs.BornBefore);
        Assert.Equal(new DateOnly(1995, 12, 2), cutoffs.SendBornBefore);
        Assert.Equal(new DateOnly(2025, 12, 2), cutoffs.EmailsBefore);
        Assert.Empty(RetentionSchedule.Default.Problems());
    }

    [Fact]
    public void A_schedule_below_the_statutory_floors_is_refused_field_by_field()
    {
        var problems = new RetentionSchedule(3, 20, 19, 0, 0).Problems();
        Assert.Equal(["AttendanceYears", "CaseFileYears", "SendCaseFileYears", "AuditYears", "EmailMonths"], problems.Select(p => p.Field));
        Assert.Throws<DomainRuleException>(() => new RetentionSettings(new RetentionSchedule(3, 25, 31, 6, 12), Guid.NewGuid(), DateTimeOffset.UtcNow));
    }
}
