-- 0022 Subject access requests (issue 14, "Subject access"): a request about one pupil with its statutory deadline, the
-- state of its export (produced in the background), and the export itself kept apart so lists never read it.
-- Written by hand (docs/adr/0003).

CREATE TABLE subject_access_requests (
    id uuid NOT NULL,
    trust_id uuid NOT NULL,
    school_id uuid NOT NULL,
    pupil_id uuid NOT NULL,
    requester_name character varying(200) NOT NULL,
    requester character varying(20) NOT NULL,
    received_on date NOT NULL,
    due_by date NOT NULL,
    notes character varying(2000),
    recorded_by uuid NOT NULL,
    recorded_at timestamp with time zone NOT NULL,
    export_status character varying(20) NOT NULL,
    export_progress integer NOT NULL,
    export_step character varying(500),
    export_requested_by uuid,
    export_requested_at timestamp with time zone,
    export_finished_at timestamp with time zone,
    items_for_review integer NOT NULL,
    completed_on date,
    completed_by uuid,
    CONSTRAINT "PK_subject_access_requests" PRIMARY KEY (id),
    CONSTRAINT "FK_subject_access_requests_pupils_pupil_id" FOREIGN KEY (pupil_id) REFERENCES pupils (id) ON DELETE RESTRICT,
    CONSTRAINT "FK_subject_access_requests_schools_school_id" FOREIGN KEY (school_id) REFERENCES schools (id) ON DELETE RESTRICT
);

CREATE INDEX "IX_subject_access_requests_pupil_id" ON subject_access_requests (pupil_id);
CREATE INDEX "IX_subject_access_requests_school_id" ON subject_access_requests (school_id);
CREATE INDEX "IX_subject_access_requests_trust_id_completed_on" ON subject_access_requests (trust_id, completed_on);
CREATE INDEX "IX_subject_access_requests_export_status" ON subject_access_requests (export_status);

CREATE TABLE subject_access_bundles (
    request_id uuid NOT NULL,
    trust_id uuid NOT NULL,
    file_name character varying(200) NOT NULL,
    content bytea NOT NULL,
    size integer NOT NULL,
    created_at timestamp with time zone NOT NULL,
    CONSTRAINT "PK_subject_access_bundles" PRIMARY KEY (request_id),
    CONSTRAINT "FK_subject_access_bundles_subject_access_requests_request_id" FOREIGN KEY (request_id) REFERENCES subject_access_requests (id) ON DELETE CASCADE
);

ALTER TABLE subject_access_requests ENABLE ROW LEVEL SECURITY;
ALTER TABLE subject_access_requests FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON subject_access_requests USING (trust_id = app_current_trust()) WITH CHECK (trust_id = app_current_trust());
ALTER TABLE subject_access_bundles ENABLE ROW LEVEL SECURITY;
ALTER TABLE subject_access_bundles FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON subject_access_bundles USING (trust_id = app_current_trust()) WITH CHECK (trust_id = app_current_trust());
GRANT SELECT, INSERT, UPDATE ON subject_access_requests TO flexi_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON subject_access_bundles TO flexi_app;
