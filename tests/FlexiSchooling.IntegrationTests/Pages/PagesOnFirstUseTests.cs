using System.Net;
using FlexiSchooling.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace FlexiSchooling.IntegrationTests.Pages;

/// <summary>
/// Issue 15, cold start (ADR 0047): the pages are described when first requested, not all of them before the server
/// listens, and a page described so is guarded exactly as before — its folder's policy, its anonymous exceptions and its
/// antiforgery check come with its compiled endpoint, which routing puts in the request's place before authorization.
/// </summary>
public sealed class PagesOnFirstUseTests : IAsyncLifetime
{
    private FlexiFactory _factory = null!;

    public async Task InitializeAsync() => _factory = new FlexiFactory(await TestDatabase.CreateAsync());

    public Task DisposeAsync()
    {
        _factory.Dispose();
        return TestDatabase.DropAsync(_factory.Database);
    }

    [Fact]
    public async Task Pages_are_described_on_first_use_not_when_the_application_starts()
    {
        Assert.Equal(HttpStatusCode.OK, (await _factory.NewClient().GetAsync("/Account/Login")).StatusCode);
        var pages = _factory.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .Select(e => e.Metadata.GetMetadata<PageActionDescriptor>()).OfType<PageActionDescriptor>().ToList();
        Assert.True(pages.Count > 50, $"only {pages.Count} page endpoints");
        // Routing knows every page from the start by its route alone; none of its endpoints carries a described page.
        Assert.DoesNotContain(pages, p => p is CompiledPageActionDescriptor);
    }

    [Fact]
    public async Task A_page_described_on_first_use_keeps_its_folders_authorization()
    {
        // Each page's first request below is the one that describes it.
        var anonymous = _factory.NewClient();
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/Account/Login")).StatusCode); // AllowAnonymousToFolder("/Account")
        var toSignIn = await anonymous.GetAsync("/Audit");
        Assert.Equal(HttpStatusCode.Redirect, toSignIn.StatusCode);
        Assert.StartsWith("/Account/Login", toSignIn.Headers.Location!.OriginalString, StringComparison.Ordinal);

        // AuthorizeFolder("/Audit", TrustAudit) and AuthorizeFolder("/Admin", TrustAdmin): a headteacher is signed in,
        // which is all the fallback policy asks, and is still kept out.
        var head = await _factory.SignInAsync(FlexiFactory.Email("head", "ashby"));
        foreach (var path in new[] { "/Audit", "/Admin/Users" })
        {
            var refused = await head.GetAsync(path);
            Assert.NotEqual(HttpStatusCode.OK, refused.StatusCode);
            Assert.Contains("AccessDenied", refused.Headers.Location?.OriginalString ?? refused.StatusCode.ToString(), StringComparison.Ordinal);
        }

        Assert.Equal(HttpStatusCode.OK, (await (await _factory.SignInAsync(FlexiFactory.Email("trustlead", "northfield"))).GetAsync("/Audit")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await (await _factory.SignInAsync(FlexiFactory.Email("trustadmin", "northfield"))).GetAsync("/Admin/Users")).StatusCode);

        // The page's antiforgery filter comes with its description too: a form posted without the token is refused.
        var unguarded = await head.PostAsync("/Account/Sessions?handler=EndAll", new FormUrlEncodedContent([]));
        Assert.Equal(HttpStatusCode.BadRequest, unguarded.StatusCode);
    }
}
