-- 0023 Retention (issue 14): the trust's schedule, legal holds and the record of each run; and the append-only tables
-- open to deletion by a retention run for rows past the statutory floor only — registers 6 years after the entry,
-- case records 25 years after the pupil's birth, audit rows after a year — so everything not yet due keeps its
-- guarantee whoever connects. A run sets app.retention = 'on' in its own transaction. Written by hand (docs/adr/0003).

CREATE TABLE retention_settings (
    trust_id uuid NOT NULL,
    attendance_years integer NOT NULL,
    case_file_years integer NOT NULL,
    send_case_file_years integer NOT NULL,
    audit_years integer NOT NULL,
    email_months integer NOT NULL,
    updated_by uuid NOT NULL,
    updated_at timestamp with time zone NOT NULL,
    CONSTRAINT "PK_retention_settings" PRIMARY KEY (trust_id),
    CONSTRAINT "FK_retention_settings_trusts_trust_id" FOREIGN KEY (trust_id) REFERENCES trusts (id) ON DELETE RESTRICT
);

CREATE TABLE legal_holds (
    id uuid NOT NULL,
    trust_id uuid NOT NULL,
    pupil_id uuid NOT NULL,
    arrangement_id uuid,
    reason character varying(1000) NOT NULL,
    placed_by uuid NOT NULL,
    placed_at timestamp with time zone NOT NULL,
    lifted_by uuid,
    lifted_at timestamp with time zone,
    CONSTRAINT "PK_legal_holds" PRIMARY KEY (id),
    CONSTRAINT "FK_legal_holds_pupils_pupil_id" FOREIGN KEY (pupil_id) REFERENCES pupils (id) ON DELETE RESTRICT
);
CREATE INDEX "IX_legal_holds_pupil_id" ON legal_holds (pupil_id);

CREATE TABLE retention_runs (
    id uuid NOT NULL,
    trust_id uuid NOT NULL,
    as_of date NOT NULL,
    schedule character varying(500) NOT NULL,
    due character varying(4000) NOT NULL,
    reported_at timestamp with time zone NOT NULL,
    status character varying(20) NOT NULL,
    confirmed_by uuid,
    confirmed_by_name character varying(200),
    confirmed_at timestamp with time zone,
    removed character varying(100000),
    error character varying(1000),
    CONSTRAINT "PK_retention_runs" PRIMARY KEY (id)
);
CREATE INDEX "IX_retention_runs_trust_id_reported_at" ON retention_runs (trust_id, reported_at);

ALTER TABLE retention_settings ENABLE ROW LEVEL SECURITY;
ALTER TABLE retention_settings FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON retention_settings USING (trust_id = app_current_trust()) WITH CHECK (trust_id = app_current_trust());
ALTER TABLE legal_holds ENABLE ROW LEVEL SECURITY;
ALTER TABLE legal_holds FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON legal_holds USING (trust_id = app_current_trust()) WITH CHECK (trust_id = app_current_trust());
ALTER TABLE retention_runs ENABLE ROW LEVEL SECURITY;
ALTER TABLE retention_runs FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON retention_runs USING (trust_id = app_current_trust()) WITH CHECK (trust_id = app_current_trust());
GRANT SELECT, INSERT, UPDATE ON retention_settings, legal_holds, retention_runs TO flexi_app;

CREATE FUNCTION retention_run_active() RETURNS boolean LANGUAGE sql STABLE
    AS $$ SELECT coalesce(current_setting('app.retention', true), '') = 'on' $$;

-- Each check is nested under "a DELETE in a retention run" so a statement trigger (TRUNCATE, no row) or an UPDATE never
-- reads the row's date.
CREATE OR REPLACE FUNCTION attendance_marks_never_deleted() RETURNS trigger
    LANGUAGE plpgsql
    AS $$ BEGIN
        IF TG_OP = 'DELETE' AND retention_run_active() THEN
            IF OLD.date < current_date - interval '6 years' THEN RETURN OLD; END IF;
        END IF;
        RAISE EXCEPTION 'attendance marks are corrected, never deleted (a retention run removes them six years after the entry)';
    END $$;

CREATE FUNCTION dated_records_kept() RETURNS trigger
    LANGUAGE plpgsql
    AS $$ BEGIN
        -- Mark history (date) and absence contacts (on_date): like the marks they explain.
        IF TG_OP = 'DELETE' AND retention_run_active() THEN
            IF (to_jsonb(OLD) ->> CASE TG_TABLE_NAME WHEN 'absence_contacts' THEN 'on_date' ELSE 'date' END)::date < current_date - interval '6 years' THEN
                RETURN OLD;
            END IF;
        END IF;
        RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
    END $$;
DROP TRIGGER attendance_mark_changes_no_update ON attendance_mark_changes;
CREATE TRIGGER attendance_mark_changes_no_update BEFORE UPDATE OR DELETE ON attendance_mark_changes
    FOR EACH ROW EXECUTE FUNCTION dated_records_kept();
DROP TRIGGER absence_contacts_no_update ON absence_contacts;
CREATE TRIGGER absence_contacts_no_update BEFORE UPDATE OR DELETE ON absence_contacts
    FOR EACH ROW EXECUTE FUNCTION dated_records_kept();

CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger
    LANGUAGE plpgsql
    AS $$ BEGIN
        IF TG_OP = 'DELETE' AND retention_run_active() THEN
            IF OLD.occurred_at < now() - interval '1 year' THEN RETURN OLD; END IF;
        END IF;
        RAISE EXCEPTION 'audit_events is append-only';
    END $$;

CREATE OR REPLACE FUNCTION case_records_append_only() RETURNS trigger
    LANGUAGE plpgsql
    AS $$ BEGIN
        IF TG_OP = 'DELETE' AND retention_run_active() THEN
            IF EXISTS (SELECT 1 FROM arrangements a JOIN pupils p ON p.id = a.pupil_id
                        WHERE a.id = OLD.arrangement_id AND p.date_of_birth < current_date - interval '25 years') THEN
                RETURN OLD;
            END IF;
        END IF;
        RAISE EXCEPTION 'a case''s history and documents are kept as written';
    END $$;
