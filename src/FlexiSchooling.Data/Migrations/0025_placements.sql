-- 0025 AP placements: the alternative provision of an AP case, with the provider and the referral of 002 appendix 1a
-- (issue 12, "Placements"). One per case. Written by hand (docs/adr/0003, 0023).

CREATE TABLE placements (
    arrangement_id uuid NOT NULL,
    trust_id uuid NOT NULL,
    school_id uuid NOT NULL,
    provider_id uuid NOT NULL,
    full_time boolean NOT NULL,
    in_school integer NOT NULL,
    start_date date NOT NULL,
    planned_end_date date NOT NULL,
    reasons character varying(4000) NOT NULL,
    previous_information character varying(4000) NOT NULL,
    full_cost numeric(10,2) NOT NULL,
    funding character varying(4000) NOT NULL,
    parent_meeting character varying(4000) NOT NULL,
    pupil_voice character varying(4000) NOT NULL,
    parent_agreed_on date,
    CONSTRAINT "PK_placements" PRIMARY KEY (arrangement_id),
    CONSTRAINT "FK_placements_arrangements_arrangement_id" FOREIGN KEY (arrangement_id) REFERENCES arrangements (id) ON DELETE RESTRICT,
    CONSTRAINT "FK_placements_alternative_providers_provider_id" FOREIGN KEY (provider_id) REFERENCES alternative_providers (id) ON DELETE RESTRICT
);

CREATE INDEX "IX_placements_provider_id" ON placements (provider_id);

ALTER TABLE placements ENABLE ROW LEVEL SECURITY;
ALTER TABLE placements FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON placements USING (trust_id = app_current_trust()) WITH CHECK (trust_id = app_current_trust());
GRANT SELECT, INSERT, UPDATE ON placements TO flexi_app;
