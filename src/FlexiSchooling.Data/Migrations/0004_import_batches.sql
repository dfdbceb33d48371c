-- 0004 Import batches: an uploaded MIS file kept between its preview and its import, and afterwards
-- as the record of what was imported. Written by hand (docs/adr/0003).

CREATE TABLE import_batches (
    id uuid NOT NULL,
    trust_id uuid NOT NULL,
    school_id uuid NOT NULL,
    kind character varying(20) NOT NULL,
    file_name character varying(200) NOT NULL,
    content text NOT NULL,
    sha256 character varying(64) NOT NULL,
    row_count integer NOT NULL,
    created_by uuid,
    created_at timestamp with time zone NOT NULL,
    imported_at timestamp with time zone,
    outcome character varying(500),
    CONSTRAINT "PK_import_batches" PRIMARY KEY (id),
    CONSTRAINT "FK_import_batches_schools_school_id" FOREIGN KEY (school_id) REFERENCES schools (id) ON DELETE RESTRICT
);
CREATE INDEX "IX_import_batches_school_id_created_at" ON import_batches (school_id, created_at);
CREATE INDEX "IX_import_batches_trust_id" ON import_batches (trust_id);

ALTER TABLE import_batches ENABLE ROW LEVEL SECURITY;
ALTER TABLE import_batches FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON import_batches USING (trust_id = app_current_trust()) WITH CHECK (trust_id = app_current_trust());
GRANT SELECT, INSERT, UPDATE ON import_batches TO flexi_app;
