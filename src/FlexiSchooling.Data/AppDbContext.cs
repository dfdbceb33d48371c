using System.Linq.Expressions;
using FlexiSchooling.Data.Audit;
using FlexiSchooling.Data.Identity;
using FlexiSchooling.Data.Outbox;
using FlexiSchooling.Data.Tenancy;
using FlexiSchooling.Domain.Calendar;
using FlexiSchooling.Domain.Policy;
using FlexiSchooling.Domain.Pupils;
using FlexiSchooling.Domain.Tenancy;
using FlexiSchooling.Domain.AlternativeProvision;
using FlexiSchooling.Domain.Trusts;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace FlexiSchooling.Data;

/// <summary>
/// The one DbContext. Tenancy is enforced here once: every <see cref="ITrustOwned"/> type gets the
/// named "Tenant" query filter and every <see cref="ISchoolOwned"/> type the "SchoolScope" filter,
/// by reflection, so a new entity is covered without anyone remembering; PostgreSQL row-level
/// security stands behind both (Migrations/0001_initial.sql).
/// </summary>
public sealed class AppDbContext : IdentityUserContext<AppUser, Guid>
{
    public const string TenantFilter = "Tenant";
    public const string SchoolScopeFilter = "SchoolScope";

    /// <summary>The school scope alone, for <c>IgnoreQueryFilters</c> in a compiled query (an expression tree cannot hold a collection expression).</summary>
    public static readonly string[] SchoolScopeOnly = [SchoolScopeFilter];

    private TenantContext? tenant;

    // The pool a rented context's siblings come from; none for a context of its own.
    private IDbContextFactory<AppDbContext>? pool;

    /// <summary>
    /// The context pool's constructor (ADR 0042): a context made here has no tenant, and reads nothing, until the request
    /// that rents it gives it the request's (<see cref="Rent"/>: the request's context, its read context, their siblings).
    /// The pool needs it to be the only public constructor taking arguments; every other context is made by <see cref="For"/>.
    /// </summary>
    public AppDbContext(DbContextOptions<AppDbContext> options)
        : base(options)
    {
    }

    private AppDbContext(DbContextOptions<AppDbContext> options, TenantContext tenant, Reference.SchoolReferenceCache? referenceCache)
        : base(options)
    {
        this.tenant = tenant;
        ReferenceCache = referenceCache;
    }

    /// <summary>A context of its own (not pooled) for this tenant: system work on the owner connection, tests.</summary>
    public static AppDbContext For(DbContextOptions<AppDbContext> options, TenantContext tenant, Reference.SchoolReferenceCache? referenceCache = null) =>
        new(options, tenant, referenceCache);

    /// <summary>
    /// Who is asking. A pooled context has the renting request's tenant from its rent to its disposal, and none in the
    /// pool: used without one, it throws rather than read as anyone.
    /// </summary>
    public TenantContext Tenant => tenant ?? throw new InvalidOperationException("This context has no tenant: a pooled AppDbContext is used only as a request's, which gives it that request's tenant (ADR 0042).");

    /// <summary>
    /// A context rented from a pool and given the renting request's tenant and the application's reference cache; its
    /// siblings come from <paramref name="siblings"/> (the request's context: a pool on connections of their own, ADR 0046),
    /// else from the same pool.
    /// </summary>
    internal static AppDbContext Rent(IDbContextFactory<AppDbContext> from, TenantContext requestTenant, Reference.SchoolReferenceCache cache, IDbContextFactory<AppDbContext>? siblings = null)
    {
        var db = from.CreateDbContext();
        db.tenant = requestTenant;
        db.ReferenceCache = cache;
        db.pool = siblings ?? from;
        return db;
    }

    /// <summary>Disposing returns a pooled context to the pool: its tenant is taken away first, so it goes back holding none.</summary>
    public override void Dispose()
    {
        (tenant, pool) = (null, null);
        base.Dispose();
    }

    /// <inheritdoc cref="Dispose"/>
    public override ValueTask DisposeAsync()
    {
        (tenant, pool) = (null, null);
        return base.DisposeAsync();
    }

