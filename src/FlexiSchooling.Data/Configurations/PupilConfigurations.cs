using FlexiSchooling.Domain.Pupils;
using FlexiSchooling.Domain.Trusts;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace FlexiSchooling.Data.Configurations;

internal sealed class RegistrationGroupConfiguration : IEntityTypeConfiguration<RegistrationGroup>
{
    public void Configure(EntityTypeBuilder<RegistrationGroup> b)
    {
        b.ToTable("registration_groups");
        b.Property(x => x.Name).HasMaxLength(50);
        b.HasOne<School>().WithMany().HasForeignKey(x => x.SchoolId).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(x => new { x.SchoolId, x.Name }).IsUnique();
        b.HasIndex(x => x.TrustId);
        b.HasOne<Identity.AppUser>().WithMany().HasForeignKey(x => x.TutorUserId).OnDelete(DeleteBehavior.SetNull);
    }
}

internal sealed class PupilConfiguration : IEntityTypeConfiguration<Pupil>
{
    public void Configure(EntityTypeBuilder<Pupil> b)
    {
        b.ToTable("pupils");
        b.Property(x => x.Upn).HasMaxLength(13).IsFixedLength();
        b.Property(x => x.LegalForename).HasMaxLength(100);
        b.Property(x => x.LegalSurname).HasMaxLength(100);
        b.Property(x => x.PreferredForename).HasMaxLength(100);
        b.Property(x => x.PreferredSurname).HasMaxLength(100);
        b.Property(x => x.Version).IsRowVersion();
        b.ComplexProperty(x => x.Flags, f =>
        {
            f.Property(x => x.Ehcp).HasColumnName("ehcp");
            f.Property(x => x.LookedAfter).HasColumnName("looked_after");
            f.Property(x => x.HasSocialWorker).HasColumnName("has_social_worker");
            f.Property(x => x.ChildProtectionPlan).HasColumnName("child_protection_plan");
            f.Property(x => x.ChildInNeedPlan).HasColumnName("child_in_need_plan");
            f.Property(x => x.SenSupport).HasColumnName("sen_support");
            f.Property(x => x.FreeSchoolMeals).HasColumnName("free_school_meals");
            f.Property(x => x.PupilPremium).HasColumnName("pupil_premium");
        });
        b.Ignore(x => x.DisplayName);
        b.Ignore(x => x.LegalName);
        b.Ignore(x => x.KeyStage);
        b.HasOne<School>().WithMany().HasForeignKey(x => x.SchoolId).OnDelete(DeleteBehavior.Restrict);
        // Restrict, not SET NULL: the key is (trust_id, registration_group_id) (ADR 0032), and SET NULL would empty the
        // trust too. No group is deleted while pupils are in it; nothing in the product deletes a group.
        b.HasOne<RegistrationGroup>().WithMany().HasForeignKey(x => x.RegistrationGroupId).OnDelete(DeleteBehavior.Restrict);
        b.HasMany(x => x.Contacts).WithOne().HasForeignKey(x => x.PupilId).OnDelete(DeleteBehavior.Cascade);
        b.Navigation(x => x.Contacts).HasField("_contacts").UsePropertyAccessMode(PropertyAccessMode.Field);

        // A UPN is unique within a trust's roll; search is by surname within a school.
        b.HasIndex(x => new { x.TrustId, x.Upn }).IsUnique();
        b.HasIndex(x => new { x.SchoolId, x.LegalSurname });
    }
}

internal sealed class PupilContactConfiguration : IEntityTypeConfiguration<PupilContact>
{
    public void Configure(EntityTypeBuilder<PupilContact> b)
    {
        b.ToTable("pupil_contacts");
        b.Property(x => x.Name).HasMaxLength(200);
        b.Property(x => x.Relationship).HasMaxLength(50);
        b.Property(x => x.Email).HasMaxLength(200);
        b.Property(x => x.Telephone).HasMaxLength(30);
        b.HasIndex(x => x.TrustId);
        b.HasIndex(x => x.SchoolId);
    }
}
