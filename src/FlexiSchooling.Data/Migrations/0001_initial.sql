-- 0001 Initial schema. Written by hand (docs/adr/0003): the tables below must equal the EF Core
-- model exactly, which SchemaTests.Migrated_schema_equals_the_model proves on every test run.
-- Applied by Database.Migrate() as flexi_owner; the application connects as flexi_app.

DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'flexi_app') THEN
        RAISE EXCEPTION 'Create the flexi_app role (LOGIN, NOBYPASSRLS) before migrating: see docs/operations.md';
    END IF;
END $$;

CREATE TABLE audit_events (
    id uuid NOT NULL,
    trust_id uuid,
    school_id uuid,
    user_id uuid,
    role character varying(200),
    entity_type character varying(100) NOT NULL,
    entity_id character varying(100),
    action character varying(40) NOT NULL,
    occurred_at timestamp with time zone NOT NULL,
    correlation_id character varying(64),
    CONSTRAINT "PK_audit_events" PRIMARY KEY (id)
);

CREATE TABLE bank_holidays (
    date date NOT NULL,
    title character varying(100) NOT NULL,
    CONSTRAINT "PK_bank_holidays" PRIMARY KEY (date)
);

CREATE TABLE outbox_messages (
    id uuid NOT NULL,
    trust_id uuid NOT NULL,
    "to" character varying(320) NOT NULL,
    subject character varying(300) NOT NULL,
    text_body text NOT NULL,
    html_body text NOT NULL,
    created_at timestamp with time zone NOT NULL,
    sent_at timestamp with time zone,
    attempts integer NOT NULL,
    last_error character varying(500),
    CONSTRAINT "PK_outbox_messages" PRIMARY KEY (id)
);

CREATE TABLE trusts (
    id uuid NOT NULL,
    name character varying(200) NOT NULL,
    company_number character varying(20),
    CONSTRAINT "PK_trusts" PRIMARY KEY (id)
);

CREATE TABLE schools (
    id uuid NOT NULL,
    trust_id uuid NOT NULL,
    name character varying(200) NOT NULL,
    urn character(6) NOT NULL,
    local_authority character varying(100) NOT NULL,
    phase character varying(30) NOT NULL,
    key_stages integer NOT NULL,
    address_line1 character varying(200),
    address_line2 character varying(200),
    town character varying(100),
    postcode character varying(10),
    telephone character varying(30),
    email character varying(200),
    headteacher_name character varying(200),
    CONSTRAINT "PK_schools" PRIMARY KEY (id),
    CONSTRAINT "FK_schools_trusts_trust_id" FOREIGN KEY (trust_id) REFERENCES trusts (id) ON DELETE RESTRICT
);

CREATE TABLE users (
    id uuid NOT NULL,
    trust_id uuid NOT NULL,
    display_name character varying(200) NOT NULL,
    is_disabled boolean NOT NULL,
    created_at timestamp with time zone NOT NULL,
    user_name character varying(256),
    normalized_user_name character varying(256),
    email character varying(256),
    normalized_email character varying(256),
    email_confirmed boolean NOT NULL,
    password_hash text,
    security_stamp text,
    concurrency_stamp text,
    phone_number text,
    phone_number_confirmed boolean NOT NULL,
    two_factor_enabled boolean NOT NULL,
    lockout_end timestamp with time zone,
    lockout_enabled boolean NOT NULL,
    access_failed_count integer NOT NULL,
    CONSTRAINT "PK_users" PRIMARY KEY (id),
    CONSTRAINT "FK_users_trusts_trust_id" FOREIGN KEY (trust_id) REFERENCES trusts (id) ON DELETE RESTRICT
);

CREATE TABLE closure_days (
    id uuid NOT NULL,
    trust_id uuid NOT NULL,
    school_id uuid NOT NULL,
    date date NOT NULL,
    kind character varying(30) NOT NULL,
    description character varying(200) NOT NULL,
    CONSTRAINT "PK_closure_days" PRIMARY KEY (id),
    CONSTRAINT "FK_closure_days_schools_school_id" FOREIGN KEY (school_id) REFERENCES schools (id) ON DELETE RESTRICT
);

