using System.Text.Json;
using FlexiSchooling.Domain.Policy;
using FlexiSchooling.Domain.Trusts;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace FlexiSchooling.Data.Configurations;

internal sealed class PolicyProfileVersionConfiguration : IEntityTypeConfiguration<PolicyProfileVersion>
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public void Configure(EntityTypeBuilder<PolicyProfileVersion> b)
    {
        b.ToTable("policy_profile_versions");
        b.Property(x => x.TemplateKey).HasMaxLength(60);
        b.Property(x => x.SourcePolicy).HasMaxLength(200);
        b.Property(x => x.ApprovedBy).HasMaxLength(200);
        b.Property(x => x.ChangeSummary).HasMaxLength(1000);

        // A version is immutable, so the typed settings are stored whole as jsonb and compared by content.
        b.Property(x => x.Settings)
            .HasColumnType("jsonb")
            .HasConversion(
                v => JsonSerializer.Serialize(v, Json),
                v => JsonSerializer.Deserialize<PolicyProfileSettings>(v, Json)!,
                new ValueComparer<PolicyProfileSettings>(
                    (a, c) => JsonSerializer.Serialize(a, Json) == JsonSerializer.Serialize(c, Json),
                    v => JsonSerializer.Serialize(v, Json).GetHashCode(StringComparison.Ordinal),
                    v => v));
        b.HasOne<Trust>().WithMany().HasForeignKey(x => x.TrustId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<School>().WithMany().HasForeignKey(x => x.SchoolId).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(x => new { x.TrustId, x.SchoolId, x.Number }).IsUnique().AreNullsDistinct(false);
    }
}
