using FlexiSchooling.Data.Tenancy;
using FlexiSchooling.Domain.Calendar;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace FlexiSchooling.Data;

/// <summary>
/// Two connection strings, two PostgreSQL roles: "App" (flexi_app: not the owner, subject to RLS)
/// serves requests; "Owner" (flexi_owner: owns the schema, bypasses RLS) runs migrations, demo
/// seeding and system jobs through <see cref="SystemDb"/>. docs/adr/0004.
/// </summary>
public static class DataServiceCollectionExtensions
{
    /// <param name="readConnectionString">
    /// "Read": where read-heavy pages read (the dashboard, the attendance overview, the governors' report) — a streaming
    /// replica, usually as a multi-host string preferring a standby; none, and they read where everything else does.
    /// </param>
    /// <param name="replicaMaxLag">
    /// How far behind its primary the "Read" connection may be before the read-heavy pages read the primary instead
    /// (<see cref="ReplicaLag"/>); 30 s unless given.
    /// </param>
    public static IServiceCollection AddFlexiData(this IServiceCollection services, string appConnectionString, string ownerConnectionString, string? readConnectionString = null, TimeSpan? replicaMaxLag = null)
    {
        // A request's statements are prepared on each connection of its own (ADR 0033), and an instance keeps a bounded
        // number of connections (ADR 0046); the owner's string is used as given.
        appConnectionString = ConnectionPool.AsUsed(appConnectionString);
        readConnectionString = readConnectionString is null ? null : ConnectionPool.AsUsed(readConnectionString);
        services.AddScoped<ReadDb>();
        services.AddSingleton<TenantCommandInterceptor>();
        services.AddSingleton<TenantTransactionInterceptor>();
        services.AddSingleton<TenantSaveChangesInterceptor>();
        services.AddSingleton<Reference.SchoolReferenceCache>();
        services.AddSingleton<Reference.ReferenceDataInvalidation>();
        services.AddScoped<TenantContext>();
        // The options are the same for every request (one connection string, singleton interceptors), so they are built
        // once for the process, and the contexts are pooled (ADR 0042): a request rents one, gives it its own TenantContext,
        // and its disposal at the end of the request takes the tenant away and returns it, reset, to the pool.
        services.AddPooledDbContextFactory<AppDbContext>((sp, options) => Configure(options, appConnectionString, sp));
        // Their siblings (reads beside the request's own) come from a pool of their own (ConnectionPool.ForSiblings).
        services.AddSingleton(sp => new SiblingContexts(new PooledDbContextFactory<AppDbContext>(SiblingOptions(ConnectionPool.ForSiblings(appConnectionString), sp))));
        services.AddScoped(sp => AppDbContext.Rent(sp.GetRequiredService<IDbContextFactory<AppDbContext>>(), sp.GetRequiredService<TenantContext>(), sp.GetRequiredService<Reference.SchoolReferenceCache>(), sp.GetRequiredService<SiblingContexts>().Pool));
        // The read connection's contexts, when it is one of its own, have a pool of their own (their options differ).
        // With it, a pool of read contexts on the primary, standing in while the replica is too far behind (ADR 0048): read-only
        // as the replica's, on the siblings' connections (a request holds its own; a second from that bounded pool could wait
        // for ever, ADR 0046).
        services.AddSingleton(sp => readConnectionString is null ? new ReadContexts(null, null) : new ReadContexts(
            new PooledDbContextFactory<AppDbContext>(ReadDb.Options(readConnectionString, sp)),
            new PooledDbContextFactory<AppDbContext>(ReadDb.Options(ConnectionPool.ForSiblings(appConnectionString), sp))));
        services.AddSingleton(sp => new ReplicaLag(appConnectionString, readConnectionString, sp.GetRequiredService<TimeProvider>(), replicaMaxLag ?? ReplicaLag.DefaultMaxLag));
        services.AddSingleton(sp => new SystemDb(ownerConnectionString, sp));
        return services;
    }

    private static DbContextOptions<AppDbContext> SiblingOptions(string connectionString, IServiceProvider sp)
    {
        var options = new DbContextOptionsBuilder<AppDbContext>();
        Configure(options, connectionString, sp);
        return options.Options;
    }

    internal static void Configure(DbContextOptionsBuilder options, string connectionString, IServiceProvider sp)
    {
        options.UseNpgsql(connectionString, npgsql => npgsql.MigrationsHistoryTable("__ef_migrations_history"))
            .AddInterceptors(sp.GetRequiredService<TenantCommandInterceptor>(), sp.GetRequiredService<TenantTransactionInterceptor>(), sp.GetRequiredService<TenantSaveChangesInterceptor>(), sp.GetRequiredService<Reference.ReferenceDataInvalidation>())
            // Migrations are hand-written and carry no model snapshot; a test proves the migrated
            // schema equals the model instead (docs/adr/0003).
            .ConfigureWarnings(w => w.Ignore(RelationalEventId.PendingModelChangesWarning));
    }
}

