using FlexiSchooling.Data;
using FlexiSchooling.Domain.Common;
using FlexiSchooling.Domain.Tenancy;
using Microsoft.EntityFrameworkCore;

namespace FlexiSchooling.Web.Seeding;

/// <summary>What the demo's walked-through cases share: their staff, their trust stamp and the time of day steps were taken.</summary>
internal static class DemoSupport
{
    /// <summary>The seed's context is the system's, which stamps no trust: each new record takes its school's.</summary>
    public static void StampTrust(AppDbContext db, Guid trustId)
    {
        foreach (var entry in db.ChangeTracker.Entries<ITrustStampable>().Where(e => e.State == EntityState.Added && e.Entity.TrustId == Guid.Empty))
        {
            entry.Entity.StampTrust(trustId);
        }
    }

    /// <summary>The demo user with this role at the school whose slug is given (e.g. "head", "ashby").</summary>
    public static async Task<Data.Identity.AppUser> UserAsync(AppDbContext db, string role, string slug, CancellationToken cancellationToken)
    {
        var email = $"{role}@{slug}.{DemoSeeder.EmailDomain}".ToUpperInvariant();
        return await db.Users.AsNoTracking().SingleAsync(u => u.NormalizedEmail == email, cancellationToken);
    }

    /// <summary>Half past nine in the morning, London time, on the day: when the demo's staff did each step.</summary>
    public static DateTimeOffset At(DateOnly date) => LondonClock.AtLondon(date, new TimeOnly(9, 30));

    /// <summary>Produces a case document with the pages' own builder and renderer, and keeps it with the case.</summary>
    public static async Task<Domain.Arrangements.CaseDocument> KeepAsync<TModel>(AppDbContext db, Documents.DocumentRenderer documents, Domain.Arrangements.Arrangement arrangement, Documents.CaseDocumentToKeep<TModel> document, Guid userId, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var kept = new Domain.Arrangements.CaseDocument(arrangement.SchoolId, arrangement.Id, document.Kind, document.FileName, "application/pdf",
            await documents.PdfAsync(document.Template, document.Model, cancellationToken), userId, at);
        db.CaseDocuments.Add(kept);
        return kept;
    }
}
