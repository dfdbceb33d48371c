using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Mvc.RazorPages.Infrastructure;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Matching;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace FlexiSchooling.Web.Infrastructure;

/// <summary>
/// Each Razor page's compiled descriptor (its handlers, bound properties and their model metadata, filters and endpoint
/// metadata) is built when the page is first requested, not all of them when the application starts (issue 15, ADR 0047).
/// Build-time compiled pages are described eagerly by default: <c>MapRazorPages</c> built every one of this application's
/// pages before Kestrel listened, the largest part of its start (docs/performance.md, twenty-sixth session). Here routing
/// still knows every page from the start (the same templates, constraints and methods: matching and link generation are
/// unchanged), and <see cref="CompilePageOnMatch"/> has the framework's page loader describe a matched page once, on its
/// first request, and puts the described endpoint in the request's place inside routing — before authentication,
/// authorization and every later middleware read it. Without that policy a page would run on its undescribed endpoint,
/// which lacks the folder conventions' policies (AuthorizeFolder, AllowAnonymousToFolder): PagesOnFirstUseTests fails
/// then. This is the arrangement ASP.NET Core's Razor runtime compilation makes for pages compiled at run time.
/// </summary>
public static class PagesOnFirstUse
{
    public static IServiceCollection DescribePagesOnFirstUse(this IServiceCollection services)
    {
        var eager = services.Where(s => s.ServiceType == typeof(IActionDescriptorProvider) && s.ImplementationType == typeof(CompiledPageActionDescriptorProvider)).ToList();
        if (eager.Count == 0)
        {
            throw new InvalidOperationException("AddRazorPages must come before DescribePagesOnFirstUse: the compiled pages' provider it replaces is not registered.");
        }

        foreach (var descriptor in eager)
        {
            services.Remove(descriptor);
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IActionDescriptorProvider, PageActionDescriptorProvider>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<MatcherPolicy, CompilePageOnMatch>());
        return services;
    }

    /// <summary>
    /// In routing, before any other matcher policy (the order the framework's own page-loading policy has): each candidate
    /// page's endpoint replaced by its described one, which <see cref="PageLoader"/> builds once and caches.
    /// </summary>
    private sealed class CompilePageOnMatch(PageLoader loader) : MatcherPolicy, IEndpointSelectorPolicy
    {
        public override int Order => int.MinValue + 100;

        public bool AppliesToEndpoints(IReadOnlyList<Endpoint> endpoints) => endpoints.Any(e => Undescribed(e) is not null);

        public async Task ApplyAsync(HttpContext httpContext, CandidateSet candidates)
        {
            for (var i = 0; i < candidates.Count; i++)
            {
                if (!candidates.IsValidCandidate(i))
                {
                    continue;
                }

                var endpoint = candidates[i].Endpoint;
                if (Undescribed(endpoint) is { } page)
                {
                    var compiled = await loader.LoadAsync(page, endpoint.Metadata);
                    candidates.ReplaceEndpoint(i, compiled.Endpoint, candidates[i].Values);
                }
            }
        }

        /// <summary>A page's endpoint as routing first has it: its route only, not yet described.</summary>
        private static PageActionDescriptor? Undescribed(Endpoint endpoint) =>
            endpoint.Metadata.GetMetadata<PageActionDescriptor>() is { } page && page is not CompiledPageActionDescriptor ? page : null;
    }
}