/// <summary>Creates contexts on the owner connection for system work (never for a user's request).</summary>
public sealed class SystemDb(string ownerConnectionString, IServiceProvider services)
{
    public string ConnectionString => ownerConnectionString;

    public AppDbContext Create(TenantContext? tenant = null)
    {
        var options = new DbContextOptionsBuilder<AppDbContext>();
        DataServiceCollectionExtensions.Configure(options, ownerConnectionString, services);
        return AppDbContext.For(options.Options, tenant ?? TenantContext.System());
    }

    /// <summary>
    /// Brings the database to the current schema (ADR 0003), then adds the bank holidays shipped with the product
    /// (<see cref="BankHolidayFeed.Shipped"/>) that it lacks: every school's calendar needs them, whether or not the demo
    /// is seeded, and before this only the demo's seed added them, so a trust's own database began with none. Returns how
    /// many were added (none on a database that has them). Run by <c>--migrate</c> and <c>--migrate-only</c>.
    /// </summary>
    public async Task<int> MigrateAsync(CancellationToken cancellationToken = default)
    {
        await using var db = Create();
        await db.Database.MigrateAsync(cancellationToken);
        var shipped = BankHolidayFeed.Missing(BankHolidayFeed.Shipped(), await db.BankHolidays.Select(b => b.Date).ToListAsync(cancellationToken));
        db.BankHolidays.AddRange(shipped);
        await db.SaveChangesAsync(cancellationToken);
        return shipped.Count;
    }
}

/// <summary>The pool of the request contexts' siblings (<see cref="AppDbContext.Sibling"/>), on a connection pool of their own.</summary>
public sealed record SiblingContexts(IDbContextFactory<AppDbContext> Pool);

/// <summary>
/// Where read-heavy pages read: the pool of the read connection's contexts (ADR 0042) when it is one of its own (a
/// replica), or none, and they read through the request's context; and with it <paramref name="StandIn"/>, read contexts
/// on the primary for while the replica is too far behind (<see cref="ReplicaLag"/>).
/// </summary>
public sealed record ReadContexts(IDbContextFactory<AppDbContext>? Pool, IDbContextFactory<AppDbContext>? StandIn)
{
    public bool Separate => Pool is not null;
}

/// <summary>
/// The request's context for read-heavy pages (issue 15): the same user, trust, filters and row-level security as the
/// request's <see cref="AppDbContext"/>, on the "Read" connection — a streaming replica, where PostgreSQL applies the same
/// policies (they are replicated with the schema). A replica lags its primary by a moment, so a page that must see its own
/// write (every form, every page a form returns to) reads the primary through <see cref="AppDbContext"/>; only pages that
/// show the trust's picture read here. It never saves: a replica would refuse, and the primary standing in must too —
/// for a replica that is down (Npgsql's multi-host string), or one further behind than <see cref="ReplicaLag.MaxLag"/>,
/// which is passed over for a read context on the primary (<see cref="ReadContexts.StandIn"/>, ADR 0048). docs/adr/0028.
/// </summary>
public sealed class ReadDb(ReadContexts read, ReplicaLag lag, TenantContext tenant, IServiceProvider services, Reference.SchoolReferenceCache cache) : IAsyncDisposable, IDisposable
{
    private AppDbContext? context;
    private bool rented;

    /// <summary>True when reads go to a connection of their own (a replica), not the primary's.</summary>
    public bool Separate => read.Separate;

    public AppDbContext Context => context ??= Create();

    /// <summary>The read context's options: the read connection, never a save, nothing tracked.</summary>
    internal static DbContextOptions<AppDbContext> Options(string readConnectionString, IServiceProvider services)
    {
        var options = new DbContextOptionsBuilder<AppDbContext>();
        DataServiceCollectionExtensions.Configure(options, readConnectionString, services);
        options.AddInterceptors(ReadOnlyInterceptor.Instance);
        options.UseQueryTrackingBehavior(QueryTrackingBehavior.NoTracking);
        return options.Options;
    }

    /// <summary>
    /// The read connection's context; while the replica is further behind than <see cref="ReplicaLag.MaxLag"/>, a read
    /// context on the primary; with no read connection of its own, the request's context.
    /// </summary>
    private AppDbContext Create()
    {
        if ((lag.TooFarBehind ? read.StandIn : read.Pool) is { } pool)
        {
            rented = true;
            return AppDbContext.Rent(pool, tenant, cache);
        }

        return services.GetRequiredService<AppDbContext>();
    }

    public void Dispose()
    {
        if (rented)
        {
            context?.Dispose();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (rented && context is not null)
        {
            await context.DisposeAsync();
        }
    }
}

/// <summary>Refuses a save on the read context: what it reads may be a moment behind, and a write belongs on the primary.</summary>
internal sealed class ReadOnlyInterceptor : SaveChangesInterceptor
{
    public static readonly ReadOnlyInterceptor Instance = new();

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result) =>
        throw new InvalidOperationException("The read context (ReadDb) never saves: save through the request's AppDbContext.");

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default) =>
        throw new InvalidOperationException("The read context (ReadDb) never saves: save through the request's AppDbContext.");
}
