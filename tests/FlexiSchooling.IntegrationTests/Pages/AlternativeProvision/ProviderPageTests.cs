using System.Net;
using System.Text;
using FlexiSchooling.Domain.AlternativeProvision;
using FlexiSchooling.IntegrationTests.Infrastructure;

namespace FlexiSchooling.IntegrationTests.Pages.AlternativeProvision;

/// <summary>Issue 12, "Providers", through the pages on PostgreSQL: the register, due diligence with evidence, the trust's approval and material changes.</summary>
public sealed class ProviderPageTests : AppTest
{
    private static string Today => Domain.Common.LondonClock.Today(TimeProvider.System).ToString("yyyy-MM-dd");

    private static readonly byte[] Pdf = Encoding.ASCII.GetBytes("%PDF-1.4\n% safeguarding policy\n");

    private static (string, string)[] Riverside(string urn = "148372", string registration = "RegisteredIndependentSchool") =>
    [
        ("Input.Name", "Canal Side Skills"), ("Input.Address", "2 Wharf Road\nDerby"), ("Input.ContactName", "Lee Park"), ("Input.ContactEmail", "lee@canalside.example"),
        ("Input.Registration", registration), ("Input.Urn", urn), ("Input.LastInspectedOn", "2025-05-01"), ("Input.InspectionJudgement", "Good"),
    ];

    private static async Task<HttpResponseMessage> RecordCheckAsync(HttpClient client, Guid provider, string item, bool satisfactory, string checkedOn, byte[]? file = null)
    {
        var page = await (await client.GetAsync($"/Providers/{provider}")).Content.ReadAsStringAsync();
        using var content = new MultipartFormDataContent
        {
            { new StringContent(HttpClientForms.AntiforgeryToken(page)), "__RequestVerificationToken" },
            { new StringContent(item), "Check.Item" },
            { new StringContent(satisfactory ? "true" : "false"), "Check.Satisfactory" },
            { new StringContent($"Seen on the visit: {item}"), "Check.Evidence" },
            { new StringContent(checkedOn), "Check.CheckedOn" },
        };
        if (file is not null)
        {
            content.Add(new ByteArrayContent(file), "EvidenceFile", "policy.pdf");
        }

        return await client.PostAsync($"/Providers/{provider}?handler=Check", content);
    }

