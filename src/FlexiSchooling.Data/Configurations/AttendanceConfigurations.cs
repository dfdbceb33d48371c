using FlexiSchooling.Data.Attendance;
using FlexiSchooling.Data.Identity;
using FlexiSchooling.Domain.Attendance;
using FlexiSchooling.Domain.Pupils;
using FlexiSchooling.Domain.Trusts;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace FlexiSchooling.Data.Configurations;

internal sealed class AttendanceMarkConfiguration : IEntityTypeConfiguration<AttendanceMark>
{
    public void Configure(EntityTypeBuilder<AttendanceMark> b)
    {
        b.ToTable("attendance_marks");
        b.Property(x => x.Session).HasConversion<string>().HasMaxLength(2);
        b.Property(x => x.Code).HasMaxLength(3);
        b.Property(x => x.Category).HasConversion<string>().HasMaxLength(30);
        b.Property(x => x.Comment).HasMaxLength(200);
        b.Property(x => x.SubReason).HasMaxLength(AttendanceSubReasons.MaxLength);
        b.Property(x => x.FirstEntryReason).HasMaxLength(500);
        b.Property(x => x.Version).IsRowVersion();
        b.HasOne<Pupil>().WithMany().HasForeignKey(x => x.PupilId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<School>().WithMany().HasForeignKey(x => x.SchoolId).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(x => new { x.PupilId, x.Date, x.Session }).IsUnique();
        b.HasIndex(x => new { x.SchoolId, x.Date });
        // The follow-up list's read of a window's absences and N marks (migration 0041): partial, named, and led by
        // trust_id here already, as TrustLedKeys would lead it.
        b.HasIndex(x => new { x.TrustId, x.SchoolId, x.Date }, "IX_attendance_marks_absences").HasFilter(AbsenceDays.IndexPredicate);
        // No index on trust_id: within a trust it selects everything; every read names pupils or a school (ADR 0012).
    }
}

internal sealed class MarkChangeConfiguration : IEntityTypeConfiguration<MarkChange>
{
    public void Configure(EntityTypeBuilder<MarkChange> b)
    {
        b.ToTable("attendance_mark_changes");
        b.Property(x => x.Id).ValueGeneratedNever();
        b.Property(x => x.Session).HasConversion<string>().HasMaxLength(2);
        b.Property(x => x.OldCode).HasMaxLength(3);
        b.Property(x => x.NewCode).HasMaxLength(3);
        b.Property(x => x.SubReason).HasMaxLength(AttendanceSubReasons.MaxLength);
        b.Property(x => x.Reason).HasMaxLength(500);
        // No foreign key to the mark and no index on mark_id or trust_id: history is read by pupil, written
        // only beside its mark in the same transaction, and marks cannot be deleted (a trigger refuses it),
        // so each would only slow the writing of every register and import (ADR 0012).
        b.HasIndex(x => new { x.PupilId, x.Date });
    }
}

internal sealed class ExpectedMarkConfiguration : IEntityTypeConfiguration<ExpectedMark>
{
    public void Configure(EntityTypeBuilder<ExpectedMark> b)
    {
        b.ToTable("expected_marks");
        b.Property(x => x.Sessions).HasConversion<int>();
        b.Property(x => x.Code).HasMaxLength(3);
        b.Property(x => x.Source).HasMaxLength(100);
        b.Property(x => x.Note).HasMaxLength(500);
        b.HasOne<Pupil>().WithMany().HasForeignKey(x => x.PupilId).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(x => new { x.PupilId, x.From });
        b.HasIndex(x => x.TrustId);
    }
}

internal sealed class AttendancePupilWeekConfiguration : IEntityTypeConfiguration<AttendancePupilWeek>
{
    public void Configure(EntityTypeBuilder<AttendancePupilWeek> b)
    {
        b.ToTable("attendance_pupil_weeks");
        b.HasKey(x => new { x.PupilId, x.SchoolId, x.WeekStart });
        b.Ignore(x => x.Figures);
        b.HasIndex(x => new { x.SchoolId, x.WeekStart });
        b.HasIndex(x => new { x.TrustId, x.WeekStart });
    }
}

internal sealed class AttendanceSchoolWeekConfiguration : IEntityTypeConfiguration<AttendanceSchoolWeek>
{
    public void Configure(EntityTypeBuilder<AttendanceSchoolWeek> b)
    {
        b.ToTable("attendance_school_weeks");
        b.HasKey(x => new { x.SchoolId, x.WeekStart });
    }
}

internal sealed class AttendanceSchoolYearConfiguration : IEntityTypeConfiguration<AttendanceSchoolYear>
{
    public void Configure(EntityTypeBuilder<AttendanceSchoolYear> b)
    {
        b.ToTable("attendance_school_years");
        b.HasKey(x => new { x.SchoolId, x.YearStart });
    }
}

internal sealed class AttendancePupilYearConfiguration : IEntityTypeConfiguration<AttendancePupilYear>
{
    public void Configure(EntityTypeBuilder<AttendancePupilYear> b)
    {
        b.ToTable("attendance_pupil_years");
        b.HasKey(x => new { x.PupilId, x.SchoolId, x.YearStart });
        b.Ignore(x => x.Figures);
        b.HasIndex(x => new { x.SchoolId, x.YearStart });
        b.HasIndex(x => new { x.TrustId, x.YearStart });
    }
}

internal sealed class RegisterSubmissionConfiguration : IEntityTypeConfiguration<RegisterSubmission>
{
    public void Configure(EntityTypeBuilder<RegisterSubmission> b)
    {
        b.ToTable("register_submissions");
        b.Property(x => x.Id).ValueGeneratedNever();
        b.Property(x => x.Session).HasConversion<string>().HasMaxLength(2);
        b.HasOne<RegistrationGroup>().WithMany().HasForeignKey(x => x.GroupId).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(x => new { x.GroupId, x.Date, x.Session });
        b.HasIndex(x => x.TrustId);
    }
}

internal sealed class AbsenceContactConfiguration : IEntityTypeConfiguration<AbsenceContact>
{
    public void Configure(EntityTypeBuilder<AbsenceContact> b)
    {
        b.ToTable("absence_contacts");
        b.Property(x => x.Id).ValueGeneratedNever();
        b.Property(x => x.Method).HasConversion<string>().HasMaxLength(30);
        b.Property(x => x.Outcome).HasMaxLength(500);
        b.HasOne<Pupil>().WithMany().HasForeignKey(x => x.PupilId).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(x => new { x.PupilId, x.OnDate });
        b.HasIndex(x => x.TrustId);
    }
}

internal sealed class ImportBatchConfiguration : IEntityTypeConfiguration<ImportBatch>
{
    public void Configure(EntityTypeBuilder<ImportBatch> b)
    {
        b.ToTable("import_batches");
        b.Property(x => x.Id).ValueGeneratedNever();
        b.Property(x => x.Kind).HasConversion<string>().HasMaxLength(20);
        b.Property(x => x.FileName).HasMaxLength(200);
        b.Property(x => x.Sha256).HasMaxLength(64);
        b.Property(x => x.Outcome).HasMaxLength(500);
        b.Property(x => x.Version).IsRowVersion();
        b.HasOne<School>().WithMany().HasForeignKey(x => x.SchoolId).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(x => new { x.SchoolId, x.CreatedAt });
        b.HasIndex(x => x.TrustId);
    }
}
