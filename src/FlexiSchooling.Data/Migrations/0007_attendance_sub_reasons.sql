-- 0007 A school's own reasons behind register codes (issue 3: "sub-reasons ... are a school setting,
-- never new codes"), and the reason recorded with a mark and in its history. Written by hand (docs/adr/0003).
ALTER TABLE schools ADD attendance_sub_reasons character varying(8000) NOT NULL DEFAULT '';
ALTER TABLE attendance_marks ADD sub_reason character varying(100);
ALTER TABLE attendance_mark_changes ADD sub_reason character varying(100);
