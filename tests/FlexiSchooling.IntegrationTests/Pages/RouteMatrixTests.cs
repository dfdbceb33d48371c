using System.Net;
using FlexiSchooling.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Mvc.RazorPages.Infrastructure;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace FlexiSchooling.IntegrationTests.Pages;

/// <summary>
/// Issue 2, "Tenancy", test 2: every page, for four personas — same school, sibling school in the
/// trust, another trust, trust lead — plus the trust administrators of both trusts. Another trust's
/// and a sibling school's records answer 404, never 403 or 200; a page a role may not use answers
/// the same whoever's record is named (no existence oracle); tampered ids in POSTs are refused.
/// </summary>
public sealed class RouteMatrixTests : IAsyncLifetime
{
    private FlexiFactory _factory = null!;
    private DemoRecords _records = null!;

    private static readonly string HeadAshby = FlexiFactory.Email("head", "ashby");
    private static readonly string HeadBrookside = FlexiFactory.Email("head", "brookside");
    private static readonly string HeadStBedes = FlexiFactory.Email("head", "stbedes");
    private static readonly string TrustLead = FlexiFactory.Email("trustlead", "northfield");
    private static readonly string AdminNorthfield = FlexiFactory.Email("trustadmin", "northfield");
    private static readonly string AdminStAidans = FlexiFactory.Email("trustadmin", "staidans");
    private static readonly string TrustLeadStAidans = FlexiFactory.Email("trustlead", "staidans");

    public async Task InitializeAsync()
    {
        var db = await TestDatabase.CreateAsync();
        _factory = new FlexiFactory(db);
        _records = new DemoRecords(db);
    }

    public Task DisposeAsync()
    {
        _factory.Dispose();
        return TestDatabase.DropAsync(_factory.Database);
    }

    /// <summary>Each page route with a record id, and which record kind the id names. A new page must be added here.</summary>
    private static readonly Dictionary<string, string> RecordRoutes = new()
    {
        ["Pupils/{id:guid}"] = "pupil",
        ["Pupils/{id:guid}/Edit"] = "pupil",
        ["Pupils/{id:guid}/Attendance"] = "pupil",
        ["Pupils/{id:guid}/Leave"] = "pupil",
        ["Pupils/{id:guid}/Contacts"] = "pupil",
        ["Attendance/Register/{groupId:guid}"] = "group",
        ["Admin/Schools/Edit/{id:guid?}"] = "school",
        ["Admin/Schools/Calendar/{id:guid}"] = "school",
        ["Admin/LocalAuthorities/Edit/{id:guid?}"] = "localauthority",
        ["Admin/Users/Edit/{id:guid}"] = "user",
        ["Admin/Policy/Version/{id:guid}"] = "policy",
        ["Cases/{id:guid}"] = "case",
        ["Cases/{id:guid}/Meeting"] = "case",
        ["Cases/{id:guid}/Decision"] = "case",
        ["Cases/{id:guid}/Agreement"] = "case",
        ["Cases/{id:guid}/RiskAssessment"] = "case",
        ["Cases/{id:guid}/Gates"] = "case",
        ["Cases/{id:guid}/End"] = "case",
        ["Cases/{id:guid}/Approval"] = "parttime",
        ["Cases/{id:guid}/Consents"] = "parttime",
        ["Cases/{id:guid}/FullTime"] = "parttime",
        ["Cases/{id:guid}/Extend"] = "parttime",
        ["Cases/{id:guid}/StepUp"] = "parttime",
        ["Cases/{id:guid}/WelfareChecks"] = "parttime",
        ["PartTime/Propose/{id:guid?}"] = "parttime",
        ["Cases/{id:guid}/Placement"] = "placement",
        ["Cases/{id:guid}/Commissioning"] = "placement",
        ["Cases/{id:guid}/PlacementEnd"] = "placement",
        ["Cases/{id:guid}/Visits"] = "placement",
        ["Cases/{id:guid}/ProviderReports"] = "placement",
        ["Cases/{id:guid}/Reintegration"] = "placement",
        ["Cases/{id:guid}/Direction"] = "placement",
        ["Cases/{id:guid}/InitialVisit"] = "placement",
        ["Cases/Review/{id:guid}"] = "review",
        ["Cases/Document/{id:guid}"] = "document",
        ["Privacy/SubjectAccess/{id:guid}"] = "sar",
        ["Providers/{id:guid}"] = "provider",
        ["Providers/Edit/{id:guid?}"] = "provider",
    };

    /// <summary>Kinds of record that belong to one school (the rest belong to the trust).</summary>
    private static readonly string[] SchoolKinds = ["pupil", "group", "case", "document", "review", "parttime", "placement"];

