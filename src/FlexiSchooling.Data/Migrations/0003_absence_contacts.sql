-- 0003 The absence contact log: calls, texts, emails, home visits, social-worker notifications,
-- letters, meetings and CME referrals, which close attendance follow-up items. Written by hand
-- (docs/adr/0003). Contacts are a record of what was done: added and read, never rewritten.

CREATE TABLE absence_contacts (
    id uuid NOT NULL,
    trust_id uuid NOT NULL,
    school_id uuid NOT NULL,
    pupil_id uuid NOT NULL,
    at timestamp with time zone NOT NULL,
    on_date date NOT NULL,
    method character varying(30) NOT NULL,
    reached_someone boolean NOT NULL,
    wave_stage integer,
    outcome character varying(500),
    by_user_id uuid,
    CONSTRAINT "PK_absence_contacts" PRIMARY KEY (id),
    CONSTRAINT "FK_absence_contacts_pupils_pupil_id" FOREIGN KEY (pupil_id) REFERENCES pupils (id) ON DELETE RESTRICT
);
CREATE INDEX "IX_absence_contacts_pupil_id_on_date" ON absence_contacts (pupil_id, on_date);
CREATE INDEX "IX_absence_contacts_trust_id" ON absence_contacts (trust_id);

ALTER TABLE absence_contacts ENABLE ROW LEVEL SECURITY;
ALTER TABLE absence_contacts FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON absence_contacts USING (trust_id = app_current_trust()) WITH CHECK (trust_id = app_current_trust());
GRANT SELECT, INSERT ON absence_contacts TO flexi_app;
CREATE TRIGGER absence_contacts_no_update BEFORE UPDATE OR DELETE ON absence_contacts
    FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
