-- 0016 Part-time (reduced) timetables on the shared case core (issue 11): the plan with its dated phases, and the
-- one mechanism every kind uses for consents, agreements and notifications (a record per party). Reviews keep the
-- parent's signature where the kind asks for it (003 appendix 1). Written by hand (docs/adr/0003).

CREATE TABLE part_time_plans (
    arrangement_id uuid NOT NULL,
    trust_id uuid NOT NULL,
    school_id uuid NOT NULL,
    reasons jsonb NOT NULL,
    support_plan character varying(4000) NOT NULL,
    reintegration character varying(4000) NOT NULL,
    welfare_responsibility character varying(1000) NOT NULL,
    start_date date NOT NULL,
    end_date date NOT NULL,
    phases jsonb NOT NULL,
    approved_end_date date NOT NULL,
    extension_reason character varying(2000),
    extensions integer NOT NULL,
    CONSTRAINT "PK_part_time_plans" PRIMARY KEY (arrangement_id),
    CONSTRAINT "FK_part_time_plans_arrangements_arrangement_id" FOREIGN KEY (arrangement_id) REFERENCES arrangements (id) ON DELETE RESTRICT
);

ALTER TABLE part_time_plans ENABLE ROW LEVEL SECURITY;
ALTER TABLE part_time_plans FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON part_time_plans USING (trust_id = app_current_trust()) WITH CHECK (trust_id = app_current_trust());
-- A plan is drafted, redrafted before approval and extended after; it is never deleted.
GRANT SELECT, INSERT, UPDATE ON part_time_plans TO flexi_app;

CREATE TABLE arrangement_consents (
    id uuid NOT NULL,
    trust_id uuid NOT NULL,
    school_id uuid NOT NULL,
    arrangement_id uuid NOT NULL,
    party character varying(30) NOT NULL,
    kind character varying(20) NOT NULL,
    what character varying(200) NOT NULL,
    answer character varying(20) NOT NULL,
    "on" date NOT NULL,
    by character varying(200) NOT NULL,
    note character varying(2000),
    evidence_document_id uuid,
    recorded_by uuid,
    recorded_at timestamp with time zone NOT NULL,
    CONSTRAINT "PK_arrangement_consents" PRIMARY KEY (id),
    CONSTRAINT "FK_arrangement_consents_arrangements_arrangement_id" FOREIGN KEY (arrangement_id) REFERENCES arrangements (id) ON DELETE RESTRICT,
    CONSTRAINT "FK_arrangement_consents_case_documents_evidence_document_id" FOREIGN KEY (evidence_document_id) REFERENCES case_documents (id) ON DELETE RESTRICT
);

CREATE INDEX "IX_arrangement_consents_arrangement_id_party" ON arrangement_consents (arrangement_id, party);
CREATE INDEX "IX_arrangement_consents_evidence_document_id" ON arrangement_consents (evidence_document_id);

ALTER TABLE arrangement_consents ENABLE ROW LEVEL SECURITY;
ALTER TABLE arrangement_consents FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON arrangement_consents USING (trust_id = app_current_trust()) WITH CHECK (trust_id = app_current_trust());
-- Append-only: a later answer of the same party stands over an earlier one, and both are kept.
GRANT SELECT, INSERT ON arrangement_consents TO flexi_app;

ALTER TABLE arrangement_reviews ADD parent_signed_by character varying(200);

-- The parent's one-time link also gives consent to a part-time timetable's plan (002 §4.2(1); 003 appendix 1).
ALTER TABLE agreement_signature_links ADD purpose character varying(20) NOT NULL DEFAULT 'Agreement';
ALTER TABLE agreement_signature_links ALTER COLUMN purpose DROP DEFAULT;

-- Safety and welfare checks on days a part-time timetable gives no time in school (004 §9.6, §9.7): one a day, kept.
CREATE TABLE welfare_checks (
    id uuid NOT NULL,
    trust_id uuid NOT NULL,
    school_id uuid NOT NULL,
    arrangement_id uuid NOT NULL,
    pupil_id uuid NOT NULL,
    date date NOT NULL,
    method character varying(20) NOT NULL,
    outcome character varying(2000) NOT NULL,
    recorded_by uuid,
    recorded_at timestamp with time zone NOT NULL,
    CONSTRAINT "PK_welfare_checks" PRIMARY KEY (id),
    CONSTRAINT "FK_welfare_checks_arrangements_arrangement_id" FOREIGN KEY (arrangement_id) REFERENCES arrangements (id) ON DELETE RESTRICT
);

CREATE UNIQUE INDEX "IX_welfare_checks_arrangement_id_date" ON welfare_checks (arrangement_id, date);

ALTER TABLE welfare_checks ENABLE ROW LEVEL SECURITY;
ALTER TABLE welfare_checks FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON welfare_checks USING (trust_id = app_current_trust()) WITH CHECK (trust_id = app_current_trust());
GRANT SELECT, INSERT ON welfare_checks TO flexi_app;

-- Flexi's notifications of the local authority and the trust move onto the one consents mechanism (ADR 0018): each
-- recorded notification becomes a record of its party, with the letter kept for it as evidence where one can be
-- matched (the notification letters are kept in the order they were sent), then the case's own columns go.
INSERT INTO arrangement_consents (id, trust_id, school_id, arrangement_id, party, kind, what, answer, "on", by, note, evidence_document_id, recorded_by, recorded_at)
SELECT gen_random_uuid(), a.trust_id, a.school_id, a.id, n.party, 'Notification', n.what, 'Told', n.notified_on, n.notified_to, NULL,
       (SELECT d.id FROM case_documents d WHERE d.arrangement_id = a.id AND d.kind = 'LocalAuthorityNotification' ORDER BY d.created_at OFFSET n.ordinal LIMIT 1),
       NULL, now()
  FROM arrangements a
 CROSS JOIN LATERAL (VALUES ('LocalAuthority', 'The local authority notified', a.local_authority_notified_on, a.local_authority_notified_to, 0),
                            ('Trust', 'The trust notified', a.trust_notified_on, a.trust_notified_to, 1)) AS n(party, what, notified_on, notified_to, ordinal)
 WHERE n.notified_on IS NOT NULL;

ALTER TABLE arrangements DROP COLUMN local_authority_notified_on;
ALTER TABLE arrangements DROP COLUMN local_authority_notified_to;
ALTER TABLE arrangements DROP COLUMN trust_notified_on;
ALTER TABLE arrangements DROP COLUMN trust_notified_to;
