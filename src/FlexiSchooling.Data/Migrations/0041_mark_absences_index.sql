-- 0041 The follow-up list reads a window's absences and N marks through an index of those alone (docs/performance.md,
-- forty-seventh session). It read every mark of its ten school weeks (about 70,000 rows for a school of 830 pupils) to
-- find the one row in six that is an absence or an N; the index on (trust_id, school_id, date) gave it every row, and
-- the heap visits were the read's time: 86-130 ms of PostgreSQL's at the benchmark's full scale (the home page 210 ms),
-- 6-36 ms through this index. Partial, so a present mark (most of them) costs nothing more to write; 13 MB beside the 114 MB of the index on
-- (trust_id, school_id, date) for 11 million marks, as B-tree deduplication keeps both small.
-- The predicate is the model's (AbsenceDays.IndexPredicate: the categories of an absence, and N); the follow-up list's
-- filter is built from the same definition with constants, so PostgreSQL can prove it implies this predicate. SchemaTests
-- holds the model and this equal, and FollowUpTests.The_list_reads_a_windows_absences_through_the_index_of_absences_alone
-- holds the list's read to this index.
-- IF NOT EXISTS: built here in the migration's transaction (2.4 s for 11 million marks, writes to the table waiting);
-- a database far larger can have it built beforehand, without stopping writes, by CREATE INDEX CONCURRENTLY with the
-- same name and definition (docs/operations.md).
CREATE INDEX IF NOT EXISTS "IX_attendance_marks_absences" ON attendance_marks USING btree (trust_id, school_id, date)
    WHERE category IN ('Authorised', 'Unauthorised') OR code = 'N';
