using FlexiSchooling.Data.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace FlexiSchooling.Data;

/// <summary>
/// Two connection strings, two PostgreSQL roles: "App" (flexi_app: not the owner, subject to RLS)
/// serves requests; "Owner" (flexi_owner: owns the schema, bypasses RLS) runs migrations, demo
/// seeding and system jobs through <see cref="SystemDb"/>. docs/adr/0004.
/// </summary>
public static class DataServiceCollectionExtensions
{
    public static IServiceCollection AddFlexiData(this IServiceCollection services, string appConnectionString, string ownerConnectionString)
    {
        services.AddSingleton<TenantConnectionInterceptor>();
        services.AddSingleton<TenantSaveChangesInterceptor>();
        services.AddSingleton<Reference.SchoolReferenceCache>();
        services.AddSingleton<Reference.ReferenceDataInvalidation>();
        services.AddScoped<TenantContext>();
        services.AddDbContext<AppDbContext>((sp, options) => Configure(options, appConnectionString, sp));
        services.AddSingleton(sp => new SystemDb(ownerConnectionString, sp));
        return services;
    }

    internal static void Configure(DbContextOptionsBuilder options, string connectionString, IServiceProvider sp)
    {
        options.UseNpgsql(connectionString, npgsql => npgsql.MigrationsHistoryTable("__ef_migrations_history"))
            .AddInterceptors(sp.GetRequiredService<TenantConnectionInterceptor>(), sp.GetRequiredService<TenantSaveChangesInterceptor>(), sp.GetRequiredService<Reference.ReferenceDataInvalidation>())
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
        return new AppDbContext(options.Options, tenant ?? TenantContext.System());
    }
}
