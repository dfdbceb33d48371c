-- 0028 QA visits to an AP placement's provider (issue 12; 002 appendix 5; 004 §8): at least half-termly, each kept as
-- written. Written by hand (docs/adr/0003, 0023).

CREATE TABLE placement_visits (
    id uuid NOT NULL,
    trust_id uuid NOT NULL,
    school_id uuid NOT NULL,
    arrangement_id uuid NOT NULL,
    visited_on date NOT NULL,
    visited_by character varying(4000) NOT NULL,
    external_agencies character varying(4000) NOT NULL,
    safeguarding character varying(4000) NOT NULL,
    attendance character varying(4000) NOT NULL,
    behaviour_and_pastoral character varying(4000) NOT NULL,
    curriculum_and_progress character varying(4000) NOT NULL,
    qualifications_and_next_steps character varying(4000) NOT NULL,
    additional_comments character varying(4000) NOT NULL,
    satisfactory boolean NOT NULL,
    document_id uuid,
    recorded_by uuid NOT NULL,
    recorded_at timestamp with time zone NOT NULL,
    CONSTRAINT "PK_placement_visits" PRIMARY KEY (id),
    CONSTRAINT "FK_placement_visits_placements_arrangement_id" FOREIGN KEY (arrangement_id) REFERENCES placements (arrangement_id) ON DELETE RESTRICT,
    CONSTRAINT "FK_placement_visits_case_documents_document_id" FOREIGN KEY (document_id) REFERENCES case_documents (id) ON DELETE RESTRICT
);

CREATE INDEX "IX_placement_visits_document_id" ON placement_visits (document_id);

CREATE INDEX "IX_placement_visits_arrangement_id_visited_on" ON placement_visits (arrangement_id, visited_on);

ALTER TABLE placement_visits ENABLE ROW LEVEL SECURITY;
ALTER TABLE placement_visits FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON placement_visits USING (trust_id = app_current_trust()) WITH CHECK (trust_id = app_current_trust());
-- A visit is a record of what was found on a day: added to, never changed; removed only with its case by a retention run.
GRANT SELECT, INSERT ON placement_visits TO flexi_app;
CREATE TRIGGER placement_visits_append_only BEFORE UPDATE OR DELETE ON placement_visits
    FOR EACH ROW EXECUTE FUNCTION case_records_append_only();