CREATE TABLE policy_profile_versions (
    id uuid NOT NULL,
    trust_id uuid NOT NULL,
    school_id uuid,
    number integer NOT NULL,
    template_key character varying(60) NOT NULL,
    source_policy character varying(200) NOT NULL,
    settings jsonb NOT NULL,
    approved_on date NOT NULL,
    approved_by character varying(200) NOT NULL,
    effective_from date NOT NULL,
    next_review_date date NOT NULL,
    change_summary character varying(1000),
    CONSTRAINT "PK_policy_profile_versions" PRIMARY KEY (id),
    CONSTRAINT "FK_policy_profile_versions_schools_school_id" FOREIGN KEY (school_id) REFERENCES schools (id) ON DELETE RESTRICT,
    CONSTRAINT "FK_policy_profile_versions_trusts_trust_id" FOREIGN KEY (trust_id) REFERENCES trusts (id) ON DELETE RESTRICT
);

CREATE TABLE registration_groups (
    id uuid NOT NULL,
    trust_id uuid NOT NULL,
    school_id uuid NOT NULL,
    name character varying(50) NOT NULL,
    year_group integer,
    CONSTRAINT "PK_registration_groups" PRIMARY KEY (id),
    CONSTRAINT "FK_registration_groups_schools_school_id" FOREIGN KEY (school_id) REFERENCES schools (id) ON DELETE RESTRICT
);

CREATE TABLE terms (
    id uuid NOT NULL,
    trust_id uuid NOT NULL,
    school_id uuid NOT NULL,
    name character varying(100) NOT NULL,
    start_date date NOT NULL,
    end_date date NOT NULL,
    half_term_start date,
    half_term_end date,
    CONSTRAINT "PK_terms" PRIMARY KEY (id),
    CONSTRAINT "FK_terms_schools_school_id" FOREIGN KEY (school_id) REFERENCES schools (id) ON DELETE RESTRICT
);

CREATE TABLE invitations (
    id uuid NOT NULL,
    trust_id uuid NOT NULL,
    user_id uuid NOT NULL,
    token_hash character varying(64) NOT NULL,
    expires_at timestamp with time zone NOT NULL,
    accepted_at timestamp with time zone,
    invited_by uuid NOT NULL,
    CONSTRAINT "PK_invitations" PRIMARY KEY (id),
    CONSTRAINT "FK_invitations_users_user_id" FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
);

CREATE TABLE role_assignments (
    id uuid NOT NULL,
    trust_id uuid NOT NULL,
    user_id uuid NOT NULL,
    school_id uuid,
    role character varying(40) NOT NULL,
    CONSTRAINT "PK_role_assignments" PRIMARY KEY (id),
    CONSTRAINT "FK_role_assignments_schools_school_id" FOREIGN KEY (school_id) REFERENCES schools (id) ON DELETE RESTRICT,
    CONSTRAINT "FK_role_assignments_users_user_id" FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
);

CREATE TABLE user_claims (
    id integer GENERATED BY DEFAULT AS IDENTITY,
    user_id uuid NOT NULL,
    claim_type text,
    claim_value text,
    CONSTRAINT "PK_user_claims" PRIMARY KEY (id),
    CONSTRAINT "FK_user_claims_users_user_id" FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
);

CREATE TABLE user_logins (
    login_provider text NOT NULL,
    provider_key text NOT NULL,
    provider_display_name text,
    user_id uuid NOT NULL,
    CONSTRAINT "PK_user_logins" PRIMARY KEY (login_provider, provider_key),
    CONSTRAINT "FK_user_logins_users_user_id" FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
);

CREATE TABLE user_tokens (
    user_id uuid NOT NULL,
    login_provider text NOT NULL,
    name text NOT NULL,
    value text,
    CONSTRAINT "PK_user_tokens" PRIMARY KEY (user_id, login_provider, name),
    CONSTRAINT "FK_user_tokens_users_user_id" FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
);

