-- 0014 The parent's typed-name e-signature through a one-time emailed link (issue 4, step 6). Only the token's
-- SHA-256 is stored. Before the parent's request is known to belong to any trust, a security-definer function
-- answers only "which trust" for a token hash, as for invitations (docs/adr/0005). Written by hand (docs/adr/0003).

CREATE TABLE agreement_signature_links (
    id uuid NOT NULL,
    trust_id uuid NOT NULL,
    school_id uuid NOT NULL,
    arrangement_id uuid NOT NULL,
    draft integer NOT NULL,
    email character varying(254) NOT NULL,
    parent_name character varying(200) NOT NULL,
    token_hash character varying(64) NOT NULL,
    created_at timestamp with time zone NOT NULL,
    created_by uuid,
    expires_at timestamp with time zone NOT NULL,
    used_at timestamp with time zone,
    withdrawn_at timestamp with time zone,
    CONSTRAINT "PK_agreement_signature_links" PRIMARY KEY (id),
    CONSTRAINT "FK_agreement_signature_links_arrangements_arrangement_id" FOREIGN KEY (arrangement_id) REFERENCES arrangements (id) ON DELETE RESTRICT
);

CREATE INDEX "IX_agreement_signature_links_arrangement_id" ON agreement_signature_links (arrangement_id);
CREATE UNIQUE INDEX "IX_agreement_signature_links_token_hash" ON agreement_signature_links (token_hash);

ALTER TABLE agreement_signature_links ENABLE ROW LEVEL SECURITY;
ALTER TABLE agreement_signature_links FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON agreement_signature_links USING (trust_id = app_current_trust()) WITH CHECK (trust_id = app_current_trust());
-- A link is sent, then used, withdrawn or left to expire; it is never deleted.
GRANT SELECT, INSERT, UPDATE ON agreement_signature_links TO flexi_app;

ALTER TABLE flexi_agreements ADD parent_signed_via character varying(20);

CREATE FUNCTION auth_trust_for_signature_link(p_token_hash text) RETURNS uuid
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public
    AS $$ SELECT trust_id FROM agreement_signature_links WHERE token_hash = p_token_hash $$;
REVOKE ALL ON FUNCTION auth_trust_for_signature_link(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION auth_trust_for_signature_link(text) TO flexi_app;
