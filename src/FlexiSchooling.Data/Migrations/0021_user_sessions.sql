-- 0021 Sessions held on the server (issue 14, item 1): the cookie names a session; signing out, "Your sessions", and an
-- administrator disabling an account, removing a role or resetting two-factor end it here, so a captured cookie is
-- refused on its next request. The last time the password was given (confirmed_at) gates step-up actions (item 2).
-- Written by hand (docs/adr/0003).

CREATE TABLE user_sessions (
    id uuid NOT NULL,
    trust_id uuid NOT NULL,
    user_id uuid NOT NULL,
    device character varying(200) NOT NULL,
    ip_address character varying(45),
    started_at timestamp with time zone NOT NULL,
    last_seen_at timestamp with time zone NOT NULL,
    confirmed_at timestamp with time zone NOT NULL,
    ended_at timestamp with time zone,
    ended_reason character varying(40),
    ended_by uuid,
    CONSTRAINT "PK_user_sessions" PRIMARY KEY (id),
    CONSTRAINT "FK_user_sessions_users_user_id" FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
);

CREATE INDEX "IX_user_sessions_user_id" ON user_sessions (user_id);

ALTER TABLE user_sessions ENABLE ROW LEVEL SECURITY;
ALTER TABLE user_sessions FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON user_sessions USING (trust_id = app_current_trust()) WITH CHECK (trust_id = app_current_trust());
GRANT SELECT, INSERT, UPDATE ON user_sessions TO flexi_app;