    [Fact]
    public async Task A_provider_is_added_with_each_error_at_its_field_and_opens_for_placements_once_every_check_is_made()
    {
        var lead = await Factory.SignInAsync(FlexiFactory.Email("apleader", "ashby"));
        var before = await Records.CountAsync("SELECT count(*) FROM alternative_providers");

        // A registered independent school without its URN, a URN of the wrong shape: refused at the field, what was typed kept.
        var noUrn = await (await lead.PostFormAsync("/Providers/Edit", [.. Riverside(urn: "")])).HtmlAsync();
        Assert.Contains("id=\"Input_Urn-error\"", noUrn, StringComparison.Ordinal);
        Assert.Contains("Enter the URN", noUrn, StringComparison.Ordinal);
        Assert.Contains("value=\"Canal Side Skills\"", noUrn, StringComparison.Ordinal);
        var badUrn = await (await lead.PostFormAsync("/Providers/Edit", [.. Riverside(urn: "12AB")])).HtmlAsync();
        Assert.Contains("A URN is 6 or 7 digits", badUrn, StringComparison.Ordinal);
        var noRegistration = await (await lead.PostFormAsync("/Providers/Edit", [.. Riverside().Where(f => f.Item1 != "Input.Registration")])).HtmlAsync();
        Assert.Contains("Choose how the provider is registered", noRegistration, StringComparison.Ordinal);
        Assert.Equal(before, await Records.CountAsync("SELECT count(*) FROM alternative_providers"));

        var added = await lead.PostFormAsync("/Providers/Edit", [.. Riverside()]);
        Assert.Equal(HttpStatusCode.Redirect, added.StatusCode);
        var id = Guid.Parse(added.Headers.Location!.OriginalString.Split('/')[^1]);
        var page = await (await lead.GetAsync($"/Providers/{id}")).HtmlAsync();
        Assert.Contains("Canal Side Skills added. Record its checks before any placement.", page, StringComparison.Ordinal);
        Assert.Contains("Takes no new placement until:", page, StringComparison.Ordinal);
        Assert.Contains("Checks not yet made (004 §7.8)", page, StringComparison.Ordinal);

        // A check with no evidence is refused at the field; one dated tomorrow too.
        var missing = await (await lead.PostFormAsync($"/Providers/{id}", $"/Providers/{id}?handler=Check", ("Check.Item", "safeguarding"), ("Check.Satisfactory", "true"), ("Check.CheckedOn", "2026-11-20"))).HtmlAsync();
        Assert.Contains("id=\"Check_Evidence-error\"", missing, StringComparison.Ordinal);
        var future = await (await lead.PostFormAsync($"/Providers/{id}", $"/Providers/{id}?handler=Check", ("Check.Item", "safeguarding"), ("Check.Satisfactory", "true"), ("Check.Evidence", "Policy seen"), ("Check.CheckedOn", "2099-01-01"))).HtmlAsync();
        Assert.Contains("The check cannot be dated in the future", future, StringComparison.Ordinal);
        Assert.Equal(0L, await Records.CountAsync($"SELECT count(*) FROM provider_checks WHERE provider_id = '{id}'"));

        // Every check, the safeguarding one with its policy as a PDF: the provider opens, and the evidence downloads.
        var today = Today;
        foreach (var item in ProviderCheckItems.All)
        {
            var response = await RecordCheckAsync(lead, id, item.Key, true, today, item.Key == "safeguarding" ? Pdf : null);
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        }

        page = await (await lead.GetAsync($"/Providers/{id}")).HtmlAsync();
        Assert.Contains("May take new placements", page, StringComparison.Ordinal);
        var check = await TestDatabase.ScalarAsync<Guid>(TestDatabase.Super(Db), $"SELECT id FROM provider_checks WHERE provider_id = '{id}' AND item = 'safeguarding'");
        var evidence = await lead.GetAsync($"/Providers/{id}?handler=Evidence&check={check}");
        Assert.Equal("application/pdf", evidence.Content.Headers.ContentType!.MediaType);
        Assert.Equal(Pdf, await evidence.Content.ReadAsByteArrayAsync());

        // A file that is not a PDF or an image is refused at the field and nothing is saved.
        var count = await Records.CountAsync("SELECT count(*) FROM provider_checks");
        var refused = await (await RecordCheckAsync(lead, id, "insurance", true, today, Encoding.ASCII.GetBytes("MZ not a document"))).HtmlAsync();
        Assert.Contains("id=\"EvidenceFile-error\"", refused, StringComparison.Ordinal);
        Assert.Equal(count, await Records.CountAsync("SELECT count(*) FROM provider_checks"));

        // A check is kept as made: the application's role cannot change one.
        await Assert.ThrowsAnyAsync<Npgsql.PostgresException>(() => TestDatabase.ExecuteAsync(TestDatabase.Super(Db), $"UPDATE provider_checks SET satisfactory = false WHERE id = '{check}'"));

        // The register lists it as open; the demo's provider with checks fourteen months old is closed, with why.
        var list = await (await lead.GetAsync("/Providers")).HtmlAsync();
        Assert.Contains("Canal Side Skills", list, StringComparison.Ordinal);
        Assert.Contains("Checks due again (004 §7.9), last made more than 12 months ago", list, StringComparison.Ordinal);
        Assert.DoesNotContain("Bedford Engineering College", list, StringComparison.Ordinal); // another trust's
    }

