using System.Data;
using FlexiSchooling.Data;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace FlexiSchooling.Web.Infrastructure;

/// <summary>
/// The connection a signed-in request holds (opened once by <see cref="CurrentUserMiddleware"/> for all of its reads and
/// writes), given back to the application's bounded pool (ADR 0046) before the request's page is written. By then the
/// handler has read and saved all it will: no view reads the database, so the connection would sit idle while the page's
/// HTML is written and sent, and other requests wait for it. Not inside a transaction. Should a view read after all,
/// Entity Framework opens a connection for that read and each command sets the trust (TenantSql, ADR 0029): it would cost
/// a rent from the pool, never a wrong answer.
/// </summary>
public sealed class RequestConnection : IAsyncAlwaysRunResultFilter
{
    private static readonly object Key = new();

    /// <summary>Called where the request's connection is opened, so that a page with no context never makes one here.</summary>
    public static void Opened(HttpContext http, AppDbContext db) => http.Items[Key] = db;

    public async Task OnResultExecutionAsync(ResultExecutingContext context, ResultExecutionDelegate next)
    {
        if (context.Result is PageResult
            && context.HttpContext.Items[Key] is AppDbContext db
            && db.Database.CurrentTransaction is null
            && db.Database.GetDbConnection().State == ConnectionState.Open)
        {
            await db.Database.CloseConnectionAsync();
        }

        await next();
    }
}