    private List<string> PageRoutes() =>
        [.. _factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<PageActionDescriptor>() is not null)
            .Select(e => e.RoutePattern.RawText!.TrimStart('/'))
            .Distinct()];

    [Fact]
    public void Every_page_with_a_record_id_is_in_the_matrix()
    {
        var withIds = PageRoutes().Where(r => r.Contains('{', StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(withIds);
        Assert.Empty(withIds.Except(RecordRoutes.Keys));
    }

    private async Task<Guid> RecordAsync(string kind, string owner) => (kind, owner) switch
    {
        ("pupil", "ashby") => await _records.PupilAtAsync("Ashby"),
        ("pupil", "brookside") => await _records.PupilAtAsync("Brookside"),
        ("pupil", "stbedes") => await _records.PupilAtAsync("St Bede"),
        ("school", "ashby") => await _records.SchoolAsync("Ashby"),
        ("school", "stbedes") => await _records.SchoolAsync("St Bede"),
        ("localauthority", "ashby") => await _records.LocalAuthorityOfAsync("Ashby"),
        ("localauthority", "stbedes") => await _records.LocalAuthorityOfAsync("St Bede"),
        ("user", "ashby") => await _records.UserAsync(FlexiFactory.Email("teacher", "ashby")),
        ("user", "stbedes") => await _records.UserAsync(FlexiFactory.Email("teacher", "stbedes")),
        ("policy", "ashby") => await _records.PolicyVersionOfTrustAsync("Northfield"),
        ("policy", "stbedes") => await _records.PolicyVersionOfTrustAsync("St Aidan"),
        ("group", "ashby") => await _records.GroupAtAsync("Ashby"),
        ("group", "stbedes") => await _records.GroupAtAsync("St Bede"),
        ("case", "ashby") => await _records.FlexiCaseAtAsync("Ashby"),
        ("document", "ashby") => await _records.CaseDocumentAtAsync("Ashby"),
        ("review", "ashby") => await _records.FlexiReviewAtAsync("Ashby"),
        ("parttime", "ashby") => await _records.PartTimeCaseAtAsync("Ashby"),
        ("placement", "ashby") => await _records.PlacementCaseAtAsync("Ashby"),
        ("sar", "ashby") => await _records.SubjectAccessRequestAtAsync("Ashby"),
        ("sar", "stbedes") => await _records.SubjectAccessRequestAtAsync("St Bede"),
        ("provider", "ashby") => await _records.ProviderOfTrustAsync("Northfield"),
        ("provider", "stbedes") => await _records.ProviderOfTrustAsync("St Aidan"),
        _ => throw new ArgumentOutOfRangeException(nameof(owner)),
    };

    private static string Url(string route, Guid id) => "/" + route[..route.IndexOf('{', StringComparison.Ordinal)] + id + route[(route.IndexOf('}', StringComparison.Ordinal) + 1)..];

    [Fact]
    public async Task School_records_answer_404_to_sibling_schools_and_other_trusts()
    {
        var clients = new Dictionary<string, HttpClient>
        {
            ["same school"] = await _factory.SignInAsync(HeadAshby),
            ["sibling school"] = await _factory.SignInAsync(HeadBrookside),
            ["another trust"] = await _factory.SignInAsync(HeadStBedes),
            ["trust lead"] = await _factory.SignInAsync(TrustLead),
        };
        var ashby = new Dictionary<string, Guid>
        {
            ["pupil"] = await RecordAsync("pupil", "ashby"),
            ["group"] = await RecordAsync("group", "ashby"),
            ["case"] = await _records.FlexiCaseAtAsync("Ashby"),
            ["document"] = await _records.CaseDocumentAtAsync("Ashby"),
            ["review"] = await _records.FlexiReviewAtAsync("Ashby"),
            ["parttime"] = await _records.PartTimeCaseAtAsync("Ashby"),
            ["placement"] = await _records.PlacementCaseAtAsync("Ashby"),
        };
        var expected = new Dictionary<(string Route, string Persona), HttpStatusCode>
        {
            [("Pupils/{id:guid}", "same school")] = HttpStatusCode.OK,
            [("Pupils/{id:guid}", "sibling school")] = HttpStatusCode.NotFound,
            [("Pupils/{id:guid}", "another trust")] = HttpStatusCode.NotFound,
            [("Pupils/{id:guid}", "trust lead")] = HttpStatusCode.OK,
            [("Pupils/{id:guid}/Edit", "same school")] = HttpStatusCode.OK,
            [("Pupils/{id:guid}/Edit", "sibling school")] = HttpStatusCode.NotFound,
            [("Pupils/{id:guid}/Edit", "another trust")] = HttpStatusCode.NotFound,
            // A trust lead oversees but does not edit pupil records.
            [("Pupils/{id:guid}/Edit", "trust lead")] = HttpStatusCode.NotFound,
            [("Pupils/{id:guid}/Attendance", "same school")] = HttpStatusCode.OK,
            [("Pupils/{id:guid}/Attendance", "sibling school")] = HttpStatusCode.NotFound,
            [("Pupils/{id:guid}/Attendance", "another trust")] = HttpStatusCode.NotFound,
            [("Pupils/{id:guid}/Attendance", "trust lead")] = HttpStatusCode.OK,
            [("Pupils/{id:guid}/Leave", "same school")] = HttpStatusCode.OK,
            [("Pupils/{id:guid}/Leave", "sibling school")] = HttpStatusCode.NotFound,
            [("Pupils/{id:guid}/Leave", "another trust")] = HttpStatusCode.NotFound,
            [("Pupils/{id:guid}/Leave", "trust lead")] = HttpStatusCode.NotFound,
            [("Pupils/{id:guid}/Contacts", "same school")] = HttpStatusCode.OK,
            [("Pupils/{id:guid}/Contacts", "sibling school")] = HttpStatusCode.NotFound,
            [("Pupils/{id:guid}/Contacts", "another trust")] = HttpStatusCode.NotFound,
            [("Pupils/{id:guid}/Contacts", "trust lead")] = HttpStatusCode.NotFound,
            [("Attendance/Register/{groupId:guid}", "same school")] = HttpStatusCode.OK,
            [("Attendance/Register/{groupId:guid}", "sibling school")] = HttpStatusCode.NotFound,
            [("Attendance/Register/{groupId:guid}", "another trust")] = HttpStatusCode.NotFound,
            [("Attendance/Register/{groupId:guid}", "trust lead")] = HttpStatusCode.NotFound,
            // A trust lead looks across the trust's cases; only the school's own staff move them on.
            [("Cases/{id:guid}", "same school")] = HttpStatusCode.OK,
            [("Cases/{id:guid}", "sibling school")] = HttpStatusCode.NotFound,
            [("Cases/{id:guid}", "another trust")] = HttpStatusCode.NotFound,
            [("Cases/{id:guid}", "trust lead")] = HttpStatusCode.OK,
            [("Cases/{id:guid}/Meeting", "same school")] = HttpStatusCode.OK,
            [("Cases/{id:guid}/Meeting", "sibling school")] = HttpStatusCode.NotFound,
            [("Cases/{id:guid}/Meeting", "another trust")] = HttpStatusCode.NotFound,
            [("Cases/{id:guid}/Meeting", "trust lead")] = HttpStatusCode.NotFound,
            [("Cases/{id:guid}/Decision", "same school")] = HttpStatusCode.OK,
            [("Cases/{id:guid}/Decision", "sibling school")] = HttpStatusCode.NotFound,
            [("Cases/{id:guid}/Decision", "another trust")] = HttpStatusCode.NotFound,
            [("Cases/{id:guid}/Decision", "trust lead")] = HttpStatusCode.NotFound,
            // The demo case awaits its decision, so there is no agreement, risk assessment, start or end yet, for anyone.
            [("Cases/{id:guid}/Agreement", "same school")] = HttpStatusCode.NotFound,
            [("Cases/{id:guid}/Agreement", "sibling school")] = HttpStatusCode.NotFound,
            [("Cases/{id:guid}/Agreement", "another trust")] = HttpStatusCode.NotFound,
            [("Cases/{id:guid}/Agreement", "trust lead")] = HttpStatusCode.NotFound,
            [("Cases/{id:guid}/RiskAssessment", "same school")] = HttpStatusCode.NotFound,
            [("Cases/{id:guid}/RiskAssessment", "sibling school")] = HttpStatusCode.NotFound,
            [("Cases/{id:guid}/RiskAssessment", "another trust")] = HttpStatusCode.NotFound,
            [("Cases/{id:guid}/RiskAssessment", "trust lead")] = HttpStatusCode.NotFound,
            [("Cases/{id:guid}/Gates", "same school")] = HttpStatusCode.NotFound,
            [("Cases/{id:guid}/Gates", "sibling school")] = HttpStatusCode.NotFound,
            [("Cases/{id:guid}/Gates", "another trust")] = HttpStatusCode.NotFound,
            [("Cases/{id:guid}/Gates", "trust lead")] = HttpStatusCode.NotFound,
            [("Cases/{id:guid}/End", "same school")] = HttpStatusCode.NotFound,
            [("Cases/{id:guid}/End", "sibling school")] = HttpStatusCode.NotFound,
            [("Cases/{id:guid}/End", "another trust")] = HttpStatusCode.NotFound,
            [("Cases/{id:guid}/End", "trust lead")] = HttpStatusCode.NotFound,
            // A proposed part-time timetable: the approver (the head, under DDAT's profile) decides and the school redrafts;
            // consents, the return to full time and an extension wait for later stages, for everyone.
            [("Cases/{id:guid}/Approval", "same school")] = HttpStatusCode.OK,
            [("Cases/{id:guid}/Approval", "sibling school")] = HttpStatusCode.NotFound,
            [("Cases/{id:guid}/Approval", "another trust")] = HttpStatusCode.NotFound,
            [("Cases/{id:guid}/Approval", "trust lead")] = HttpStatusCode.NotFound,
            [("PartTime/Propose/{id:guid?}", "same school")] = HttpStatusCode.OK,
            [("PartTime/Propose/{id:guid?}", "sibling school")] = HttpStatusCode.NotFound,
            [("PartTime/Propose/{id:guid?}", "another trust")] = HttpStatusCode.NotFound,
            [("PartTime/Propose/{id:guid?}", "trust lead")] = HttpStatusCode.NotFound,
            [("Cases/{id:guid}/Consents", "same school")] = HttpStatusCode.NotFound,
            [("Cases/{id:guid}/Consents", "sibling school")] = HttpStatusCode.NotFound,
            [("Cases/{id:guid}/Consents", "another trust")] = HttpStatusCode.NotFound,
            [("Cases/{id:guid}/Consents", "trust lead")] = HttpStatusCode.NotFound,
            [("Cases/{id:guid}/FullTime", "same school")] = HttpStatusCode.NotFound,
            [("Cases/{id:guid}/FullTime", "sibling school")] = HttpStatusCode.NotFound,
            [("Cases/{id:guid}/FullTime", "another trust")] = HttpStatusCode.NotFound,
            [("Cases/{id:guid}/FullTime", "trust lead")] = HttpStatusCode.NotFound,
            [("Cases/{id:guid}/Extend", "same school")] = HttpStatusCode.NotFound,
            [("Cases/{id:guid}/Extend", "sibling school")] = HttpStatusCode.NotFound,
            [("Cases/{id:guid}/Extend", "another trust")] = HttpStatusCode.NotFound,
            [("Cases/{id:guid}/Extend", "trust lead")] = HttpStatusCode.NotFound,
            [("Cases/{id:guid}/StepUp", "same school")] = HttpStatusCode.NotFound,
            [("Cases/{id:guid}/StepUp", "sibling school")] = HttpStatusCode.NotFound,
            [("Cases/{id:guid}/StepUp", "another trust")] = HttpStatusCode.NotFound,
            [("Cases/{id:guid}/StepUp", "trust lead")] = HttpStatusCode.NotFound,
            [("Cases/{id:guid}/WelfareChecks", "same school")] = HttpStatusCode.NotFound,
            [("Cases/{id:guid}/WelfareChecks", "sibling school")] = HttpStatusCode.NotFound,
            [("Cases/{id:guid}/WelfareChecks", "another trust")] = HttpStatusCode.NotFound,
            [("Cases/{id:guid}/WelfareChecks", "trust lead")] = HttpStatusCode.NotFound,
            // A referred AP placement: the school's head agrees it; no one else.
            [("Cases/{id:guid}/Placement", "same school")] = HttpStatusCode.OK,
            [("Cases/{id:guid}/Placement", "sibling school")] = HttpStatusCode.NotFound,
            [("Cases/{id:guid}/Placement", "another trust")] = HttpStatusCode.NotFound,
            [("Cases/{id:guid}/Placement", "trust lead")] = HttpStatusCode.NotFound,
            // Its commissioning agreement and reintegration plan wait for the head's agreement, and its visits, the provider's reports and ending for its start, for everyone.
            [("Cases/{id:guid}/Commissioning", "same school")] = HttpStatusCode.NotFound,
            [("Cases/{id:guid}/Commissioning", "sibling school")] = HttpStatusCode.NotFound,
            [("Cases/{id:guid}/Commissioning", "another trust")] = HttpStatusCode.NotFound,
            [("Cases/{id:guid}/Commissioning", "trust lead")] = HttpStatusCode.NotFound,
            [("Cases/{id:guid}/PlacementEnd", "same school")] = HttpStatusCode.NotFound,
            [("Cases/{id:guid}/PlacementEnd", "sibling school")] = HttpStatusCode.NotFound,
            [("Cases/{id:guid}/PlacementEnd", "another trust")] = HttpStatusCode.NotFound,
            [("Cases/{id:guid}/PlacementEnd", "trust lead")] = HttpStatusCode.NotFound,
            [("Cases/{id:guid}/Visits", "same school")] = HttpStatusCode.NotFound,
            [("Cases/{id:guid}/Visits", "sibling school")] = HttpStatusCode.NotFound,
            [("Cases/{id:guid}/Visits", "another trust")] = HttpStatusCode.NotFound,
            [("Cases/{id:guid}/Visits", "trust lead")] = HttpStatusCode.NotFound,
            [("Cases/{id:guid}/ProviderReports", "same school")] = HttpStatusCode.NotFound,
            [("Cases/{id:guid}/ProviderReports", "sibling school")] = HttpStatusCode.NotFound,
            [("Cases/{id:guid}/ProviderReports", "another trust")] = HttpStatusCode.NotFound,
            [("Cases/{id:guid}/ProviderReports", "trust lead")] = HttpStatusCode.NotFound,
            [("Cases/{id:guid}/Reintegration", "same school")] = HttpStatusCode.NotFound,
            [("Cases/{id:guid}/Reintegration", "sibling school")] = HttpStatusCode.NotFound,
            [("Cases/{id:guid}/Reintegration", "another trust")] = HttpStatusCode.NotFound,
            [("Cases/{id:guid}/Reintegration", "trust lead")] = HttpStatusCode.NotFound,
            // The initial visit is made from the referral on, by the school's case managers.
            [("Cases/{id:guid}/InitialVisit", "same school")] = HttpStatusCode.OK,
            [("Cases/{id:guid}/InitialVisit", "sibling school")] = HttpStatusCode.NotFound,
            [("Cases/{id:guid}/InitialVisit", "another trust")] = HttpStatusCode.NotFound,
            [("Cases/{id:guid}/InitialVisit", "trust lead")] = HttpStatusCode.NotFound,
            // The governors' decision is only for an off-site direction: this referral is not one.
            [("Cases/{id:guid}/Direction", "same school")] = HttpStatusCode.NotFound,
            [("Cases/{id:guid}/Direction", "sibling school")] = HttpStatusCode.NotFound,
            [("Cases/{id:guid}/Direction", "another trust")] = HttpStatusCode.NotFound,
            [("Cases/{id:guid}/Direction", "trust lead")] = HttpStatusCode.NotFound,
            [("Cases/Review/{id:guid}", "same school")] = HttpStatusCode.OK,
            [("Cases/Review/{id:guid}", "sibling school")] = HttpStatusCode.NotFound,
            [("Cases/Review/{id:guid}", "another trust")] = HttpStatusCode.NotFound,
            [("Cases/Review/{id:guid}", "trust lead")] = HttpStatusCode.OK,
            [("Cases/Document/{id:guid}", "same school")] = HttpStatusCode.OK,
            [("Cases/Document/{id:guid}", "sibling school")] = HttpStatusCode.NotFound,
            [("Cases/Document/{id:guid}", "another trust")] = HttpStatusCode.NotFound,
            [("Cases/Document/{id:guid}", "trust lead")] = HttpStatusCode.OK,
        };
        Assert.Empty(RecordRoutes.Where(r => SchoolKinds.Contains(r.Value)).Select(r => r.Key).Except(expected.Keys.Select(k => k.Route)));
        foreach (var ((route, persona), status) in expected)
        {
            var response = await clients[persona].GetAsync(Url(route, ashby[RecordRoutes[route]]));
            Assert.True(response.StatusCode == status, $"{persona} GET {route}: {(int)response.StatusCode}, expected {(int)status}");
        }

        // A malformed or unknown id is 404 too.
        Assert.Equal(HttpStatusCode.NotFound, (await clients["same school"].GetAsync("/Pupils/" + Guid.NewGuid())).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await clients["same school"].GetAsync("/Pupils/not-a-guid")).StatusCode);
    }

    [Fact]
    public async Task Trust_records_answer_404_to_another_trusts_administrator_and_the_same_to_every_non_administrator()
    {
        var admin = await _factory.SignInAsync(AdminNorthfield);
        var otherAdmin = await _factory.SignInAsync(AdminStAidans);
        var nonAdmins = new[] { await _factory.SignInAsync(HeadAshby), await _factory.SignInAsync(HeadBrookside), await _factory.SignInAsync(HeadStBedes), await _factory.SignInAsync(TrustLead) };
        foreach (var (route, kind) in RecordRoutes.Where(r => !SchoolKinds.Contains(r.Value) && r.Value is not "sar" and not "provider"))
        {
            var own = Url(route, await RecordAsync(kind, "ashby"));
            var foreign = Url(route, await RecordAsync(kind, "stbedes"));
            Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync(own)).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync(foreign)).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await otherAdmin.GetAsync(own)).StatusCode);
            foreach (var client in nonAdmins)
            {
                var a = await client.GetAsync(own);
                var b = await client.GetAsync(foreign);
                Assert.NotEqual(HttpStatusCode.OK, a.StatusCode);
                Assert.Equal(a.StatusCode, b.StatusCode);
                Assert.Equal(a.Headers.Location?.OriginalString.Split('?')[0], b.Headers.Location?.OriginalString.Split('?')[0]);
            }
        }
    }

    [Fact]
    public async Task A_subject_access_request_opens_only_for_its_own_trusts_leads_and_answers_the_same_to_everyone_else()
    {
        var own = Url("Privacy/SubjectAccess/{id:guid}", await RecordAsync("sar", "ashby"));
        var foreign = Url("Privacy/SubjectAccess/{id:guid}", await RecordAsync("sar", "stbedes"));
        var lead = await _factory.SignInAsync(TrustLead);
        Assert.Equal(HttpStatusCode.OK, (await lead.GetAsync(own)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await lead.GetAsync(foreign)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await lead.GetAsync(foreign + "?handler=Download")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await (await _factory.SignInAsync(TrustLeadStAidans)).GetAsync(own)).StatusCode);
        foreach (var email in new[] { HeadAshby, AdminNorthfield, FlexiFactory.Email("dsl", "ashby") })
        {
            var client = await _factory.SignInAsync(email);
            var a = await client.GetAsync(own);
            var b = await client.GetAsync(foreign);
            Assert.NotEqual(HttpStatusCode.OK, a.StatusCode);
            Assert.Equal(a.StatusCode, b.StatusCode);
            Assert.Equal(a.Headers.Location?.OriginalString.Split('?')[0], b.Headers.Location?.OriginalString.Split('?')[0]);
        }
    }

    [Fact]
    public async Task A_provider_opens_for_its_own_trusts_staff_who_work_with_cases_and_answers_the_same_to_everyone_else()
    {
        // Issue 12: providers are the trust's, seen by every school's case and attendance staff; never by another trust.
        var own = await RecordAsync("provider", "ashby");
        var foreign = await RecordAsync("provider", "stbedes");
        var check = await TestDatabase.ScalarAsync<Guid>(TestDatabase.Super(_factory.Database), $"SELECT id FROM provider_checks WHERE provider_id = '{foreign}' LIMIT 1");
        foreach (var email in new[] { HeadAshby, HeadBrookside, FlexiFactory.Email("attendance", "ashby"), TrustLead })
        {
            var client = await _factory.SignInAsync(email);
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/Providers/{own}")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/Providers/{foreign}")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/Providers/{foreign}?handler=Evidence&check={check}")).StatusCode);
        }

        foreach (var email in new[] { FlexiFactory.Email("teacher", "ashby"), AdminNorthfield, FlexiFactory.Email("governor", "ashby") })
        {
            var client = await _factory.SignInAsync(email);
            var a = await client.GetAsync($"/Providers/{own}");
            var b = await client.GetAsync($"/Providers/{foreign}");
            Assert.NotEqual(HttpStatusCode.OK, a.StatusCode);
            Assert.Equal(a.StatusCode, b.StatusCode);
        }

        // Editing is for those who manage providers: the attendance officer sees, and may not edit.
        var officer = await _factory.SignInAsync(FlexiFactory.Email("attendance", "ashby"));
        Assert.Equal(HttpStatusCode.NotFound, (await officer.GetAsync($"/Providers/Edit/{own}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await (await _factory.SignInAsync(FlexiFactory.Email("apleader", "ashby"))).GetAsync($"/Providers/Edit/{own}")).StatusCode);
    }

    [Fact]
    public async Task Every_kind_of_case_document_opens_only_for_the_roles_that_may_read_it()
    {
        // Issue 14, item 3: a document carries its classification (its kind); a safeguarding one (a risk assessment, as
        // approved or on paper) opens only for the roles that read safeguarding narratives; none opens at another school.
        var caseId = await _records.FlexiCaseAtAsync("Ashby");
        var kinds = Enum.GetValues<Domain.Arrangements.CaseDocumentKind>();
        await TestDatabase.ExecuteAsync(TestDatabase.Super(_factory.Database), $"""
            INSERT INTO case_documents (id, trust_id, school_id, arrangement_id, kind, file_name, content_type, size, sha256, content, created_by, created_at)
            SELECT gen_random_uuid(), a.trust_id, a.school_id, a.id, k, k || '.pdf', 'application/pdf', 5, 'matrix', '%PDF-'::bytea, NULL, now()
              FROM arrangements a, unnest(ARRAY['{string.Join("','", kinds)}']) k WHERE a.id = '{caseId}'
            """);
        var documents = new Dictionary<Domain.Arrangements.CaseDocumentKind, Guid>();
        foreach (var kind in kinds)
        {
            documents[kind] = await TestDatabase.ScalarAsync<Guid>(TestDatabase.Super(_factory.Database), $"SELECT id FROM case_documents WHERE arrangement_id = '{caseId}' AND kind = '{kind}' AND sha256 = 'matrix'");
        }

        (string Email, Domain.Security.StaffRole? RoleAtAshby)[] personas =
        [
            .. new (string Slug, Domain.Security.StaffRole Role)[]
            {
                ("head", Domain.Security.StaffRole.Headteacher), ("dsl", Domain.Security.StaffRole.DesignatedSafeguardingLead), ("attendance", Domain.Security.StaffRole.AttendanceOfficer),
                ("apleader", Domain.Security.StaffRole.AlternativeProvisionLeader), ("senco", Domain.Security.StaffRole.Senco), ("teacher", Domain.Security.StaffRole.Teacher),
                ("governor", Domain.Security.StaffRole.Governor), ("trustlead", Domain.Security.StaffRole.TrustLead), ("trustadmin", Domain.Security.StaffRole.TrustAdmin),
            }.Select(p => (FlexiFactory.Email(p.Slug, p.Role is Domain.Security.StaffRole.TrustLead or Domain.Security.StaffRole.TrustAdmin ? "northfield" : "ashby"), (Domain.Security.StaffRole?)p.Role)),
            (HeadBrookside, null), (HeadStBedes, null),
        ];
        foreach (var (email, role) in personas)
        {
            var client = await _factory.SignInAsync(email);
            foreach (var (kind, id) in documents)
            {
                var may = role is { } r && Domain.Security.RolePermissions.Grants(r, Domain.Security.Permission.ViewArrangements)
                    && (!Domain.Arrangements.CaseDocumentKinds.IsSafeguarding(kind) || Domain.Security.RolePermissions.Grants(r, Domain.Security.Permission.ReadSafeguarding));
                var status = (await client.GetAsync($"/Cases/Document/{id}")).StatusCode;
                Assert.True(status == (may ? HttpStatusCode.OK : HttpStatusCode.NotFound), $"{email} opening a {kind}: {(int)status}");
            }
        }

        Assert.True(Domain.Arrangements.CaseDocumentKinds.IsSafeguarding(Domain.Arrangements.CaseDocumentKind.ScannedRiskAssessment));
    }

    [Fact]
    public async Task Every_page_without_an_id_answers_without_error_for_every_persona()
    {
        var personas = new[] { HeadAshby, HeadBrookside, HeadStBedes, TrustLead, AdminNorthfield };
        foreach (var email in personas)
        {
            var client = await _factory.SignInAsync(email);
            foreach (var route in PageRoutes().Where(r => !r.Contains('{', StringComparison.Ordinal)))
            {
                var response = await client.GetAsync("/" + route);
                Assert.True((int)response.StatusCode is 200 or 302 or 404, $"{email} GET /{route}: {(int)response.StatusCode}");
            }
        }
    }

    [Fact]
    public async Task Tampered_ids_in_posts_are_refused()
    {
        var sibling = await _factory.SignInAsync(HeadBrookside);
        var ashbyPupil = await RecordAsync("pupil", "ashby");
        var before = await _records.PupilSurnameAsync(ashbyPupil);

        // The sibling school's head posts an edit of an Ashby pupil, with a valid token from their own form.
        var ownPupil = await RecordAsync("pupil", "brookside");
        var response = await sibling.PostFormAsync($"/Pupils/{ownPupil}/Edit", $"/Pupils/{ashbyPupil}/Edit",
            ("Input.LegalForename", "Tampered"), ("Input.LegalSurname", "Tampered"), ("Input.YearGroup", "3"), ("Input.AdmissionDate", "2020-09-01"), ("Input.Version", "1"));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(before, await _records.PupilSurnameAsync(ashbyPupil));

        // The right head names a registration group of another school in a hidden/select field.
        var head = await _factory.SignInAsync(HeadAshby);
        var foreignGroup = await _records.GroupAtAsync("Brookside");
        var edit = await head.GetAsync($"/Pupils/{ashbyPupil}/Edit");
        var version = System.Text.RegularExpressions.Regex.Match(await edit.Content.ReadAsStringAsync(), "name=\"Input.Version\" value=\"(\\d+)\"").Groups[1].Value;
        var tampered = await head.PostFormAsync($"/Pupils/{ashbyPupil}/Edit",
            ("Input.LegalForename", "Tampered"), ("Input.LegalSurname", "Tampered"), ("Input.YearGroup", "3"), ("Input.AdmissionDate", "2020-09-01"),
            ("Input.Version", version), ("Input.RegistrationGroupId", foreignGroup.ToString()));
        Assert.Equal(HttpStatusCode.OK, tampered.StatusCode);
        Assert.Contains("Choose one of the school's registration groups", await tampered.HtmlAsync(), StringComparison.Ordinal);
        Assert.Equal(before, await _records.PupilSurnameAsync(ashbyPupil));

        // Another trust's administrator disables a Northfield user, or removes a Northfield closure day.
        var otherAdmin = await _factory.SignInAsync(AdminStAidans);
        var northfieldUser = await RecordAsync("user", "ashby");
        var stBedesUser = await RecordAsync("user", "stbedes");
        var disable = await otherAdmin.PostFormAsync($"/Admin/Users/Edit/{stBedesUser}", $"/Admin/Users/Edit/{northfieldUser}?handler=Disable");
        Assert.Equal(HttpStatusCode.NotFound, disable.StatusCode);
        Assert.Equal(0L, await _records.CountAsync($"SELECT count(*) FROM users WHERE id = '{northfieldUser}' AND is_disabled"));

        var stBedes = await RecordAsync("school", "stbedes");
        var ashbyClosure = await _records.ClosureAtAsync("Ashby");
        var remove = await otherAdmin.PostFormAsync($"/Admin/Schools/Calendar/{stBedes}", $"/Admin/Schools/Calendar/{stBedes}?handler=RemoveClosure", ("closureId", ashbyClosure.ToString()));
        Assert.Equal(HttpStatusCode.NotFound, remove.StatusCode);
        Assert.Equal(1L, await _records.CountAsync($"SELECT count(*) FROM closure_days WHERE id = '{ashbyClosure}'"));

        // A Northfield administrator invites someone to a St Aidan's school.
        var admin = await _factory.SignInAsync(AdminNorthfield);
        var invite = await admin.PostFormAsync("/Admin/Users/Invite",
            ("Input.DisplayName", "Smuggled Person"), ("Input.Email", "smuggled@example.org"), ("Input.Role", "Teacher"), ("Input.SchoolId", stBedes.ToString()));
        Assert.Equal(HttpStatusCode.OK, invite.StatusCode);
        Assert.Contains("Choose one of the trust's schools", await invite.HtmlAsync(), StringComparison.Ordinal);
        Assert.Equal(0L, await _records.CountAsync("SELECT count(*) FROM users WHERE email = 'smuggled@example.org'"));
    }

    [Fact]
    public async Task Every_post_handler_on_a_record_page_answers_404_for_another_trusts_or_a_sibling_schools_record()
    {
        var loader = _factory.Services.GetRequiredService<PageLoader>();
        var endpoints = _factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<PageActionDescriptor>() is not null && RecordRoutes.ContainsKey(e.RoutePattern.RawText!.TrimStart('/')))
            .ToList();
        var sibling = await _factory.SignInAsync(HeadBrookside);
        var otherTrustHead = await _factory.SignInAsync(HeadStBedes);
        var otherAdmin = await _factory.SignInAsync(AdminStAidans);
        var otherLead = await _factory.SignInAsync(TrustLeadStAidans);
        var checkedHandlers = 0;
        foreach (var endpoint in endpoints)
        {
            var route = endpoint.RoutePattern.RawText!.TrimStart('/');
            var kind = RecordRoutes[route];
            var compiled = await loader.LoadAsync(endpoint.Metadata.GetMetadata<PageActionDescriptor>()!, endpoint.Metadata);
            foreach (var handler in compiled.HandlerMethods.Where(h => string.Equals(h.HttpMethod, "POST", StringComparison.OrdinalIgnoreCase)))
            {
                var url = Url(route, await RecordAsync(kind, "ashby")) + (handler.Name is null ? "" : "?handler=" + handler.Name);
                var fields = new[] { ("assignmentId", Guid.NewGuid().ToString()), ("closureId", (await _records.ClosureAtAsync("Ashby")).ToString()) };
                var clients = SchoolKinds.Contains(kind) ? new[] { sibling, otherTrustHead } : kind switch { "sar" => [otherLead], "provider" => [otherTrustHead, otherLead], _ => [otherAdmin] };
                foreach (var client in clients)
                {
                    var response = await client.PostFormAsync("/", url, fields);
                    Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"POST {url}: {(int)response.StatusCode}");
                }

                checkedHandlers++;
            }
        }

        Assert.True(checkedHandlers >= 8, $"only {checkedHandlers} handlers were found");
    }
}