CREATE TABLE pupils (
    id uuid NOT NULL,
    trust_id uuid NOT NULL,
    school_id uuid NOT NULL,
    upn character(13) NOT NULL,
    legal_forename character varying(100) NOT NULL,
    legal_surname character varying(100) NOT NULL,
    preferred_forename character varying(100),
    preferred_surname character varying(100),
    date_of_birth date NOT NULL,
    year_group integer NOT NULL,
    registration_group_id uuid,
    admission_date date NOT NULL,
    leaving_date date,
    child_in_need_plan boolean NOT NULL,
    child_protection_plan boolean NOT NULL,
    ehcp boolean NOT NULL,
    free_school_meals boolean NOT NULL,
    has_social_worker boolean NOT NULL,
    looked_after boolean NOT NULL,
    pupil_premium boolean NOT NULL,
    sen_support boolean NOT NULL,
    CONSTRAINT "PK_pupils" PRIMARY KEY (id),
    CONSTRAINT "FK_pupils_registration_groups_registration_group_id" FOREIGN KEY (registration_group_id) REFERENCES registration_groups (id) ON DELETE SET NULL,
    CONSTRAINT "FK_pupils_schools_school_id" FOREIGN KEY (school_id) REFERENCES schools (id) ON DELETE RESTRICT
);

CREATE TABLE pupil_contacts (
    id uuid NOT NULL,
    trust_id uuid NOT NULL,
    school_id uuid NOT NULL,
    pupil_id uuid NOT NULL,
    name character varying(200) NOT NULL,
    relationship character varying(50) NOT NULL,
    has_parental_responsibility boolean NOT NULL,
    email character varying(200),
    telephone character varying(30),
    CONSTRAINT "PK_pupil_contacts" PRIMARY KEY (id),
    CONSTRAINT "FK_pupil_contacts_pupils_pupil_id" FOREIGN KEY (pupil_id) REFERENCES pupils (id) ON DELETE CASCADE
);

CREATE INDEX "IX_audit_events_trust_id_occurred_at" ON audit_events (trust_id, occurred_at);

CREATE UNIQUE INDEX "IX_closure_days_school_id_date" ON closure_days (school_id, date);

CREATE INDEX "IX_closure_days_trust_id" ON closure_days (trust_id);

CREATE UNIQUE INDEX "IX_invitations_token_hash" ON invitations (token_hash);

CREATE INDEX "IX_invitations_trust_id" ON invitations (trust_id);

CREATE INDEX "IX_invitations_user_id" ON invitations (user_id);

CREATE INDEX "IX_outbox_messages_sent_at" ON outbox_messages (sent_at);

CREATE INDEX "IX_outbox_messages_trust_id" ON outbox_messages (trust_id);

CREATE INDEX "IX_policy_profile_versions_school_id" ON policy_profile_versions (school_id);

CREATE UNIQUE INDEX "IX_policy_profile_versions_trust_id_school_id_number" ON policy_profile_versions (trust_id, school_id, number) NULLS NOT DISTINCT;

CREATE INDEX "IX_pupil_contacts_pupil_id" ON pupil_contacts (pupil_id);

CREATE INDEX "IX_pupil_contacts_school_id" ON pupil_contacts (school_id);

CREATE INDEX "IX_pupil_contacts_trust_id" ON pupil_contacts (trust_id);

CREATE INDEX "IX_pupils_registration_group_id" ON pupils (registration_group_id);

CREATE INDEX "IX_pupils_school_id_legal_surname" ON pupils (school_id, legal_surname);

CREATE UNIQUE INDEX "IX_pupils_trust_id_upn" ON pupils (trust_id, upn);

CREATE UNIQUE INDEX "IX_registration_groups_school_id_name" ON registration_groups (school_id, name);

CREATE INDEX "IX_registration_groups_trust_id" ON registration_groups (trust_id);

CREATE INDEX "IX_role_assignments_school_id" ON role_assignments (school_id);

CREATE INDEX "IX_role_assignments_trust_id" ON role_assignments (trust_id);

CREATE UNIQUE INDEX "IX_role_assignments_user_id_school_id_role" ON role_assignments (user_id, school_id, role) NULLS NOT DISTINCT;

CREATE UNIQUE INDEX "IX_schools_trust_id_urn" ON schools (trust_id, urn);

CREATE UNIQUE INDEX "IX_terms_school_id_start_date" ON terms (school_id, start_date);

CREATE INDEX "IX_terms_trust_id" ON terms (trust_id);

CREATE INDEX "IX_user_claims_user_id" ON user_claims (user_id);

