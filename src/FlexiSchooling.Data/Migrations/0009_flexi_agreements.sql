-- 0009 The flexi-schooling agreement (000 §4; 004 §10.5): one per agreed case, redrafted until signed.
-- Written by hand (docs/adr/0003).

CREATE TABLE flexi_agreements (
    arrangement_id uuid NOT NULL,
    trust_id uuid NOT NULL,
    school_id uuid NOT NULL,
    school_provides character varying(2000) NOT NULL,
    home_provides character varying(2000) NOT NULL,
    responsible_person_at_home character varying(200) NOT NULL,
    flexibility character varying(2000) NOT NULL,
    assessment character varying(2000) NOT NULL,
    send_provision character varying(2000) NOT NULL,
    national_curriculum_extent character varying(2000) NOT NULL,
    rationale character varying(2000) NOT NULL,
    start_date date NOT NULL,
    in_school_sessions integer NOT NULL,
    draft integer NOT NULL,
    drafted_at timestamp with time zone NOT NULL,
    drafted_by uuid,
    CONSTRAINT "PK_flexi_agreements" PRIMARY KEY (arrangement_id),
    CONSTRAINT "FK_flexi_agreements_arrangements_arrangement_id" FOREIGN KEY (arrangement_id) REFERENCES arrangements (id) ON DELETE RESTRICT
);

ALTER TABLE flexi_agreements ENABLE ROW LEVEL SECURITY;
ALTER TABLE flexi_agreements FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON flexi_agreements USING (trust_id = app_current_trust()) WITH CHECK (trust_id = app_current_trust());
GRANT SELECT, INSERT, UPDATE ON flexi_agreements TO flexi_app;
