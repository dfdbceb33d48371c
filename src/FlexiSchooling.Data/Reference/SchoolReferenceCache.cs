using System.Collections.Concurrent;
using FlexiSchooling.Domain.Calendar;
using FlexiSchooling.Domain.Policy;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace FlexiSchooling.Data.Reference;

/// <summary>What a school's rules read on nearly every page: its terms and closures, the bank holidays and the policy profile versions.</summary>
public sealed record SchoolReference(IReadOnlyList<Term> Terms, IReadOnlyList<DateOnly> Closures, IReadOnlyList<DateOnly> BankHolidays, IReadOnlyList<PolicyProfileVersion> ProfileVersions)
{
    public SchoolCalendar Calendar() => new(Terms, Closures, BankHolidays);
}

/// <summary>
/// Keeps each school's <see cref="SchoolReference"/> for a minute, so a register save or a case page does not
/// spend four round trips re-reading a calendar and profile that change a few times a year (ADR 0016). One
/// per application (a DI singleton), keyed by trust and school: an entry is only ever filled by a query made
/// under that trust's row-level security, so it is only ever served to that trust. Any save through EF Core
/// that adds, changes or removes a term, closure, bank holiday or profile version empties it
/// (<see cref="ReferenceDataInvalidation"/>); another instance of the application sees such a change within
/// <see cref="Lifetime"/>.
/// </summary>
public sealed class SchoolReferenceCache(TimeProvider? time = null)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(1);

    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly ConcurrentDictionary<(Guid Trust, Guid School), (SchoolReference Data, DateTimeOffset LoadedAt)> _entries = new();

    public async Task<SchoolReference> GetAsync(AppDbContext db, Guid schoolId, CancellationToken cancellationToken = default)
    {
        if (db.Tenant.IsSystem || !db.Tenant.HasTrust)
        {
            return await LoadAsync(db, schoolId, cancellationToken);
        }

        var key = (db.Tenant.TrustId, schoolId);
        var now = _time.GetUtcNow();
        if (_entries.TryGetValue(key, out var entry) && now - entry.LoadedAt < Lifetime)
        {
            return entry.Data;
        }

        var data = await LoadAsync(db, schoolId, cancellationToken);
        _entries[key] = (data, now);
        return data;
    }

    public void Clear() => _entries.Clear();

    /// <summary>Reads a school's reference data from the database, under the context's tenancy.</summary>
    public static async Task<SchoolReference> LoadAsync(AppDbContext db, Guid schoolId, CancellationToken cancellationToken = default) => new(
        await db.Terms.AsNoTracking().Where(t => t.SchoolId == schoolId).ToListAsync(cancellationToken),
        await db.ClosureDays.AsNoTracking().Where(c => c.SchoolId == schoolId).Select(c => c.Date).ToListAsync(cancellationToken),
        await db.BankHolidays.AsNoTracking().Select(b => b.Date).ToListAsync(cancellationToken),
        await db.PolicyProfileVersions.AsNoTracking().Where(v => v.SchoolId == null || v.SchoolId == schoolId).ToListAsync(cancellationToken));
}

/// <summary>
/// Empties <see cref="SchoolReferenceCache"/> when a save adds, changes or removes what it holds: before the save,
/// and again once it has been written, so a request that read the old rows in between does not keep them.
/// </summary>
public sealed class ReferenceDataInvalidation(SchoolReferenceCache cache) : SaveChangesInterceptor
{
    private static readonly HashSet<Type> Cached = [typeof(Term), typeof(ClosureDay), typeof(BankHoliday), typeof(PolicyProfileVersion)];

    // The contexts whose save in progress touches the cached types (after the save their entries are Unchanged).
    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<DbContext, object> _touching = [];

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Saving(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Saving(eventData.Context);
        return result;
    }

    public override ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        Saved(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        Saved(eventData.Context);
        return result;
    }

    private void Saving(DbContext? context)
    {
        if (context is not null && context.ChangeTracker.Entries().Any(e => Cached.Contains(e.Metadata.ClrType) && e.State is EntityState.Added or EntityState.Modified or EntityState.Deleted))
        {
            _touching.AddOrUpdate(context, this);
            cache.Clear();
        }
    }

    private void Saved(DbContext? context)
    {
        if (context is not null && _touching.TryGetValue(context, out _))
        {
            _touching.Remove(context);
            cache.Clear();
        }
    }
}
