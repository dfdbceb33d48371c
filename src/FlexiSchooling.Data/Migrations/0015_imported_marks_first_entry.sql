-- 0015 A mark an import creates keeps its first history entry on itself until it first changes
-- (docs/adr/0017-imported-marks-keep-their-first-entry.md): the import batch keeps the file, who imported it
-- and when, so a history row per imported mark repeated it and doubled an import's writes. While the column
-- holds the entry's reason the mark's own fields are that entry; the first change writes it out as a history
-- row before the change. Written by hand (docs/adr/0003).

ALTER TABLE attendance_marks ADD first_entry_reason character varying(500);
