using System.Net;
using FlexiSchooling.IntegrationTests.Infrastructure;

namespace FlexiSchooling.IntegrationTests.Pages;

/// <summary>Issue 11: local authorities are records of the trust, each with how it wants to be told; a school names its own from the list.</summary>
public sealed class LocalAuthorityTests : AppTest
{
    [Fact]
    public async Task A_trust_records_how_each_local_authority_wants_to_be_told_and_a_school_names_its_own_from_the_list()
    {
        var admin = await Factory.SignInAsync(FlexiFactory.Email("trustadmin", "northfield"));
        var list = await (await admin.GetAsync("/Admin/LocalAuthorities")).HtmlAsync();
        foreach (var expected in new[] { "Leicestershire County Council (855)", "Online form", "Its online form, on the day it is agreed", "Castle Hill Academy", "Derby City Council" })
        {
            Assert.Contains(expected, list, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("Norfolk", list, StringComparison.Ordinal); // another trust's authority

        // An online form needs its https address: refused at the field, what was typed kept, nothing saved.
        var before = await Records.CountAsync("SELECT count(*) FROM local_authorities");
        (string, string)[] rutland = [("Input.Name", "Rutland County Council"), ("Input.Code", "857"), ("Input.Notice", "OnlineForm"), ("Input.WithinDays", "5"), ("Input.Team", "Inclusion team")];
        var refused = await (await admin.PostFormAsync("/Admin/LocalAuthorities/Edit", "/Admin/LocalAuthorities/Edit", [.. rutland, ("Input.Address", "inclusion@rutland.example")])).HtmlAsync();
        Assert.Contains("id=\"Input_Address-error\"", refused, StringComparison.Ordinal);
        Assert.Contains("Enter the online form's address, starting https://", refused, StringComparison.Ordinal);
        Assert.Contains("value=\"Rutland County Council\"", refused, StringComparison.Ordinal);
        var badCode = await (await admin.PostFormAsync("/Admin/LocalAuthorities/Edit", "/Admin/LocalAuthorities/Edit", [.. rutland.Where(f => f.Item1 != "Input.Code"), ("Input.Code", "85"), ("Input.Address", "https://forms.rutland.example/pt")])).HtmlAsync();
        Assert.Contains("id=\"Input_Code-error\"", badCode, StringComparison.Ordinal);
        Assert.Equal(before, await Records.CountAsync("SELECT count(*) FROM local_authorities"));
        Assert.Equal(HttpStatusCode.Redirect, (await admin.PostFormAsync("/Admin/LocalAuthorities/Edit", "/Admin/LocalAuthorities/Edit", [.. rutland, ("Input.Address", "https://forms.rutland.example/pt")])).StatusCode);
        Assert.Equal(1L, await Records.CountAsync("SELECT count(*) FROM local_authorities WHERE name = 'Rutland County Council' AND notice = 'OnlineForm' AND within_days = 5"));

        // A school names its authority from the trust's list; another trust's authority is refused as if unchosen.
        var ashby = await Records.SchoolAsync("Ashby");
        var url = $"/Admin/Schools/Edit/{ashby}";
        var form = await (await admin.GetAsync(url)).HtmlAsync();
        Assert.Contains("Rutland County Council</option>", form, StringComparison.Ordinal);
        var version = System.Text.RegularExpressions.Regex.Match(form, "name=\"Input.Version\" value=\"(\\d+)\"").Groups[1].Value;
        (string, string)[] school = [("Input.Version", version), ("Input.Name", "Ashby Lane Primary School"), ("Input.Urn", "140101"), ("Input.Phase", "Primary"), ("Input.KS1", "true"), ("Input.KS2", "true")];
        var norfolk = await TestDatabase.ScalarAsync<Guid>(TestDatabase.Super(Db), "SELECT id FROM local_authorities WHERE name = 'Norfolk County Council'");
        var foreign = await (await admin.PostFormAsync(url, url, [.. school, ("Input.LocalAuthorityId", norfolk.ToString())])).HtmlAsync();
        Assert.Contains("id=\"Input_LocalAuthorityId-error\"", foreign, StringComparison.Ordinal);
        Assert.Equal(0L, await Records.CountAsync($"SELECT count(*) FROM schools WHERE id = '{ashby}' AND local_authority_id = '{norfolk}'"));
        var rutlandId = await TestDatabase.ScalarAsync<Guid>(TestDatabase.Super(Db), "SELECT id FROM local_authorities WHERE name = 'Rutland County Council'");
        Assert.Equal(HttpStatusCode.Redirect, (await admin.PostFormAsync(url, url, [.. school, ("Input.LocalAuthorityId", rutlandId.ToString())])).StatusCode);
        Assert.Contains("Rutland County Council", await (await admin.GetAsync("/Admin/Schools")).HtmlAsync(), StringComparison.Ordinal);
    }
}
