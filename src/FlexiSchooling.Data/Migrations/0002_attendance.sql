-- 0002 Attendance: marks (with their change history), expected marks, weekly summaries, register
-- submissions, and the form tutor of a registration group. Written by hand (docs/adr/0003);
-- SchemaTests.Migrated_schema_equals_the_model holds it to the model.

ALTER TABLE registration_groups ADD tutor_user_id uuid;
ALTER TABLE registration_groups ADD CONSTRAINT "FK_registration_groups_users_tutor_user_id"
    FOREIGN KEY (tutor_user_id) REFERENCES users (id) ON DELETE SET NULL;
CREATE INDEX "IX_registration_groups_tutor_user_id" ON registration_groups (tutor_user_id);

CREATE TABLE attendance_pupil_weeks (
    school_id uuid NOT NULL,
    pupil_id uuid NOT NULL,
    week_start date NOT NULL,
    trust_id uuid NOT NULL,
    possible integer NOT NULL,
    present integer NOT NULL,
    approved_activity integer NOT NULL,
    authorised integer NOT NULL,
    unauthorised integer NOT NULL,
    expected_possible integer NOT NULL,
    expected_attended integer NOT NULL,
    CONSTRAINT "PK_attendance_pupil_weeks" PRIMARY KEY (pupil_id, school_id, week_start)
);

CREATE TABLE register_submissions (
    id uuid NOT NULL,
    trust_id uuid NOT NULL,
    school_id uuid NOT NULL,
    group_id uuid NOT NULL,
    date date NOT NULL,
    session character varying(2) NOT NULL,
    submitted_by uuid,
    submitted_at timestamp with time zone NOT NULL,
    CONSTRAINT "PK_register_submissions" PRIMARY KEY (id),
    CONSTRAINT "FK_register_submissions_registration_groups_group_id" FOREIGN KEY (group_id) REFERENCES registration_groups (id) ON DELETE RESTRICT
);

CREATE TABLE attendance_marks (
    id uuid NOT NULL,
    trust_id uuid NOT NULL,
    school_id uuid NOT NULL,
    pupil_id uuid NOT NULL,
    date date NOT NULL,
    session character varying(2) NOT NULL,
    code character varying(3) NOT NULL,
    category character varying(30) NOT NULL,
    minutes_late integer,
    comment character varying(200),
    expected_in_school boolean NOT NULL,
    expected_mark_id uuid,
    recorded_at timestamp with time zone NOT NULL,
    recorded_by uuid,
    CONSTRAINT "PK_attendance_marks" PRIMARY KEY (id),
    CONSTRAINT "FK_attendance_marks_pupils_pupil_id" FOREIGN KEY (pupil_id) REFERENCES pupils (id) ON DELETE RESTRICT,
    CONSTRAINT "FK_attendance_marks_schools_school_id" FOREIGN KEY (school_id) REFERENCES schools (id) ON DELETE RESTRICT
);

CREATE TABLE expected_marks (
    id uuid NOT NULL,
    trust_id uuid NOT NULL,
    school_id uuid NOT NULL,
    pupil_id uuid NOT NULL,
    "from" date NOT NULL,
    "to" date NOT NULL,
    sessions integer NOT NULL,
    weekdays integer NOT NULL,
    code character varying(3) NOT NULL,
    expected_in_school boolean NOT NULL,
    source character varying(100) NOT NULL,
    note character varying(500),
    withdrawn_at timestamp with time zone,
    CONSTRAINT "PK_expected_marks" PRIMARY KEY (id),
    CONSTRAINT "FK_expected_marks_pupils_pupil_id" FOREIGN KEY (pupil_id) REFERENCES pupils (id) ON DELETE RESTRICT
);

CREATE TABLE attendance_mark_changes (
    id uuid NOT NULL,
    trust_id uuid NOT NULL,
    school_id uuid NOT NULL,
    mark_id uuid NOT NULL,
    pupil_id uuid NOT NULL,
    date date NOT NULL,
    session character varying(2) NOT NULL,
    old_code character varying(3),
    new_code character varying(3) NOT NULL,
    old_minutes_late integer,
    new_minutes_late integer,
    reason character varying(500),
    changed_by uuid,
    changed_at timestamp with time zone NOT NULL,
    CONSTRAINT "PK_attendance_mark_changes" PRIMARY KEY (id),
    CONSTRAINT "FK_attendance_mark_changes_attendance_marks_mark_id" FOREIGN KEY (mark_id) REFERENCES attendance_marks (id) ON DELETE RESTRICT
);

CREATE INDEX "IX_attendance_mark_changes_mark_id" ON attendance_mark_changes (mark_id);
CREATE INDEX "IX_attendance_mark_changes_pupil_id_date" ON attendance_mark_changes (pupil_id, date);
CREATE INDEX "IX_attendance_mark_changes_trust_id" ON attendance_mark_changes (trust_id);
CREATE UNIQUE INDEX "IX_attendance_marks_pupil_id_date_session" ON attendance_marks (pupil_id, date, session);
CREATE INDEX "IX_attendance_marks_school_id_date" ON attendance_marks (school_id, date);
CREATE INDEX "IX_attendance_marks_trust_id" ON attendance_marks (trust_id);
CREATE INDEX "IX_attendance_pupil_weeks_school_id_week_start" ON attendance_pupil_weeks (school_id, week_start);
CREATE INDEX "IX_attendance_pupil_weeks_trust_id_week_start" ON attendance_pupil_weeks (trust_id, week_start);
CREATE INDEX "IX_expected_marks_pupil_id_from" ON expected_marks (pupil_id, "from");
CREATE INDEX "IX_expected_marks_trust_id" ON expected_marks (trust_id);
CREATE INDEX "IX_register_submissions_group_id_date_session" ON register_submissions (group_id, date, session);
CREATE INDEX "IX_register_submissions_trust_id" ON register_submissions (trust_id);

-- Tenancy: the same row-level security as every tenant table (ADR 0004).
DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['attendance_marks', 'attendance_mark_changes', 'expected_marks', 'attendance_pupil_weeks', 'register_submissions']
    LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (trust_id = app_current_trust()) WITH CHECK (trust_id = app_current_trust())', t);
    END LOOP;
END $$;

GRANT SELECT, INSERT, UPDATE, DELETE ON attendance_marks, expected_marks, attendance_pupil_weeks, register_submissions TO flexi_app;

-- A mark's history is kept for at least six years (School Attendance (Pupil Registration) (England)
-- Regulations 2024) and never rewritten: the app may add to it and read it, nothing else.
GRANT SELECT, INSERT ON attendance_mark_changes TO flexi_app;
CREATE TRIGGER attendance_mark_changes_no_update BEFORE UPDATE OR DELETE ON attendance_mark_changes
    FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
-- Marks are corrected, never deleted.
REVOKE DELETE ON attendance_marks FROM flexi_app;
