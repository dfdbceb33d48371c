-- 0019 A school's half-termly return to a local authority that asks for one, including nil returns (domain.md,
-- "Local authorities"; ADR 0019). Append-only: a return is recorded once it is sent. Written by hand (docs/adr/0003).

CREATE TABLE local_authority_returns (
    id uuid NOT NULL,
    trust_id uuid NOT NULL,
    school_id uuid NOT NULL,
    local_authority_id uuid NOT NULL,
    half_term_first date NOT NULL,
    half_term_last date NOT NULL,
    sent_on date NOT NULL,
    sent_to character varying(200) NOT NULL,
    arrangements integer NOT NULL,
    recorded_by uuid,
    recorded_at timestamp with time zone NOT NULL,
    CONSTRAINT "PK_local_authority_returns" PRIMARY KEY (id),
    CONSTRAINT "FK_local_authority_returns_schools_school_id" FOREIGN KEY (school_id) REFERENCES schools (id) ON DELETE RESTRICT,
    CONSTRAINT "FK_local_authority_returns_local_authorities_local_authority_id" FOREIGN KEY (local_authority_id) REFERENCES local_authorities (id) ON DELETE RESTRICT
);

CREATE UNIQUE INDEX "IX_local_authority_returns_school_la_half_term" ON local_authority_returns (school_id, local_authority_id, half_term_first);
CREATE INDEX "IX_local_authority_returns_local_authority_id" ON local_authority_returns (local_authority_id);

ALTER TABLE local_authority_returns ENABLE ROW LEVEL SECURITY;
ALTER TABLE local_authority_returns FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON local_authority_returns USING (trust_id = app_current_trust()) WITH CHECK (trust_id = app_current_trust());
GRANT SELECT, INSERT ON local_authority_returns TO flexi_app;
