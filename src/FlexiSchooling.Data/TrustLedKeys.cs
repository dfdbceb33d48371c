using FlexiSchooling.Data.Audit;
using FlexiSchooling.Data.Identity;
using FlexiSchooling.Data.Outbox;
using FlexiSchooling.Domain.Trusts;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace FlexiSchooling.Data;

/// <summary>
/// Every key of a trust's table led by <c>trust_id</c> (ADR 0032, docs/scaling.md): primary keys
/// <c>(trust_id, id)</c>, unique indexes <c>(trust_id, …)</c>, foreign keys <c>(trust_id, x_id)</c> to the parent's
/// <c>(trust_id, id)</c>. The database itself then refuses a row that points at another trust's row, and the schema
/// distributes by <c>trust_id</c> (Citus requires the distribution column in every primary key, unique constraint and
/// foreign key of a distributed table). Applied to the model once, by rule, so a new table is covered without anyone
/// remembering; migration 0038 made the hand-written schema match, and <c>SchemaTests</c> holds the two equal.
/// </summary>
internal static class TrustLedKeys
{
    /// <summary>
    /// Tables every trust shares, or looked up before any trust is known (a sign-in by e-mail, an invitation's link):
    /// reference tables on Citus, keyed as they are. The audit trail has rows of no trust (a security event, such as a
    /// failed sign-in, for an address no trust holds), so it is not distributed either.
    /// </summary>
    private static readonly HashSet<Type> NotDistributed = [typeof(Trust), typeof(AppUser), typeof(UserSession), typeof(Invitation), typeof(AuditEvent)];

    /// <summary>
    /// Indexes a background job reads across every trust (the unsent e-mails, the exports waiting), or a link's
    /// token read before its trust is known: kept led by the column they are looked up by (a unique one ends with
    /// <c>trust_id</c>, as Citus requires).
    /// </summary>
    private static readonly (Type Type, string Property)[] GlobalLookups =
    [
        (typeof(OutboxMessage), nameof(OutboxMessage.SentAt)),
        (typeof(Domain.Privacy.SubjectAccessRequest), nameof(Domain.Privacy.SubjectAccessRequest.ExportStatus)),
        (typeof(Domain.Flexi.AgreementSignatureLink), nameof(Domain.Flexi.AgreementSignatureLink.TokenHash)),
    ];

    private const string TrustId = "TrustId";

    public static bool IsDistributed(IReadOnlyEntityType type) =>
        !NotDistributed.Contains(type.ClrType) && type.FindProperty(TrustId) is { IsNullable: false };

    public static void Apply(ModelBuilder builder)
    {
        var distributed = builder.Model.GetEntityTypes().Where(IsDistributed).ToList();

        // Primary keys first. The old key stays, as an alternate key, while the foreign keys that point at it are moved
        // to the new one below; then it goes.
        var oldKeys = new List<IMutableKey>();
        foreach (var type in distributed)
        {
            var key = type.FindPrimaryKey()!;
            if (key.Properties[0].Name == TrustId)
            {
                continue;
            }

            var id = key.Properties;
            var generated = id.Select(p => p.ValueGenerated).ToList();
            type.SetPrimaryKey([type.FindProperty(TrustId)!, .. id]);
            oldKeys.Add(type.FindKey(id)!);
            for (var i = 0; i < id.Count; i++)
            {
                // As before: a Guid the convention generated when the key was the id alone is still generated when unset.
                id[i].ValueGenerated = generated[i];
            }
        }

        foreach (var type in distributed)
        {
            var trust = type.FindProperty(TrustId)!;
            foreach (var fk in type.GetForeignKeys().ToList())
            {
                var principal = fk.PrincipalEntityType;
                if (!IsDistributed(principal) || fk.Properties[0] == trust)
                {
                    continue;
                }

                var name = fk.GetConstraintName(); // kept: it names the relationship, and the new one's would be cut at 63
                fk.SetProperties([trust, .. fk.Properties], principal.FindPrimaryKey()!);
                fk.SetConstraintName(name);
            }

            foreach (var index in type.GetIndexes().ToList())
            {
                var global = GlobalLookups.Any(g => g.Type == type.ClrType && index.Properties[0].Name == g.Property);
                if (index.Properties[0] == trust || (global && !index.IsUnique))
                {
                    if (index.Properties.Count == 1 && index.Properties[0] == trust)
                    {
                        type.RemoveIndex(index); // the primary key (trust_id, id) serves every read by trust
                    }

                    continue;
                }

                var name = index.GetDatabaseName() == index.GetDefaultDatabaseName() ? null : index.GetDatabaseName();
                IReadOnlyList<IMutableProperty> properties = global ? [.. index.Properties, trust] : [trust, .. index.Properties];
                var unique = index.IsUnique;
                var nullsDistinct = index.GetAreNullsDistinct();
                type.RemoveIndex(index);
                var replaced = type.FindIndex(properties) ?? type.AddIndex(properties); // a moved foreign key's own index
                replaced.IsUnique = unique;
                if (nullsDistinct is { } distinct)
                {
                    replaced.SetAreNullsDistinct(distinct);
                }

                if (name is not null)
                {
                    replaced.SetDatabaseName(name);
                }
            }
        }

        foreach (var old in oldKeys.Where(k => !k.GetReferencingForeignKeys().Any()))
        {
            old.DeclaringEntityType.RemoveKey(old);
        }
    }
}
