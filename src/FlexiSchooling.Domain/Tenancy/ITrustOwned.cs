namespace FlexiSchooling.Domain.Tenancy;

/// <summary>
/// A row that belongs to one trust (the tenant). Every type that implements this gets the
/// tenant query filter, the save interceptor's checks and PostgreSQL row-level security; a
/// reflection test enumerates them, so a new type is covered without anyone remembering.
/// </summary>
public interface ITrustOwned
{
    Guid TrustId { get; }
}

/// <summary>A row that also belongs to one school of the trust: scoped to the schools a user may see.</summary>
public interface ISchoolOwned : ITrustOwned
{
    Guid SchoolId { get; }
}

/// <summary>Set once by the persistence layer when a new row is stamped with the current trust.</summary>
public interface ITrustStampable : ITrustOwned
{
    void StampTrust(Guid trustId);
}