    /// <summary>
    /// A second context for the same user and trust — the same tenancy, filters and reference cache — on its own
    /// connection, for reads run alongside this context's (a context runs one command at a time): for a request's context,
    /// from the siblings' pool on connections of their own (ADR 0046); for a read context, from its pool. Dispose it.
    /// </summary>
    public AppDbContext Sibling() => pool is not null ? Rent(pool, Tenant, ReferenceCache!)
        : new((DbContextOptions<AppDbContext>)Microsoft.EntityFrameworkCore.Infrastructure.AccessorExtensions.GetService<Microsoft.EntityFrameworkCore.Infrastructure.IDbContextOptions>(this), Tenant, ReferenceCache);

    /// <summary>The application's cache of each school's calendar and profile versions; none for system work.</summary>
    public Reference.SchoolReferenceCache? ReferenceCache { get; private set; }

    // The filters read these members of the context, which EF Core parameterises per query.
    public Guid CurrentTrustId => Tenant.TrustId;

    public bool IsSystemContext => Tenant.IsSystem;

    public bool SeesAllSchools => Tenant.AllSchools;

    public Guid[] VisibleSchoolIds => Tenant.SchoolIds;

    public DbSet<Trust> Trusts => Set<Trust>();

    public DbSet<School> Schools => Set<School>();

    public DbSet<LocalAuthority> LocalAuthorities => Set<LocalAuthority>();

    public DbSet<LocalAuthorityReturn> LocalAuthorityReturns => Set<LocalAuthorityReturn>();

    public DbSet<AlternativeProvider> AlternativeProviders => Set<AlternativeProvider>();

    public DbSet<ProviderCheck> ProviderChecks => Set<ProviderCheck>();

    public DbSet<Placement> Placements => Set<Placement>();

    public DbSet<CommissioningAgreement> CommissioningAgreements => Set<CommissioningAgreement>();

    public DbSet<PlacementVisit> PlacementVisits => Set<PlacementVisit>();

    public DbSet<ProviderReport> ProviderReports => Set<ProviderReport>();

    public DbSet<RegistrationGroup> RegistrationGroups => Set<RegistrationGroup>();

    public DbSet<Pupil> Pupils => Set<Pupil>();

    public DbSet<PupilContact> PupilContacts => Set<PupilContact>();

    public DbSet<Term> Terms => Set<Term>();

    public DbSet<ClosureDay> ClosureDays => Set<ClosureDay>();

    public DbSet<BankHoliday> BankHolidays => Set<BankHoliday>();

    public DbSet<PolicyProfileVersion> PolicyProfileVersions => Set<PolicyProfileVersion>();

    public DbSet<RoleAssignment> RoleAssignments => Set<RoleAssignment>();

    public DbSet<Invitation> Invitations => Set<Invitation>();

    public DbSet<SignInFailure> SignInFailures => Set<SignInFailure>();

    public DbSet<UserSession> UserSessions => Set<UserSession>();

    public DbSet<OutboxMessage> OutboxMessages => Set<OutboxMessage>();

    public DbSet<AuditEvent> AuditEvents => Set<AuditEvent>();

    public DbSet<Domain.Attendance.AttendanceMark> AttendanceMarks => Set<Domain.Attendance.AttendanceMark>();

    public DbSet<Domain.Attendance.MarkChange> MarkChanges => Set<Domain.Attendance.MarkChange>();

    public DbSet<Domain.Attendance.ExpectedMark> ExpectedMarks => Set<Domain.Attendance.ExpectedMark>();

    public DbSet<Attendance.AttendancePupilWeek> AttendancePupilWeeks => Set<Attendance.AttendancePupilWeek>();

    public DbSet<Attendance.AttendancePupilYear> AttendancePupilYears => Set<Attendance.AttendancePupilYear>();

    public DbSet<Attendance.AttendanceSchoolWeek> AttendanceSchoolWeeks => Set<Attendance.AttendanceSchoolWeek>();

    public DbSet<Attendance.AttendanceSchoolYear> AttendanceSchoolYears => Set<Attendance.AttendanceSchoolYear>();

    public DbSet<Attendance.RegisterSubmission> RegisterSubmissions => Set<Attendance.RegisterSubmission>();

    public DbSet<Domain.Attendance.AbsenceContact> AbsenceContacts => Set<Domain.Attendance.AbsenceContact>();

    public DbSet<Attendance.ImportBatch> ImportBatches => Set<Attendance.ImportBatch>();

    public DbSet<Domain.Arrangements.Arrangement> Arrangements => Set<Domain.Arrangements.Arrangement>();

