using System.Net;
using System.Text.RegularExpressions;
using FlexiSchooling.IntegrationTests.Infrastructure;
using FlexiSchooling.Web.Infrastructure;

namespace FlexiSchooling.IntegrationTests.Pages;

/// <summary>Issue 2, "Bad input" and "Persistence": errors next to fields, nothing typed lost, no silent overwrite.</summary>
public sealed class FormsAndConcurrencyTests : IAsyncLifetime
{
    private string _db = "";
    private DemoRecords _records = null!;
    private FlexiFactory _factory = null!;

    public async Task InitializeAsync()
    {
        _db = await TestDatabase.CreateAsync();
        _records = new DemoRecords(_db);
        _factory = new FlexiFactory(_db);
    }

    public Task DisposeAsync()
    {
        _factory.Dispose();
        return TestDatabase.DropAsync(_db);
    }

    private static string Version(string html) => Regex.Match(html, "name=\"Input.Version\" value=\"(\\d+)\"").Groups[1].Value;

    [Fact]
    public async Task A_stale_save_is_refused_with_a_clear_message_and_does_not_overwrite()
    {
        var pupil = await _records.PupilAtAsync("Ashby");
        var first = await _factory.SignInAsync(FlexiFactory.Email("head", "ashby"));
        var second = await _factory.SignInAsync(FlexiFactory.Email("attendance", "ashby"));
        var v1 = Version(await (await first.GetAsync($"/Pupils/{pupil}/Edit")).Content.ReadAsStringAsync());
        var v2 = Version(await (await second.GetAsync($"/Pupils/{pupil}/Edit")).Content.ReadAsStringAsync());
        Assert.Equal(v1, v2);

        (string, string)[] Form(string surname, string version) =>
            [("Input.LegalForename", "Sam"), ("Input.LegalSurname", surname), ("Input.YearGroup", "3"), ("Input.AdmissionDate", "2023-09-04"), ("Input.Version", version), ("Input.RegistrationGroupId", "")];

        Assert.Equal(HttpStatusCode.Redirect, (await first.PostFormAsync($"/Pupils/{pupil}/Edit", Form("FirstSave", v1))).StatusCode);
        var stale = await second.PostFormAsync($"/Pupils/{pupil}/Edit", Form("SecondSave", v2));
        var html = await stale.HtmlAsync();
        Assert.Equal(HttpStatusCode.OK, stale.StatusCode);
        Assert.Contains(DomainErrorPageFilter.ConcurrencyMessage, html, StringComparison.Ordinal);
        Assert.Contains("value=\"SecondSave\"", html, StringComparison.Ordinal); // what they typed is kept
        Assert.Equal("FirstSave", await _records.PupilSurnameAsync(pupil));

        // Having seen the conflict, saving again deliberately works.
        Assert.Equal(HttpStatusCode.Redirect, (await second.PostFormAsync($"/Pupils/{pupil}/Edit", Form("SecondSave", Version(await stale.Content.ReadAsStringAsync())))).StatusCode);
        Assert.Equal("SecondSave", await _records.PupilSurnameAsync(pupil));
    }

    [Fact]
    public async Task Bad_input_shows_messages_next_to_fields_and_in_a_summary_keeping_what_was_typed()
    {
        var pupil = await _records.PupilAtAsync("Ashby");
        var head = await _factory.SignInAsync(FlexiFactory.Email("head", "ashby"));
        var version = Version(await (await head.GetAsync($"/Pupils/{pupil}/Edit")).Content.ReadAsStringAsync());
        var response = await head.PostFormAsync($"/Pupils/{pupil}/Edit",
            ("Input.LegalForename", ""), ("Input.LegalSurname", "Kept Surname"), ("Input.YearGroup", "42"), ("Input.AdmissionDate", "2023-09-04"),
            ("Input.LeavingDate", "2020-01-01"), ("Input.Version", version));
        var html = await response.HtmlAsync();
        Assert.Contains("There is a problem", html, StringComparison.Ordinal);
        Assert.Contains("id=\"Input_LegalForename-error\"", html, StringComparison.Ordinal);
        Assert.Contains("Enter the pupil's legal forename", html, StringComparison.Ordinal);
        Assert.Contains("Year group must be from 0 (Reception) to 13", html, StringComparison.Ordinal);
        Assert.Contains("value=\"Kept Surname\"", html, StringComparison.Ordinal);
        Assert.Contains("value=\"42\"", html, StringComparison.Ordinal);
        Assert.NotEqual("Kept Surname", await _records.PupilSurnameAsync(pupil));

        // A rule from the domain (leaving before admission) lands next to its field too.
        var rule = await head.PostFormAsync($"/Pupils/{pupil}/Edit",
            ("Input.LegalForename", "Sam"), ("Input.LegalSurname", "Kept Surname"), ("Input.YearGroup", "4"), ("Input.AdmissionDate", "2023-09-04"),
            ("Input.LeavingDate", "2020-01-01"), ("Input.Version", version));
        var ruleHtml = await rule.HtmlAsync();
        Assert.Contains("id=\"Input_LeavingDate-error\"", ruleHtml, StringComparison.Ordinal);
        Assert.Contains("The leaving date must be on or after the admission date.", ruleHtml, StringComparison.Ordinal);
        Assert.NotEqual("Kept Surname", await _records.PupilSurnameAsync(pupil));
    }

