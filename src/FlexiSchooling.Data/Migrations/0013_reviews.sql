-- 0013 Reviews of a running arrangement (issue 4): scheduled at the profile's cadence, and formal reviews raised
-- by low attendance at the agreed sessions or progress below standard, agreed by the named trust lead where the
-- profile says (000 §7). Evidence the parent brings is a case document linked to its review.
-- Written by hand (docs/adr/0003).

CREATE TABLE arrangement_reviews (
    id uuid NOT NULL,
    trust_id uuid NOT NULL,
    school_id uuid NOT NULL,
    arrangement_id uuid NOT NULL,
    kind character varying(20) NOT NULL,
    due_on date NOT NULL,
    raised_because character varying(500),
    needs_agreement_of character varying(100),
    agreed_on date,
    agreed_by uuid,
    agreed_by_name character varying(200),
    held_on date,
    attendees character varying(500),
    attended_agreed_sessions integer,
    agreed_sessions integer,
    progress character varying(4000),
    progress_below_standard boolean NOT NULL,
    parent_evidence character varying(4000),
    pupil_view character varying(4000),
    outcome character varying(30),
    outcome_notes character varying(4000),
    held_by uuid,
    CONSTRAINT "PK_arrangement_reviews" PRIMARY KEY (id),
    CONSTRAINT "FK_arrangement_reviews_arrangements_arrangement_id" FOREIGN KEY (arrangement_id) REFERENCES arrangements (id) ON DELETE RESTRICT
);

CREATE INDEX "IX_arrangement_reviews_arrangement_id_due_on" ON arrangement_reviews (arrangement_id, due_on);

ALTER TABLE arrangement_reviews ENABLE ROW LEVEL SECURITY;
ALTER TABLE arrangement_reviews FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON arrangement_reviews USING (trust_id = app_current_trust()) WITH CHECK (trust_id = app_current_trust());
-- A review is scheduled or raised, agreed, then held; it is never deleted.
GRANT SELECT, INSERT, UPDATE ON arrangement_reviews TO flexi_app;

ALTER TABLE case_documents ADD review_id uuid;
ALTER TABLE case_documents ADD CONSTRAINT "FK_case_documents_arrangement_reviews_review_id" FOREIGN KEY (review_id) REFERENCES arrangement_reviews (id) ON DELETE RESTRICT;
CREATE INDEX "IX_case_documents_review_id" ON case_documents (review_id);
