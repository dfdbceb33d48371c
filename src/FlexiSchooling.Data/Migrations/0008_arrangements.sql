-- 0008 Arrangements (issue 4): the shared core of flexi-schooling, part-time timetable and AP cases, their
-- history and their documents (uploads and letters as sent). Written by hand (docs/adr/0003).

CREATE TABLE arrangements (
    id uuid NOT NULL,
    trust_id uuid NOT NULL,
    school_id uuid NOT NULL,
    pupil_id uuid NOT NULL,
    kind character varying(30) NOT NULL,
    stage character varying(30) NOT NULL,
    requested_on date NOT NULL,
    requested_by character varying(200) NOT NULL,
    requester_relationship character varying(100) NOT NULL,
    request_summary character varying(2000),
    meeting_on date,
    meeting_attendees character varying(500),
    meeting_notes character varying(4000),
    decision_due_by date,
    outcome character varying(20),
    decided_on date,
    decided_by uuid,
    decision_reason character varying(2000),
    local_authority_agreed_on date,
    local_authority_agreed_by character varying(200),
    profile_version_id uuid,
    created_at timestamp with time zone NOT NULL,
    criteria jsonb NOT NULL,
    CONSTRAINT "PK_arrangements" PRIMARY KEY (id),
    CONSTRAINT "FK_arrangements_pupils_pupil_id" FOREIGN KEY (pupil_id) REFERENCES pupils (id) ON DELETE RESTRICT,
    CONSTRAINT "FK_arrangements_schools_school_id" FOREIGN KEY (school_id) REFERENCES schools (id) ON DELETE RESTRICT
);

CREATE TABLE arrangement_events (
    id uuid NOT NULL,
    trust_id uuid NOT NULL,
    school_id uuid NOT NULL,
    arrangement_id uuid NOT NULL,
    what character varying(200) NOT NULL,
    detail character varying(2000),
    by uuid,
    at timestamp with time zone NOT NULL,
    CONSTRAINT "PK_arrangement_events" PRIMARY KEY (id),
    CONSTRAINT "FK_arrangement_events_arrangements_arrangement_id" FOREIGN KEY (arrangement_id) REFERENCES arrangements (id) ON DELETE RESTRICT
);

CREATE TABLE case_documents (
    id uuid NOT NULL,
    trust_id uuid NOT NULL,
    school_id uuid NOT NULL,
    arrangement_id uuid NOT NULL,
    kind character varying(40) NOT NULL,
    file_name character varying(200) NOT NULL,
    content_type character varying(100) NOT NULL,
    size integer NOT NULL,
    sha256 character varying(64) NOT NULL,
    content bytea NOT NULL,
    created_by uuid,
    created_at timestamp with time zone NOT NULL,
    CONSTRAINT "PK_case_documents" PRIMARY KEY (id),
    CONSTRAINT "FK_case_documents_arrangements_arrangement_id" FOREIGN KEY (arrangement_id) REFERENCES arrangements (id) ON DELETE RESTRICT
);

CREATE INDEX "IX_arrangement_events_arrangement_id_at" ON arrangement_events (arrangement_id, at);
CREATE INDEX "IX_arrangements_pupil_id_kind" ON arrangements (pupil_id, kind);
CREATE INDEX "IX_arrangements_school_id_stage" ON arrangements (school_id, stage);
CREATE INDEX "IX_case_documents_arrangement_id_created_at" ON case_documents (arrangement_id, created_at);

-- Tenancy: the same row-level security as every tenant table (ADR 0004).
DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['arrangements', 'arrangement_events', 'case_documents']
    LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (trust_id = app_current_trust()) WITH CHECK (trust_id = app_current_trust())', t);
    END LOOP;
END $$;

-- A case moves on; its history and its documents (the parent's letter, the letters as sent) are only added to.
GRANT SELECT, INSERT, UPDATE ON arrangements TO flexi_app;
GRANT SELECT, INSERT ON arrangement_events, case_documents TO flexi_app;
CREATE FUNCTION case_records_append_only() RETURNS trigger
    LANGUAGE plpgsql
    AS $$ BEGIN RAISE EXCEPTION 'a case''s history and documents are kept as written'; END $$;
CREATE TRIGGER arrangement_events_append_only BEFORE UPDATE OR DELETE ON arrangement_events
    FOR EACH ROW EXECUTE FUNCTION case_records_append_only();
CREATE TRIGGER case_documents_append_only BEFORE UPDATE OR DELETE ON case_documents
    FOR EACH ROW EXECUTE FUNCTION case_records_append_only();