    [Fact]
    public async Task An_unregistered_provider_is_closed_until_the_trust_lead_approves_it_and_a_material_change_closes_it_again()
    {
        // St Aidan's (OLoL CMAT, 002): an unregistered provider needs the trust's approval.
        var lead = await Factory.SignInAsync(FlexiFactory.Email("apleader", "millbrook"));
        var added = await lead.PostFormAsync("/Providers/Edit", [.. Riverside(urn: "", registration: "Unregistered")]);
        var id = Guid.Parse(added.Headers.Location!.OriginalString.Split('/')[^1]);
        foreach (var item in ProviderCheckItems.All)
        {
            Assert.Equal(HttpStatusCode.Redirect, (await RecordCheckAsync(lead, id, item.Key, true, Today)).StatusCode);
        }

        var page = await (await lead.GetAsync($"/Providers/{id}")).HtmlAsync();
        Assert.Contains("An unregistered provider needs the trust's approval first (002", page, StringComparison.Ordinal);
        Assert.DoesNotContain("Approve this provider", page, StringComparison.Ordinal);

        // Only the trust lead approves; the AP leader's post is refused as if the page were not there.
        Assert.Equal(HttpStatusCode.NotFound, (await lead.PostFormAsync($"/Providers/{id}", $"/Providers/{id}?handler=Approve", ("ApprovalNote", "Please"))).StatusCode);
        var trustLead = await Factory.SignInAsync(FlexiFactory.Email("trustlead", "staidans"));
        var noReason = await (await trustLead.PostFormAsync($"/Providers/{id}", $"/Providers/{id}?handler=Approve", ("ApprovalNote", " "))).HtmlAsync();
        Assert.Contains("id=\"ApprovalNote-error\"", noReason, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, (await trustLead.PostFormAsync($"/Providers/{id}", $"/Providers/{id}?handler=Approve", ("ApprovalNote", "Only construction provider within reach; DPS visited."))).StatusCode);
        page = await (await lead.GetAsync($"/Providers/{id}")).HtmlAsync();
        Assert.Contains("May take new placements", page, StringComparison.Ordinal);
        Assert.Contains("Only construction provider within reach; DPS visited.", page, StringComparison.Ordinal);

        // A new site is a material change: every check is due again (004 §7.9).
        Assert.Equal(HttpStatusCode.Redirect, (await lead.PostFormAsync($"/Providers/{id}", $"/Providers/{id}?handler=Change", ("MaterialChange", "Moved to Unit 9, Dock Road"))).StatusCode);
        page = await (await lead.GetAsync($"/Providers/{id}")).HtmlAsync();
        Assert.Contains("Checks due again (004 §7.9), last made before the material change", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Two_people_editing_a_provider_never_silently_overwrite_each_other()
    {
        var id = await Records.ProviderOfTrustAsync("Northfield", "Peak");
        var one = await Factory.SignInAsync(FlexiFactory.Email("apleader", "ashby"));
        var two = await Factory.SignInAsync(FlexiFactory.Email("head", "castlehill"));
        var form = await (await one.GetAsync($"/Providers/Edit/{id}")).HtmlAsync();
        var version = System.Text.RegularExpressions.Regex.Match(form, "name=\"Input.Version\" value=\"(\\d+)\"").Groups[1].Value;
        (string, string)[] fields = [("Input.Version", version), ("Input.Name", "Peak Outdoor Learning"), ("Input.Address", "Hollins Barn, Hathersage"), ("Input.ContactName", "Priya Nandra"),
            ("Input.Registration", "OfstedRegistered"), ("Input.Ukprn", "10087421")];
        Assert.Equal(HttpStatusCode.Redirect, (await two.PostFormAsync($"/Providers/Edit/{id}", [.. fields.Where(f => f.Item1 != "Input.ContactName"), ("Input.ContactName", "Dan Moss")])).StatusCode);
        var conflict = await (await one.PostFormAsync($"/Providers/Edit/{id}", [.. fields])).HtmlAsync();
        Assert.Contains("Someone else saved a change to this record after you opened it", conflict, StringComparison.Ordinal);
        Assert.Equal(1L, await Records.CountAsync($"SELECT count(*) FROM alternative_providers WHERE id = '{id}' AND contact_name = 'Dan Moss'"));
    }
}