CREATE INDEX "IX_user_logins_user_id" ON user_logins (user_id);

CREATE INDEX "EmailIndex" ON users (normalized_email);

CREATE INDEX "IX_users_trust_id" ON users (trust_id);

CREATE UNIQUE INDEX "UserNameIndex" ON users (normalized_user_name);


-- ---------------------------------------------------------------------------------------------
-- Tenancy: row-level security behind the EF query filters (docs/adr/0004).
-- The trust for a connection is set by TenantConnectionInterceptor: set_config('app.trust_id', …).
-- With nothing set, app_current_trust() is NULL and every policy below answers no rows.
-- ---------------------------------------------------------------------------------------------

CREATE FUNCTION app_current_trust() RETURNS uuid
    LANGUAGE sql STABLE
    AS $$ SELECT nullif(current_setting('app.trust_id', true), '')::uuid $$;

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['schools', 'users', 'closure_days', 'policy_profile_versions', 'registration_groups',
                             'terms', 'invitations', 'role_assignments', 'pupils', 'pupil_contacts', 'outbox_messages']
    LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (trust_id = app_current_trust()) WITH CHECK (trust_id = app_current_trust())', t);
    END LOOP;

    -- Identity's child tables carry no trust: they follow their user's row (itself under RLS).
    FOREACH t IN ARRAY ARRAY['user_claims', 'user_logins', 'user_tokens']
    LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (EXISTS (SELECT 1 FROM users u WHERE u.id = user_id)) WITH CHECK (EXISTS (SELECT 1 FROM users u WHERE u.id = user_id))', t);
    END LOOP;
END $$;

-- The trust row itself: a trust sees only itself.
ALTER TABLE trusts ENABLE ROW LEVEL SECURITY;
ALTER TABLE trusts FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON trusts USING (id = app_current_trust()) WITH CHECK (id = app_current_trust());

-- The audit trail: a trust reads its own rows; security events before a trust is known
-- (a failed sign-in for an unknown email) are written with no trust and read by nobody but the owner.
ALTER TABLE audit_events ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit_events FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_read ON audit_events FOR SELECT USING (trust_id = app_current_trust());
CREATE POLICY tenant_append ON audit_events FOR INSERT WITH CHECK (trust_id IS NULL OR trust_id = app_current_trust());

-- Append-only, even for a role that was granted more by mistake.
CREATE FUNCTION audit_events_append_only() RETURNS trigger
    LANGUAGE plpgsql
    AS $$ BEGIN RAISE EXCEPTION 'audit_events is append-only'; END $$;
CREATE TRIGGER audit_events_no_update BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only();

-- Before sign-in no trust is known. These functions answer only "which trust", run as the owner
-- (which bypasses RLS) and reveal nothing else; the caller then sets that trust and proceeds.
CREATE FUNCTION auth_trust_for_login(p_normalized text) RETURNS uuid
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public
    AS $$ SELECT trust_id FROM users WHERE normalized_user_name = p_normalized OR normalized_email = p_normalized LIMIT 1 $$;
CREATE FUNCTION auth_trust_for_user(p_user_id uuid) RETURNS uuid
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public
    AS $$ SELECT trust_id FROM users WHERE id = p_user_id $$;
CREATE FUNCTION auth_trust_for_invitation(p_token_hash text) RETURNS uuid
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public
    AS $$ SELECT trust_id FROM invitations WHERE token_hash = p_token_hash $$;
REVOKE ALL ON FUNCTION auth_trust_for_login(text), auth_trust_for_user(uuid), auth_trust_for_invitation(text) FROM PUBLIC;

-- ---------------------------------------------------------------------------------------------
-- Privileges of the application role: it owns nothing, so it can neither bypass RLS nor alter it.
-- ---------------------------------------------------------------------------------------------
GRANT USAGE ON SCHEMA public TO flexi_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO flexi_app;
REVOKE UPDATE, DELETE, TRUNCATE ON audit_events FROM flexi_app;
REVOKE UPDATE, DELETE, TRUNCATE ON bank_holidays FROM flexi_app;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO flexi_app;
GRANT EXECUTE ON FUNCTION app_current_trust(), auth_trust_for_login(text), auth_trust_for_user(uuid), auth_trust_for_invitation(text) TO flexi_app;
