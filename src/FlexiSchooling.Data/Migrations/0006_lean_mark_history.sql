-- 0006 Leaner writes for marks and their history (docs/adr/0012-lean-attendance-writes.md).
-- Every register and import writes a mark and a history row per pupil: what each of these cost on
-- every write bought nothing on any read. History is read by pupil (pupil_id, date); marks by pupil or
-- school. Written by hand (docs/adr/0003).

-- History rows are written only beside their mark, in the same transaction. The foreign key protected
-- against deleting a mark with history; a trigger now refuses deleting any mark at all, for everyone.
ALTER TABLE attendance_mark_changes DROP CONSTRAINT "FK_attendance_mark_changes_attendance_marks_mark_id";
DROP INDEX "IX_attendance_mark_changes_mark_id";

-- Within a trust an index on trust_id selects every row: row-level security never needs it.
DROP INDEX "IX_attendance_mark_changes_trust_id";
DROP INDEX "IX_attendance_marks_trust_id";

-- Marks are corrected, never deleted (School Attendance (Pupil Registration) (England) Regulations 2024):
-- not by the application (no DELETE grant since 0002) and now not by the owner either.
CREATE FUNCTION attendance_marks_never_deleted() RETURNS trigger
    LANGUAGE plpgsql
    AS $$ BEGIN RAISE EXCEPTION 'attendance marks are corrected, never deleted'; END $$;
CREATE TRIGGER attendance_marks_no_delete BEFORE DELETE ON attendance_marks
    FOR EACH ROW EXECUTE FUNCTION attendance_marks_never_deleted();
CREATE TRIGGER attendance_marks_no_truncate BEFORE TRUNCATE ON attendance_marks
    FOR EACH STATEMENT EXECUTE FUNCTION attendance_marks_never_deleted();
