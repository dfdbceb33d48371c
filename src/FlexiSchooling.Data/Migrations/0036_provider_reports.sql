-- 0036 The provider's daily report on each placed pupil (002 §4.4: "attendance updates by 10:00 AM daily"): kept as
-- received, never changed; a later report the same day is another row. Written by hand (docs/adr/0003, 0023).

CREATE TABLE provider_reports (
    id uuid NOT NULL,
    trust_id uuid NOT NULL,
    school_id uuid NOT NULL,
    arrangement_id uuid NOT NULL,
    date date NOT NULL,
    outcome character varying(20) NOT NULL,
    detail character varying(2000) NOT NULL,
    channel character varying(20) NOT NULL,
    received_at time without time zone NOT NULL,
    recorded_by uuid NOT NULL,
    recorded_at timestamp with time zone NOT NULL,
    CONSTRAINT "PK_provider_reports" PRIMARY KEY (id),
    CONSTRAINT "FK_provider_reports_placements_arrangement_id" FOREIGN KEY (arrangement_id) REFERENCES placements (arrangement_id) ON DELETE RESTRICT
);

CREATE INDEX "IX_provider_reports_arrangement_id_date" ON provider_reports (arrangement_id, date);

ALTER TABLE provider_reports ENABLE ROW LEVEL SECURITY;
ALTER TABLE provider_reports FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON provider_reports USING (trust_id = (SELECT app_current_trust())) WITH CHECK (trust_id = (SELECT app_current_trust()));
-- A report is what the provider said on a day: added to, never changed; removed only with its case by a retention run.
GRANT SELECT, INSERT ON provider_reports TO flexi_app;
CREATE TRIGGER provider_reports_append_only BEFORE UPDATE OR DELETE ON provider_reports
    FOR EACH ROW EXECUTE FUNCTION case_records_append_only();
