-- 0017 Local authorities become records of the trust (issue 11; domain.md "Local authorities"): each with how it wants
-- to be told of an arrangement (an emailed plan, an online form, a half-termly return) and within how many days. A school
-- names its authority from the trust's list instead of typing it. Written by hand (docs/adr/0003).

CREATE TABLE local_authorities (
    id uuid NOT NULL,
    trust_id uuid NOT NULL,
    name character varying(100) NOT NULL,
    code character(3),
    notice character varying(30) NOT NULL,
    address character varying(300),
    within_days integer NOT NULL,
    team character varying(200),
    CONSTRAINT "PK_local_authorities" PRIMARY KEY (id),
    CONSTRAINT "FK_local_authorities_trusts_trust_id" FOREIGN KEY (trust_id) REFERENCES trusts (id) ON DELETE RESTRICT
);

CREATE UNIQUE INDEX "IX_local_authorities_trust_id_name" ON local_authorities (trust_id, name);

ALTER TABLE local_authorities ENABLE ROW LEVEL SECURITY;
ALTER TABLE local_authorities FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON local_authorities USING (trust_id = app_current_trust()) WITH CHECK (trust_id = app_current_trust());
-- Schools point at their authority, so an authority is edited, never deleted.
GRANT SELECT, INSERT, UPDATE ON local_authorities TO flexi_app;

-- Each authority a school named becomes a record of its trust. How it wants to be told is not known yet: an emailed
-- plan on the day of agreement (the earliest deadline), with no address, until an administrator records it.
INSERT INTO local_authorities (id, trust_id, name, code, notice, address, within_days, team)
SELECT gen_random_uuid(), s.trust_id, s.local_authority, NULL, 'EmailedPlan', NULL, 0, NULL
  FROM (SELECT DISTINCT trust_id, local_authority FROM schools) s;

ALTER TABLE schools ADD local_authority_id uuid;
UPDATE schools s SET local_authority_id = la.id FROM local_authorities la WHERE la.trust_id = s.trust_id AND la.name = s.local_authority;
ALTER TABLE schools ALTER COLUMN local_authority_id SET NOT NULL;
ALTER TABLE schools ADD CONSTRAINT "FK_schools_local_authorities_local_authority_id" FOREIGN KEY (local_authority_id) REFERENCES local_authorities (id) ON DELETE RESTRICT;
CREATE INDEX "IX_schools_local_authority_id" ON schools (local_authority_id);
ALTER TABLE schools DROP COLUMN local_authority;
