-- 0005 Yearly attendance summaries: one row per pupil per school per academic year, summed from the
-- weekly rows in the same transaction as the marks, so the trust view reads 30,000 rows rather than
-- 30,000 x 40 (docs/performance.md). Weekly rows are now keyed so that none straddles two academic
-- years (a week starting before 1 September is split at it), so both are rebuilt here from the
-- marks. Written by hand (docs/adr/0003).

CREATE TABLE attendance_pupil_years (
    school_id uuid NOT NULL,
    pupil_id uuid NOT NULL,
    year_start date NOT NULL,
    trust_id uuid NOT NULL,
    possible integer NOT NULL,
    present integer NOT NULL,
    approved_activity integer NOT NULL,
    authorised integer NOT NULL,
    unauthorised integer NOT NULL,
    expected_possible integer NOT NULL,
    expected_attended integer NOT NULL,
    CONSTRAINT "PK_attendance_pupil_years" PRIMARY KEY (pupil_id, school_id, year_start)
);
CREATE INDEX "IX_attendance_pupil_years_school_id_year_start" ON attendance_pupil_years (school_id, year_start);
CREATE INDEX "IX_attendance_pupil_years_trust_id_year_start" ON attendance_pupil_years (trust_id, year_start);

ALTER TABLE attendance_pupil_years ENABLE ROW LEVEL SECURITY;
ALTER TABLE attendance_pupil_years FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON attendance_pupil_years USING (trust_id = app_current_trust()) WITH CHECK (trust_id = app_current_trust());
GRANT SELECT, INSERT, UPDATE, DELETE ON attendance_pupil_years TO flexi_app;

-- Rebuild both from the marks under the new week key (the same SQL as AttendanceSummaries.RebuildAllAsync).
DELETE FROM attendance_pupil_weeks;
INSERT INTO attendance_pupil_weeks (trust_id, school_id, pupil_id, week_start, possible, present, approved_activity, authorised, unauthorised, expected_possible, expected_attended)
SELECT m.trust_id, m.school_id, m.pupil_id,
       GREATEST(m.date - (extract(isodow FROM m.date)::int - 1),
                make_date(extract(year FROM m.date)::int - CASE WHEN extract(month FROM m.date) >= 9 THEN 0 ELSE 1 END, 9, 1)),
       count(*) FILTER (WHERE m.category IN ('Present', 'ApprovedEducationalActivity', 'Authorised', 'Unauthorised')),
       count(*) FILTER (WHERE m.category = 'Present'),
       count(*) FILTER (WHERE m.category = 'ApprovedEducationalActivity'),
       count(*) FILTER (WHERE m.category = 'Authorised'),
       count(*) FILTER (WHERE m.category = 'Unauthorised'),
       count(*) FILTER (WHERE m.expected_in_school AND m.category IN ('Present', 'ApprovedEducationalActivity', 'Authorised', 'Unauthorised')),
       count(*) FILTER (WHERE m.expected_in_school AND m.category IN ('Present', 'ApprovedEducationalActivity'))
  FROM attendance_marks m
 GROUP BY 1, 2, 3, 4;
INSERT INTO attendance_pupil_years (trust_id, school_id, pupil_id, year_start, possible, present, approved_activity, authorised, unauthorised, expected_possible, expected_attended)
SELECT w.trust_id, w.school_id, w.pupil_id,
       make_date(extract(year FROM w.week_start)::int - CASE WHEN extract(month FROM w.week_start) >= 9 THEN 0 ELSE 1 END, 9, 1),
       sum(w.possible), sum(w.present), sum(w.approved_activity), sum(w.authorised), sum(w.unauthorised), sum(w.expected_possible), sum(w.expected_attended)
  FROM attendance_pupil_weeks w
 GROUP BY 1, 2, 3, 4;
