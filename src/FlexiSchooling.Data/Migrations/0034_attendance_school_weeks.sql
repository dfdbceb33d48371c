-- 0034 Each school's attendance for a closed week, summed over its pupils' weekly rows (ADR 0026): the trust dashboard's
-- and the governors' report's trend read one row per school and week. Filled when first read after the week has closed;
-- removed, under an advisory lock on the school and week, in the same transaction as any change to that week's marks.
-- Written by hand (docs/adr/0003, 0023).

CREATE TABLE attendance_school_weeks (
    trust_id uuid NOT NULL,
    school_id uuid NOT NULL,
    week_start date NOT NULL,
    possible integer NOT NULL,
    attending integer NOT NULL,
    CONSTRAINT "PK_attendance_school_weeks" PRIMARY KEY (school_id, week_start)
);

ALTER TABLE attendance_school_weeks ENABLE ROW LEVEL SECURITY;
ALTER TABLE attendance_school_weeks FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON attendance_school_weeks USING (trust_id = (SELECT app_current_trust())) WITH CHECK (trust_id = (SELECT app_current_trust()));
GRANT SELECT, INSERT, DELETE ON attendance_school_weeks TO flexi_app;
