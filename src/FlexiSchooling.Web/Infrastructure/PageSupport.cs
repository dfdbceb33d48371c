using FlexiSchooling.Data;
using FlexiSchooling.Data.Audit;
using FlexiSchooling.Data.Tenancy;
using FlexiSchooling.Domain.Common;
using FlexiSchooling.Domain.Security;
using FluentValidation;
using FluentValidation.Results;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace FlexiSchooling.Web.Infrastructure;

/// <summary>
/// Turns a rule refusal into a form error next to its field (the user's input stays in the form),
/// a stale save into a clear conflict message, and a cross-tenant write into a 404. One filter, so
/// no page handles these on its own.
/// </summary>
public sealed class DomainErrorPageFilter : IAsyncPageFilter
{
    public const string ConcurrencyMessage =
        "Someone else saved a change to this record after you opened it. Your changes have not been saved: check the current values below, then make your changes again.";

    public Task OnPageHandlerSelectionAsync(PageHandlerSelectedContext context) => Task.CompletedTask;

    public async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        var executed = await next();
        if (executed.Exception is null || executed.ExceptionHandled || context.HandlerInstance is not PageModel page)
        {
            return;
        }

        switch (executed.Exception)
        {
            case DomainRuleException rule:
                page.ModelState.AddModelError(rule.Field is null ? "" : "Input." + rule.Field, rule.Message);
                executed.Result = page.Page();
                executed.ExceptionHandled = true;
                break;
            case DbUpdateConcurrencyException:
                page.ModelState.AddModelError("", ConcurrencyMessage);
                if (page is AppPageModel app)
                {
                    await app.OnConcurrencyConflictAsync();
                }

                executed.Result = page.Page();
                executed.ExceptionHandled = true;
                break;
            case TenantViolationException:
                executed.Result = new NotFoundResult();
                executed.ExceptionHandled = true;
                break;
        }
    }
}

/// <summary>The base of every signed-in page: access checks that answer 404, and validation helpers.</summary>
public abstract class AppPageModel : PageModel
{
    protected AppDbContext Db => HttpContext.RequestServices.GetRequiredService<AppDbContext>();

    /// <summary>Where a read-heavy page reads: the replica when one is configured, else <see cref="Db"/> (ADR 0028). Never saves.</summary>
    protected AppDbContext ReadDb => HttpContext.RequestServices.GetRequiredService<Data.ReadDb>().Context;

    protected CurrentUser CurrentUser => HttpContext.RequestServices.GetRequiredService<CurrentUser>();

    protected TimeProvider Time => HttpContext.RequestServices.GetRequiredService<TimeProvider>();

    protected DateOnly Today => LondonClock.Today(Time);

    /// <summary>Today in London, for views.</summary>
    public DateOnly TodayInLondon => Today;

    /// <summary>
    /// Whether the user holds <paramref name="permission"/> at the school. A record the user may
    /// not see answers 404, never 403: its existence is not revealed. Refusals are audited.
    /// </summary>
    protected async Task<bool> CanAsync(Guid schoolId, Permission permission)
    {
        var auth = HttpContext.RequestServices.GetRequiredService<IAuthorizationService>();
        var result = await auth.AuthorizeAsync(User, schoolId, new SchoolPermissionRequirement(permission));
        if (!result.Succeeded)
        {
            var audit = HttpContext.RequestServices.GetRequiredService<AuditTrail>();
            await audit.SecurityAsync(AuditActions.AccessRefused, CurrentUser.TrustId, CurrentUser.UserId, schoolId.ToString());
        }

        return result.Succeeded;
    }

    /// <summary>
    /// Loads a pupil of the trust by id and checks the permission at the pupil's school. The school
    /// scope is decided here by authorization (and a refusal audited), not hidden by the query filter;
    /// the trust filter and RLS still apply. Null means answer 404.
    /// </summary>
    protected async Task<Domain.Pupils.Pupil?> PupilIfAllowedAsync(Guid id, Permission permission, bool tracked = false)
    {
        var query = Db.Pupils.IgnoreQueryFilters([AppDbContext.SchoolScopeFilter]);
        var pupil = await (tracked ? query : query.AsNoTracking()).SingleOrDefaultAsync(p => p.Id == id);
        return pupil is not null && await CanAsync(pupil.SchoolId, permission) ? pupil : null;
    }

    /// <summary>
    /// Null when the person gave their password (and second factor) in the last five minutes; otherwise where to confirm
    /// it first (issue 14, item 2). Called first by every handler that exports pupil data or changes someone's access.
    /// </summary>
    protected IActionResult? ConfirmationNeeded() => Pages.Account.ConfirmModel.Required(this, CurrentUser, Time);

    /// <summary>Runs the input's FluentValidation validator; messages go next to the fields under "Input.".</summary>
    protected async Task<bool> ValidateAsync<T>(T input, string prefix = "Input")
    {
        var validator = HttpContext.RequestServices.GetRequiredService<IValidator<T>>();
        ValidationResult result = await validator.ValidateAsync(input);
        var order = ValidationOrder.Of(HttpContext);
        foreach (var error in result.Errors)
        {
            var key = string.IsNullOrEmpty(error.PropertyName) ? "" : $"{prefix}.{error.PropertyName}";
            ModelState.AddModelError(key, error.ErrorMessage);
            order.Add(key);
        }

        return ModelState.IsValid;
    }

    /// <summary>The school's pupils on roll today, for a "Choose a pupil" select (surname first, with the year group).</summary>
    protected async Task<IReadOnlyList<KeyValuePair<string, string>>> PupilOptionsAsync(Guid schoolId) =>
        [new("", "Choose a pupil"), .. (await Db.Pupils.AsNoTracking()
            .Where(p => p.SchoolId == schoolId && (p.LeavingDate == null || p.LeavingDate >= Today))
            .OrderBy(p => p.LegalSurname).ThenBy(p => p.LegalForename)
            .Select(p => new { p.Id, p.LegalSurname, p.LegalForename, p.PreferredForename, p.YearGroup }).ToListAsync())
            .Select(p => new KeyValuePair<string, string>(p.Id.ToString(), $"{p.LegalSurname}, {p.PreferredForename ?? p.LegalForename} ({Domain.Pupils.YearGroups.Label(p.YearGroup)})"))];

    /// <summary>Reload what the page shows after a concurrency conflict (the user's input stays in the form).</summary>
    public virtual Task OnConcurrencyConflictAsync() => Task.CompletedTask;
}

public static class ModelStateExtensions
{
    public static string? ErrorFor(this ModelStateDictionary state, string key) =>
        state.TryGetValue(key, out var entry) && entry.Errors.Count > 0 ? entry.Errors[0].ErrorMessage : null;
}

/// <summary>
/// The order a request's validation found its errors in — the validators' rules are written in the page's order — so the
/// error summary lists them as the page does (issue 13: "each error … in page order"), not in the order model binding
/// happened to create the fields' entries.
/// </summary>
public static class ValidationOrder
{
    private const string Key = "flexi:validation-order";

    public static List<string> Of(HttpContext context)
    {
        if (context.Items[Key] is not List<string> order)
        {
            context.Items[Key] = order = [];
        }

        return order;
    }
}