    public DbSet<Domain.Arrangements.ArrangementEvent> ArrangementEvents => Set<Domain.Arrangements.ArrangementEvent>();

    public DbSet<Domain.Arrangements.CaseDocument> CaseDocuments => Set<Domain.Arrangements.CaseDocument>();

    public DbSet<Domain.Flexi.FlexiAgreement> FlexiAgreements => Set<Domain.Flexi.FlexiAgreement>();

    public DbSet<Domain.RiskAssessments.RiskAssessment> RiskAssessments => Set<Domain.RiskAssessments.RiskAssessment>();

    public DbSet<Domain.Arrangements.ArrangementReview> ArrangementReviews => Set<Domain.Arrangements.ArrangementReview>();

    public DbSet<Domain.Flexi.AgreementSignatureLink> AgreementSignatureLinks => Set<Domain.Flexi.AgreementSignatureLink>();

    public DbSet<Domain.PartTime.PartTimePlan> PartTimePlans => Set<Domain.PartTime.PartTimePlan>();

    public DbSet<Domain.Arrangements.ArrangementConsent> ArrangementConsents => Set<Domain.Arrangements.ArrangementConsent>();

    public DbSet<Domain.Arrangements.WelfareCheck> WelfareChecks => Set<Domain.Arrangements.WelfareCheck>();

    public DbSet<Domain.Privacy.SubjectAccessRequest> SubjectAccessRequests => Set<Domain.Privacy.SubjectAccessRequest>();

    public DbSet<Domain.Privacy.SubjectAccessBundle> SubjectAccessBundles => Set<Domain.Privacy.SubjectAccessBundle>();

    public DbSet<Domain.Privacy.RetentionSettings> RetentionSettings => Set<Domain.Privacy.RetentionSettings>();

    public DbSet<Domain.Privacy.LegalHold> LegalHolds => Set<Domain.Privacy.LegalHold>();

    public DbSet<Domain.Privacy.RetentionRun> RetentionRuns => Set<Domain.Privacy.RetentionRun>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.ApplyConfigurationsFromAssembly(typeof(AppDbContext).Assembly);
        SnakeCaseNames.Apply(builder);
        TrustLedKeys.Apply(builder);
        ApplyTenantFilters(builder);
    }

    /// <summary>Every entity type that carries a trust: the list the tenancy tests walk.</summary>
    public static IEnumerable<Type> TenantOwnedTypes(Microsoft.EntityFrameworkCore.Metadata.IModel model) =>
        model.GetEntityTypes().Select(t => t.ClrType).Where(t => typeof(ITrustOwned).IsAssignableFrom(t) || t == typeof(AppUser) || t == typeof(Trust));

    private void ApplyTenantFilters(ModelBuilder builder)
    {
        foreach (var entityType in builder.Model.GetEntityTypes().Where(t => t.ClrType is not null && !t.IsOwned()))
        {
            var clr = entityType.ClrType;
            var e = Expression.Parameter(clr, "e");
            var context = Expression.Constant(this);
            Expression isSystem = Expression.Property(context, nameof(IsSystemContext));

            Expression? trustId = clr == typeof(Trust) ? Expression.Property(e, nameof(Trust.Id))
                : typeof(ITrustOwned).IsAssignableFrom(clr) || clr == typeof(AppUser) ? Expression.Property(e, nameof(ITrustOwned.TrustId))
                : null;
            if (trustId is null)
            {
                continue;
            }

            var tenant = Expression.OrElse(isSystem, Expression.Equal(trustId, Expression.Property(context, nameof(CurrentTrustId))));
            builder.Entity(clr).HasQueryFilter(TenantFilter, Expression.Lambda(tenant, e));

            if (typeof(ISchoolOwned).IsAssignableFrom(clr))
            {
                Expression schoolId = clr == typeof(School) ? Expression.Property(e, nameof(School.Id)) : Expression.Property(e, nameof(ISchoolOwned.SchoolId));
                var contains = Expression.Call(
                    typeof(Enumerable), nameof(Enumerable.Contains), [typeof(Guid)],
                    Expression.Property(context, nameof(VisibleSchoolIds)), schoolId);
                var scope = Expression.OrElse(isSystem, Expression.OrElse(Expression.Property(context, nameof(SeesAllSchools)), contains));
                builder.Entity(clr).HasQueryFilter(SchoolScopeFilter, Expression.Lambda(scope, e));
            }
        }
    }
}
