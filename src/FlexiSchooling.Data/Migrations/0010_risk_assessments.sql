-- 0010 Risk assessments (issue 4): template-driven, adapted per pupil, submitted, approved by someone other
-- than the author, versioned (a new version supersedes the approved one). Written by hand (docs/adr/0003).

CREATE TABLE risk_assessments (
    id uuid NOT NULL,
    trust_id uuid NOT NULL,
    school_id uuid NOT NULL,
    arrangement_id uuid NOT NULL,
    template_key character varying(60) NOT NULL,
    template_source character varying(400) NOT NULL,
    review_cadence character varying(20) NOT NULL,
    number integer NOT NULL,
    status character varying(20) NOT NULL,
    submitted_by uuid,
    submitted_at timestamp with time zone,
    approved_by uuid,
    approved_at timestamp with time zone,
    review_due date,
    rows jsonb NOT NULL,
    CONSTRAINT "PK_risk_assessments" PRIMARY KEY (id),
    CONSTRAINT "FK_risk_assessments_arrangements_arrangement_id" FOREIGN KEY (arrangement_id) REFERENCES arrangements (id) ON DELETE RESTRICT
);

CREATE UNIQUE INDEX "IX_risk_assessments_arrangement_id_number" ON risk_assessments (arrangement_id, number);

ALTER TABLE risk_assessments ENABLE ROW LEVEL SECURITY;
ALTER TABLE risk_assessments FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON risk_assessments USING (trust_id = app_current_trust()) WITH CHECK (trust_id = app_current_trust());
-- A version moves from draft to approved to superseded; it is never deleted.
GRANT SELECT, INSERT, UPDATE ON risk_assessments TO flexi_app;
