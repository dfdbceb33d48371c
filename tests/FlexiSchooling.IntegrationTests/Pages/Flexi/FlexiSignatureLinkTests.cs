using System.Net;
using System.Text.RegularExpressions;
using FlexiSchooling.IntegrationTests.Infrastructure;

namespace FlexiSchooling.IntegrationTests.Pages.Flexi;

/// <summary>Issue 4, step 6: the parent's typed-name e-signature through a one-time emailed link, without an account.</summary>
public sealed partial class FlexiCaseTests
{
    // The latest email to the address: on the class's fixed clock two are written at the same instant, and the key (its
    // time taken from the machine, Ids) orders them.
    private async Task<string> LinkTokenAsync(string email) =>
        Regex.Match(await TestDatabase.ScalarAsync<string>(TestDatabase.Super(Db), $"SELECT text_body FROM outbox_messages WHERE \"to\" = '{email}' ORDER BY created_at DESC, id DESC LIMIT 1"), @"/Sign\?token=([\w-]+)").Groups[1].Value;

    [Fact]
    public async Task The_parent_signs_by_typed_name_through_a_one_time_link_that_works_once_and_expires()
    {
        var (id, _, head) = await AgreedCaseAsync("brookside", "Brookside");
        var gates = $"/Cases/{id}/Gates";
        var bad = await (await head.PostFormAsync(gates, gates + "?handler=SendLink", ("LinkName", "Sarah Example"), ("LinkEmail", "not an email"))).HtmlAsync();
        Assert.Contains("email address, like name@example.com", bad, StringComparison.Ordinal);
        Assert.Contains("value=\"not an email\"", bad, StringComparison.Ordinal); // what was typed is kept

        var email = $"parent-{id:N}@example.org";
        Assert.Equal(HttpStatusCode.Redirect, (await head.PostFormAsync(gates, gates + "?handler=SendLink", ("LinkName", "Sarah Example"), ("LinkEmail", email))).StatusCode);
        var token = await LinkTokenAsync(email);
        Assert.Equal(43, token.Length);
        // Only the hash is stored.
        Assert.Equal(0L, await Records.CountAsync($"SELECT count(*) FROM agreement_signature_links WHERE token_hash = '{token}'"));
        Assert.Contains($"Sent to Sarah Example at {email}", await (await head.GetAsync(gates)).HtmlAsync(), StringComparison.Ordinal);

        // The parent has no account: the link alone opens the agreement, as a summary and as its PDF.
        var parent = Factory.NewClient();
        var url = $"/Sign?token={token}";
        var page = await (await parent.GetAsync(url)).HtmlAsync();
        Assert.Contains("Sign the flexi-schooling agreement for", page, StringComparison.Ordinal);
        var pdf = await parent.GetAsync($"/Sign?handler=Agreement&token={token}");
        Assert.Equal("application/pdf", pdf.Content.Headers.ContentType?.MediaType);

        var unconfirmed = await (await parent.PostFormAsync(url, url, ("token", token), ("TypedName", "Sarah Example"))).HtmlAsync();
        Assert.Contains("Confirm that you have read the agreement", unconfirmed, StringComparison.Ordinal);
        var signed = await (await parent.PostFormAsync(url, url, ("token", token), ("TypedName", "Sarah J Example"), ("Confirmed", "true"))).HtmlAsync();
        Assert.True(signed.Contains("Agreement signed", StringComparison.Ordinal), Regex.Match(signed, "<main.*</main>", RegexOptions.Singleline).Value);
        Assert.Equal(1L, await Records.CountAsync($"SELECT count(*) FROM flexi_agreements WHERE arrangement_id = '{id}' AND parent_signed_by = 'Sarah J Example' AND parent_signed_via = 'TypedNameByLink'"));
        Assert.Equal(1L, await Records.CountAsync($"SELECT count(*) FROM arrangement_events WHERE arrangement_id = '{id}' AND detail LIKE '%by typed name through the link emailed to the parent%'"));
        Assert.Equal(1L, await Records.CountAsync($"SELECT count(*) FROM outbox_messages WHERE \"to\" = '{email}' AND subject LIKE 'You have signed%'"));

        // It works once; a made-up token finds nothing; the gate is met.
        Assert.Contains("already been used", await (await parent.GetAsync(url)).HtmlAsync(), StringComparison.Ordinal);
        Assert.Contains("This link does not work", await (await parent.GetAsync("/Sign?token=" + new string('x', 43))).HtmlAsync(), StringComparison.Ordinal);
        Assert.Contains("by typed name through the emailed link", await (await head.GetAsync(gates)).HtmlAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_signing_link_expires_and_a_newer_link_replaces_the_earlier_one()
    {
        var (id, _, head) = await AgreedCaseAsync("ashby", "Ashby");
        var gates = $"/Cases/{id}/Gates";
        var email = $"parent-{id:N}@example.org";
        await head.PostFormAsync(gates, gates + "?handler=SendLink", ("LinkName", "Sarah Example"), ("LinkEmail", email));
        var first = await LinkTokenAsync(email);
        await head.PostFormAsync(gates, gates + "?handler=SendLink", ("LinkName", "Sarah Example"), ("LinkEmail", email));
        var second = await LinkTokenAsync(email);
        var parent = Factory.NewClient();
        var replaced = await (await parent.GetAsync($"/Sign?token={first}")).HtmlAsync();
        Assert.True(replaced.Contains("A newer link has been sent to you", StringComparison.Ordinal), Regex.Match(replaced, "<main.*</main>", RegexOptions.Singleline).Value);
        Assert.Equal(HttpStatusCode.NotFound, (await parent.GetAsync($"/Sign?handler=Agreement&token={first}")).StatusCode);

        // A minute before the class's clock (9:30 on its autumn day).
        await TestDatabase.ExecuteAsync(TestDatabase.Super(Db), $"UPDATE agreement_signature_links SET expires_at = TIMESTAMPTZ '{TestDatabase.AutumnDay:yyyy-MM-dd} 09:29:00+00' WHERE arrangement_id = '{id}'");
        Assert.Contains("This link has expired", await (await parent.GetAsync($"/Sign?token={second}")).HtmlAsync(), StringComparison.Ordinal);
        Assert.Equal(0L, await Records.CountAsync($"SELECT count(*) FROM flexi_agreements WHERE arrangement_id = '{id}' AND parent_signed_on IS NOT NULL"));
    }
}