    [Fact]
    public async Task Pupil_search_finds_only_pupils_the_user_may_see()
    {
        var ashbyPupil = await _records.PupilAtAsync("Ashby");
        var brooksidePupil = await _records.PupilAtAsync("Brookside");
        var surname = await _records.PupilSurnameAsync(brooksidePupil);
        var head = await _factory.SignInAsync(FlexiFactory.Email("head", "ashby"));
        var html = await (await head.GetAsync($"/Pupils?q={surname}")).HtmlAsync();
        Assert.DoesNotContain(brooksidePupil.ToString(), html, StringComparison.Ordinal);

        var lead = await _factory.SignInAsync(FlexiFactory.Email("trustlead", "northfield"));
        var leadHtml = await (await lead.GetAsync($"/Pupils?q={surname}")).HtmlAsync();
        Assert.Contains(brooksidePupil.ToString(), leadHtml, StringComparison.Ordinal);

        var upn = await TestDatabase.ScalarAsync<string>(TestDatabase.Super(_db), $"SELECT upn FROM pupils WHERE id = '{ashbyPupil}'");
        Assert.Contains(ashbyPupil.ToString(), await (await head.GetAsync($"/Pupils?q={upn}")).HtmlAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_policy_profile_version_is_created_from_a_template_and_an_incoherent_one_is_refused()
    {
        var admin = await _factory.SignInAsync(FlexiFactory.Email("trustadmin", "northfield"));
        var ashby = await _records.SchoolAsync("Ashby");
        var form = $"/Admin/Policy/New?school={ashby}&source=hinckley-attendance-2025-26";
        var page = await (await admin.GetAsync(form)).HtmlAsync();
        Assert.Contains("value=\"95\"", page, StringComparison.Ordinal); // the Hinckley template's threshold

        (string, string)[] Fields(string minutes) =>
        [
            ("school", ashby.ToString()), ("source", "hinckley-attendance-2025-26"), ("Input.ApprovedBy", "Local governing body"), ("Input.ApprovedOn", "2026-11-01"),
            ("Input.EffectiveFrom", "2026-11-02"), ("Input.NextReviewDate", "2027-11-01"), ("Input.FlexiFormalReviewBelowPercent", "95"), ("Input.FlexiSchoolNoticeWeeks", "2"),
            ("Input.PartTimeMaxWeeks", "12"), ("Input.RegistersAmOpens", "08:30"), ("Input.RegistersPmOpens", "13:30"), ("Input.RegistersOpenMinutes", minutes),
        ];
        var refused = await admin.PostFormAsync(form, "/Admin/Policy/New", Fields("45"));
        var html = await refused.HtmlAsync();
        Assert.Contains("id=\"Input_RegistersOpenMinutes-error\"", html, StringComparison.Ordinal);
        Assert.Contains("A register may stay open for 1 to 30 minutes.", html, StringComparison.Ordinal);
        Assert.Equal(0L, await _records.CountAsync($"SELECT count(*) FROM policy_profile_versions WHERE school_id = '{ashby}'"));

        var created = await admin.PostFormAsync(form, "/Admin/Policy/New", Fields("20"));
        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        Assert.Equal(1L, await _records.CountAsync($"SELECT count(*) FROM policy_profile_versions WHERE school_id = '{ashby}' AND number = 1 AND (settings->'flexi'->>'formalReviewBelowPercent')::numeric = 95"));

        var version = await TestDatabase.ScalarAsync<Guid>(TestDatabase.Super(_db), $"SELECT id FROM policy_profile_versions WHERE school_id = '{ashby}'");
        var trustDefault = await _records.PolicyVersionOfTrustAsync("Northfield");
        var shown = await (await admin.GetAsync($"/Admin/Policy/Version/{version}")).HtmlAsync();
        Assert.Contains("003 Flexi-Schooling Protocol §7", shown, StringComparison.Ordinal);
        var compared = await (await admin.GetAsync($"/Admin/Policy/Compare?a={trustDefault}&b={version}")).HtmlAsync();
        Assert.Contains("Changed", compared, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_term_with_a_half_term_outside_it_is_refused_and_nothing_is_saved()
    {
        var admin = await _factory.SignInAsync(FlexiFactory.Email("trustadmin", "northfield"));
        var ashby = await _records.SchoolAsync("Ashby");
        var before = await _records.CountAsync($"SELECT count(*) FROM terms WHERE school_id = '{ashby}'");
        var response = await admin.PostFormAsync($"/Admin/Schools/Calendar/{ashby}", $"/Admin/Schools/Calendar/{ashby}?handler=AddTerm",
            ("Term.Name", "Autumn 2028"), ("Term.StartDate", "2028-09-04"), ("Term.EndDate", "2028-12-15"), ("Term.HalfTermStart", "2029-01-08"), ("Term.HalfTermEnd", "2029-01-12"));
        var html = await response.HtmlAsync();
        Assert.Contains("The half-term break must fall inside the term.", html, StringComparison.Ordinal);
        Assert.Contains("value=\"Autumn 2028\"", html, StringComparison.Ordinal);
        Assert.Equal(before, await _records.CountAsync($"SELECT count(*) FROM terms WHERE school_id = '{ashby}'"));

        var ok = await admin.PostFormAsync($"/Admin/Schools/Calendar/{ashby}", $"/Admin/Schools/Calendar/{ashby}?handler=AddTerm",
            ("Term.Name", "Autumn 2028"), ("Term.StartDate", "2028-09-04"), ("Term.EndDate", "2028-12-15"), ("Term.HalfTermStart", "2028-10-23"), ("Term.HalfTermEnd", "2028-10-27"));
        Assert.Equal(HttpStatusCode.Redirect, ok.StatusCode);
        Assert.Equal(before + 1, await _records.CountAsync($"SELECT count(*) FROM terms WHERE school_id = '{ashby}'"));
    }

    [Fact]
    public async Task Terms_past_the_known_bank_holidays_are_warned_of_until_a_newer_file_is_imported()
    {
        var admin = await _factory.SignInAsync(FlexiFactory.Email("trustadmin", "northfield"));
        var ashby = await _records.SchoolAsync("Ashby");
        var url = $"/Admin/Schools/Calendar/{ashby}";
        const string Warning = "past the bank holidays the product knows";
        Assert.DoesNotContain(Warning, await (await admin.GetAsync(url)).HtmlAsync(), StringComparison.Ordinal);

        var added = await admin.PostFormAsync(url, url + "?handler=AddTerm",
            ("Term.Name", "Spring 2029"), ("Term.StartDate", "2029-01-08"), ("Term.EndDate", "2029-03-29"), ("Term.HalfTermStart", "2029-02-12"), ("Term.HalfTermEnd", "2029-02-16"));
        Assert.Equal(HttpStatusCode.Redirect, added.StatusCode);
        var warned = await (await admin.GetAsync(url)).HtmlAsync();
        Assert.Contains("This school's terms run to 29 March 2029, past the bank holidays the product knows (to 31 December 2028).", warned, StringComparison.Ordinal);

        // gov.uk's file with 2029 in it: the warning goes.
        var token = HttpClientForms.AntiforgeryToken(warned);
        using var form = new System.Net.Http.MultipartFormDataContent { { new System.Net.Http.StringContent(token), "__RequestVerificationToken" } };
        form.Add(new System.Net.Http.ByteArrayContent("""{"england-and-wales":{"division":"england-and-wales","events":[{"title":"New Year’s Day","date":"2029-01-01"},{"title":"Good Friday","date":"2029-03-30"},{"title":"Christmas Day","date":"2029-12-25"}]}}"""u8.ToArray()), "BankHolidayFile", "bank-holidays.json");
        var imported = await (await admin.PostAsync(url + "?handler=ImportBankHolidays", form)).HtmlAsync();
        Assert.Contains("3 new bank holiday(s) imported.", imported, StringComparison.Ordinal);
        Assert.DoesNotContain(Warning, imported, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_schools_reasons_behind_codes_are_checked_line_by_line_and_kept_when_refused()
    {
        var admin = await _factory.SignInAsync(FlexiFactory.Email("trustadmin", "northfield"));
        var ashby = await _records.SchoolAsync("Ashby");
        var url = $"/Admin/Schools/Edit/{ashby}";
        var before = await TestDatabase.ScalarAsync<string>(TestDatabase.Super(_db), $"SELECT attendance_sub_reasons FROM schools WHERE id = '{ashby}'");
        var form = await (await admin.GetAsync(url)).HtmlAsync();
        (string, string) Field(string name) => (name, System.Net.WebUtility.HtmlDecode(System.Text.RegularExpressions.Regex.Match(form, $"name=\"{System.Text.RegularExpressions.Regex.Escape(name)}\"[^>]*?value=\"([^\"]*)\"").Groups[1].Value));
        (string, string)[] school = [Field("Input.Version"), Field("Input.Name"), Field("Input.Urn"), ("Input.LocalAuthorityId", (await TestDatabase.ScalarAsync<Guid>(TestDatabase.Super(_db), $"SELECT local_authority_id FROM schools WHERE id = '{ashby}'")).ToString()), ("Input.Phase", "Primary"), ("Input.KS1", "true"), ("Input.KS2", "true")];

        var refused = await (await admin.PostFormAsync(url, url, [.. school, ("Input.AttendanceSubReasons", "C: Performance licence\nQQ: Made up")])).HtmlAsync();
        Assert.Contains("Line 2: 'QQ' is not a register code.", refused, StringComparison.Ordinal);
        Assert.Contains("id=\"Input_AttendanceSubReasons-error\"", refused, StringComparison.Ordinal);
        Assert.Contains("QQ: Made up</textarea>", refused, StringComparison.Ordinal);
        Assert.Equal(before, await TestDatabase.ScalarAsync<string>(TestDatabase.Super(_db), $"SELECT attendance_sub_reasons FROM schools WHERE id = '{ashby}'"));

        var saved = await admin.PostFormAsync(url, url, [.. school, ("Input.AttendanceSubReasons", "c:  Performance licence ")]);
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        Assert.Equal("C: Performance licence", await TestDatabase.ScalarAsync<string>(TestDatabase.Super(_db), $"SELECT attendance_sub_reasons FROM schools WHERE id = '{ashby}'"));
    }

    [Fact]
    public async Task A_user_with_roles_at_two_schools_switches_between_them()
    {
        var senco = await _factory.SignInAsync(FlexiFactory.Email("senco", "ashby"));
        var brookside = await _records.SchoolAsync("Brookside");
        var home = await (await senco.GetAsync("/")).HtmlAsync();
        Assert.Contains("Switch school", home, StringComparison.Ordinal);
        Assert.Contains("Brookside Primary School", home, StringComparison.Ordinal);

        var switched = await senco.PostFormAsync("/", "/SwitchSchool", ("schoolId", brookside.ToString()), ("returnUrl", "/"));
        Assert.Equal(HttpStatusCode.Redirect, switched.StatusCode);
        Assert.Contains("SENCO at Brookside Primary School", await (await senco.GetAsync("/")).HtmlAsync(), StringComparison.Ordinal);

        // A school the user holds no role at cannot be chosen.
        var other = await _records.SchoolAsync("Castle Hill");
        Assert.Equal(HttpStatusCode.NotFound, (await senco.PostFormAsync("/", "/SwitchSchool", ("schoolId", other.ToString()))).StatusCode);
    }

    [Fact]
    public async Task A_role_the_person_already_holds_there_is_not_added_twice()
    {
        var admin = await _factory.SignInAsync(FlexiFactory.Email("trustadmin", "northfield"));
        var teacher = await _records.UserAsync(FlexiFactory.Email("teacher", "ashby"));
        var ashby = await _records.SchoolAsync("Ashby");
        var response = await admin.PostFormAsync($"/Admin/Users/Edit/{teacher}", $"/Admin/Users/Edit/{teacher}?handler=AddRole", ("Input.Role", "Teacher"), ("Input.SchoolId", ashby.ToString()));
        Assert.Contains("This person already holds that role there", await response.HtmlAsync(), StringComparison.Ordinal);
        Assert.Equal(1L, await _records.CountAsync($"SELECT count(*) FROM role_assignments WHERE user_id = '{teacher}'"));
        var governor = await admin.PostFormAsync($"/Admin/Users/Edit/{teacher}", $"/Admin/Users/Edit/{teacher}?handler=AddRole", ("Input.Role", "Governor"), ("Input.SchoolId", ashby.ToString()));
        Assert.Equal(HttpStatusCode.Redirect, governor.StatusCode);
    }
}
