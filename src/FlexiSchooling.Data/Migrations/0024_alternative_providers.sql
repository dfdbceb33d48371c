-- 0024 Alternative providers, held by the trust and used by all its schools, with their due-diligence checks (issue 12,
-- "Providers"; 004 §7.2, §7.8, §7.9; 002 appendix 1b). Written by hand (docs/adr/0003, 0023).

CREATE TABLE alternative_providers (
    id uuid NOT NULL,
    trust_id uuid NOT NULL,
    name character varying(150) NOT NULL,
    address character varying(300) NOT NULL,
    contact_name character varying(100) NOT NULL,
    contact_phone character varying(30),
    contact_email character varying(200),
    urn character varying(7),
    ukprn character varying(8),
    registration character varying(40) NOT NULL,
    last_inspected_on date,
    inspection_judgement character varying(60),
    trust_approved_on date,
    trust_approved_by uuid,
    trust_approval_note character varying(1000),
    material_change_on date,
    material_change character varying(1000),
    material_change_recorded_at timestamp with time zone,
    created_at timestamp with time zone NOT NULL,
    CONSTRAINT "PK_alternative_providers" PRIMARY KEY (id),
    CONSTRAINT "FK_alternative_providers_trusts_trust_id" FOREIGN KEY (trust_id) REFERENCES trusts (id) ON DELETE RESTRICT
);

CREATE UNIQUE INDEX "IX_alternative_providers_trust_id_name" ON alternative_providers (trust_id, name);

CREATE TABLE provider_checks (
    id uuid NOT NULL,
    trust_id uuid NOT NULL,
    provider_id uuid NOT NULL,
    item character varying(40) NOT NULL,
    satisfactory boolean NOT NULL,
    evidence character varying(1000) NOT NULL,
    evidence_file bytea,
    evidence_file_name character varying(200),
    evidence_content_type character varying(100),
    checked_on date NOT NULL,
    checked_by uuid NOT NULL,
    checked_by_name character varying(200) NOT NULL,
    recorded_at timestamp with time zone NOT NULL,
    CONSTRAINT "PK_provider_checks" PRIMARY KEY (id),
    CONSTRAINT "FK_provider_checks_alternative_providers_provider_id" FOREIGN KEY (provider_id) REFERENCES alternative_providers (id) ON DELETE RESTRICT
);

CREATE INDEX "IX_provider_checks_provider_id_item" ON provider_checks (provider_id, item);

ALTER TABLE alternative_providers ENABLE ROW LEVEL SECURITY;
ALTER TABLE alternative_providers FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON alternative_providers USING (trust_id = app_current_trust()) WITH CHECK (trust_id = app_current_trust());
ALTER TABLE provider_checks ENABLE ROW LEVEL SECURITY;
ALTER TABLE provider_checks FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON provider_checks USING (trust_id = app_current_trust()) WITH CHECK (trust_id = app_current_trust());

-- Placements will point at providers, so a provider is edited, never deleted; a check is a record of what was seen on a
-- day, so a re-check is a new row and none is ever changed.
GRANT SELECT, INSERT, UPDATE ON alternative_providers TO flexi_app;
GRANT SELECT, INSERT ON provider_checks TO flexi_app;
CREATE FUNCTION provider_checks_append_only() RETURNS trigger
    LANGUAGE plpgsql
    AS $$ BEGIN RAISE EXCEPTION 'a provider check is kept as made: record a re-check instead'; END $$;
CREATE TRIGGER provider_checks_append_only BEFORE UPDATE OR DELETE ON provider_checks
    FOR EACH ROW EXECUTE FUNCTION provider_checks_append_only();
