-- 0026 The commissioning agreement of an AP placement (issue 12; 004 §7.11): one per placement, a gate before the start.
-- Written by hand (docs/adr/0003, 0023).

CREATE TABLE commissioning_agreements (
    arrangement_id uuid NOT NULL,
    trust_id uuid NOT NULL,
    school_id uuid NOT NULL,
    days_and_times character varying(2000) NOT NULL,
    aims_and_outcomes character varying(2000) NOT NULL,
    curriculum_and_qualifications character varying(2000) NOT NULL,
    induction character varying(2000) NOT NULL,
    pastoral character varying(2000) NOT NULL,
    attendance_arrangements character varying(2000) NOT NULL,
    safeguarding_arrangements character varying(2000) NOT NULL,
    free_school_meals character varying(2000) NOT NULL,
    exams character varying(2000) NOT NULL,
    communication character varying(2000) NOT NULL,
    cost numeric(10,2) NOT NULL,
    review character varying(2000) NOT NULL,
    agreed_on date NOT NULL,
    provider_signatory character varying(2000) NOT NULL,
    recorded_by uuid NOT NULL,
    recorded_at timestamp with time zone NOT NULL,
    CONSTRAINT "PK_commissioning_agreements" PRIMARY KEY (arrangement_id),
    CONSTRAINT "FK_commissioning_agreements_placements_arrangement_id" FOREIGN KEY (arrangement_id) REFERENCES placements (arrangement_id) ON DELETE RESTRICT
);

ALTER TABLE commissioning_agreements ENABLE ROW LEVEL SECURITY;
ALTER TABLE commissioning_agreements FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON commissioning_agreements USING (trust_id = app_current_trust()) WITH CHECK (trust_id = app_current_trust());
GRANT SELECT, INSERT, UPDATE ON commissioning_agreements TO flexi_app;
