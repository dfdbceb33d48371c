-- 0038 Every key of a trust's table led by trust_id (ADR 0032): primary keys (trust_id, id), unique indexes
-- (trust_id, ...), foreign keys (trust_id, x_id) to the parent's (trust_id, id), and the other indexes led by trust_id
-- too. Two things follow. The database itself refuses a row that points at another trust's row: until now only the
-- application's checks, the query filters and row-level security stood between a case and another trust's pupil. And
-- the schema distributes by trust_id (docs/scaling.md): Citus requires the distribution column in every primary key,
-- unique constraint and foreign key of a distributed table. Not changed, and why: the trusts, the users and their
-- sign-in records, invitations (read before a trust is known, by address or link) and the audit trail (it has rows of
-- no trust), reference or coordinator tables there. Indexes a job reads across trusts (unsent e-mails, exports
-- waiting) stay led by what they are read by; a signing link's token, read before its trust is known, leads its
-- unique index, which ends with trust_id.
--
-- The model applies the same rule (TrustLedKeys.cs) and SchemaTests holds the two equal. The statements below were
-- generated from the difference between the migrated schema and the model's, then read. Written by hand otherwise
-- (docs/adr/0003, 0023). On a large database the new indexes are built while the tables are locked: run it in a
-- maintenance window (docs/operations.md). If any row points at another trust's row, it fails and changes nothing.

-- Foreign keys first: they hold the primary keys they point at.
ALTER TABLE absence_contacts DROP CONSTRAINT "FK_absence_contacts_pupils_pupil_id";
ALTER TABLE agreement_signature_links DROP CONSTRAINT "FK_agreement_signature_links_arrangements_arrangement_id";
ALTER TABLE arrangement_consents DROP CONSTRAINT "FK_arrangement_consents_arrangements_arrangement_id";
ALTER TABLE arrangement_consents DROP CONSTRAINT "FK_arrangement_consents_case_documents_evidence_document_id";
ALTER TABLE arrangement_events DROP CONSTRAINT "FK_arrangement_events_arrangements_arrangement_id";
ALTER TABLE arrangement_reviews DROP CONSTRAINT "FK_arrangement_reviews_arrangements_arrangement_id";
ALTER TABLE arrangements DROP CONSTRAINT "FK_arrangements_pupils_pupil_id";
ALTER TABLE arrangements DROP CONSTRAINT "FK_arrangements_schools_school_id";
ALTER TABLE attendance_marks DROP CONSTRAINT "FK_attendance_marks_pupils_pupil_id";
ALTER TABLE attendance_marks DROP CONSTRAINT "FK_attendance_marks_schools_school_id";
ALTER TABLE case_documents DROP CONSTRAINT "FK_case_documents_arrangement_reviews_review_id";
ALTER TABLE case_documents DROP CONSTRAINT "FK_case_documents_arrangements_arrangement_id";
ALTER TABLE closure_days DROP CONSTRAINT "FK_closure_days_schools_school_id";
ALTER TABLE commissioning_agreements DROP CONSTRAINT "FK_commissioning_agreements_placements_arrangement_id";
ALTER TABLE expected_marks DROP CONSTRAINT "FK_expected_marks_pupils_pupil_id";
ALTER TABLE flexi_agreements DROP CONSTRAINT "FK_flexi_agreements_arrangements_arrangement_id";
ALTER TABLE import_batches DROP CONSTRAINT "FK_import_batches_schools_school_id";
ALTER TABLE legal_holds DROP CONSTRAINT "FK_legal_holds_pupils_pupil_id";
ALTER TABLE local_authority_returns DROP CONSTRAINT "FK_local_authority_returns_local_authorities_local_authority_id";
ALTER TABLE local_authority_returns DROP CONSTRAINT "FK_local_authority_returns_schools_school_id";
ALTER TABLE part_time_plans DROP CONSTRAINT "FK_part_time_plans_arrangements_arrangement_id";
ALTER TABLE placement_visits DROP CONSTRAINT "FK_placement_visits_case_documents_document_id";
ALTER TABLE placement_visits DROP CONSTRAINT "FK_placement_visits_placements_arrangement_id";
ALTER TABLE placements DROP CONSTRAINT "FK_placements_alternative_providers_provider_id";
ALTER TABLE placements DROP CONSTRAINT "FK_placements_arrangements_arrangement_id";
ALTER TABLE policy_profile_versions DROP CONSTRAINT "FK_policy_profile_versions_schools_school_id";
ALTER TABLE provider_checks DROP CONSTRAINT "FK_provider_checks_alternative_providers_provider_id";
ALTER TABLE provider_reports DROP CONSTRAINT "FK_provider_reports_placements_arrangement_id";
ALTER TABLE pupil_contacts DROP CONSTRAINT "FK_pupil_contacts_pupils_pupil_id";
ALTER TABLE pupils DROP CONSTRAINT "FK_pupils_registration_groups_registration_group_id";
ALTER TABLE pupils DROP CONSTRAINT "FK_pupils_schools_school_id";
ALTER TABLE register_submissions DROP CONSTRAINT "FK_register_submissions_registration_groups_group_id";
ALTER TABLE registration_groups DROP CONSTRAINT "FK_registration_groups_schools_school_id";
ALTER TABLE risk_assessments DROP CONSTRAINT "FK_risk_assessments_arrangements_arrangement_id";
ALTER TABLE role_assignments DROP CONSTRAINT "FK_role_assignments_schools_school_id";
ALTER TABLE schools DROP CONSTRAINT "FK_schools_local_authorities_local_authority_id";
ALTER TABLE subject_access_bundles DROP CONSTRAINT "FK_subject_access_bundles_subject_access_requests_request_id";
ALTER TABLE subject_access_requests DROP CONSTRAINT "FK_subject_access_requests_pupils_pupil_id";
ALTER TABLE subject_access_requests DROP CONSTRAINT "FK_subject_access_requests_schools_school_id";
ALTER TABLE terms DROP CONSTRAINT "FK_terms_schools_school_id";
ALTER TABLE welfare_checks DROP CONSTRAINT "FK_welfare_checks_arrangements_arrangement_id";

-- Indexes replaced by ones led by trust_id (or, for a token read before its trust is known, ending with it).
DROP INDEX "IX_absence_contacts_pupil_id_on_date";
DROP INDEX "IX_absence_contacts_trust_id";
DROP INDEX "IX_agreement_signature_links_arrangement_id";
DROP INDEX "IX_agreement_signature_links_token_hash";
DROP INDEX "IX_arrangement_consents_arrangement_id_party";
DROP INDEX "IX_arrangement_consents_evidence_document_id";
DROP INDEX "IX_arrangement_events_arrangement_id_at";
DROP INDEX "IX_arrangement_reviews_arrangement_id_due_on";
DROP INDEX "IX_arrangements_pupil_id_kind";
DROP INDEX "IX_arrangements_school_id_stage";
DROP INDEX "IX_attendance_mark_changes_pupil_id_date";
DROP INDEX "IX_attendance_marks_pupil_id_date_session";
DROP INDEX "IX_attendance_marks_school_id_date";
DROP INDEX "IX_attendance_pupil_weeks_school_id_week_start";
DROP INDEX "IX_attendance_pupil_years_school_id_year_start";
DROP INDEX "IX_case_documents_arrangement_id_created_at";
DROP INDEX "IX_case_documents_review_id";
DROP INDEX "IX_closure_days_school_id_date";
DROP INDEX "IX_closure_days_trust_id";
DROP INDEX "IX_expected_marks_pupil_id_from";
DROP INDEX "IX_expected_marks_trust_id";
DROP INDEX "IX_import_batches_school_id_created_at";
DROP INDEX "IX_import_batches_trust_id";
DROP INDEX "IX_legal_holds_pupil_id";
DROP INDEX "IX_local_authority_returns_local_authority_id";
DROP INDEX "IX_local_authority_returns_school_la_half_term";
DROP INDEX "IX_outbox_messages_trust_id";
DROP INDEX "IX_placement_visits_arrangement_id_visited_on";
DROP INDEX "IX_placement_visits_document_id";
DROP INDEX "IX_placements_provider_id";
DROP INDEX "IX_policy_profile_versions_school_id";
DROP INDEX "IX_provider_checks_provider_id_item";
DROP INDEX "IX_provider_reports_arrangement_id_date";
DROP INDEX "IX_pupil_contacts_pupil_id";
DROP INDEX "IX_pupil_contacts_school_id";
DROP INDEX "IX_pupil_contacts_trust_id";
DROP INDEX "IX_pupils_registration_group_id";
DROP INDEX "IX_pupils_school_id_legal_surname";
DROP INDEX "IX_register_submissions_group_id_date_session";
DROP INDEX "IX_register_submissions_trust_id";
DROP INDEX "IX_registration_groups_school_id_name";
DROP INDEX "IX_registration_groups_trust_id";
DROP INDEX "IX_risk_assessments_arrangement_id_number";
DROP INDEX "IX_role_assignments_school_id";
DROP INDEX "IX_role_assignments_trust_id";
DROP INDEX "IX_role_assignments_user_id_school_id_role";
DROP INDEX "IX_schools_local_authority_id";
DROP INDEX "IX_subject_access_requests_pupil_id";
DROP INDEX "IX_subject_access_requests_school_id";
DROP INDEX "IX_terms_school_id_start_date";
DROP INDEX "IX_terms_trust_id";
DROP INDEX "IX_welfare_checks_arrangement_id_date";

-- Primary keys (trust_id, id).
ALTER TABLE absence_contacts DROP CONSTRAINT "PK_absence_contacts", ADD CONSTRAINT "PK_absence_contacts" PRIMARY KEY (trust_id, id);
ALTER TABLE agreement_signature_links DROP CONSTRAINT "PK_agreement_signature_links", ADD CONSTRAINT "PK_agreement_signature_links" PRIMARY KEY (trust_id, id);
ALTER TABLE alternative_providers DROP CONSTRAINT "PK_alternative_providers", ADD CONSTRAINT "PK_alternative_providers" PRIMARY KEY (trust_id, id);
ALTER TABLE arrangement_consents DROP CONSTRAINT "PK_arrangement_consents", ADD CONSTRAINT "PK_arrangement_consents" PRIMARY KEY (trust_id, id);
ALTER TABLE arrangement_events DROP CONSTRAINT "PK_arrangement_events", ADD CONSTRAINT "PK_arrangement_events" PRIMARY KEY (trust_id, id);
ALTER TABLE arrangement_reviews DROP CONSTRAINT "PK_arrangement_reviews", ADD CONSTRAINT "PK_arrangement_reviews" PRIMARY KEY (trust_id, id);
ALTER TABLE arrangements DROP CONSTRAINT "PK_arrangements", ADD CONSTRAINT "PK_arrangements" PRIMARY KEY (trust_id, id);
ALTER TABLE attendance_mark_changes DROP CONSTRAINT "PK_attendance_mark_changes", ADD CONSTRAINT "PK_attendance_mark_changes" PRIMARY KEY (trust_id, id);
ALTER TABLE attendance_marks DROP CONSTRAINT "PK_attendance_marks", ADD CONSTRAINT "PK_attendance_marks" PRIMARY KEY (trust_id, id);
ALTER TABLE attendance_pupil_weeks DROP CONSTRAINT "PK_attendance_pupil_weeks", ADD CONSTRAINT "PK_attendance_pupil_weeks" PRIMARY KEY (trust_id, pupil_id, school_id, week_start);
ALTER TABLE attendance_pupil_years DROP CONSTRAINT "PK_attendance_pupil_years", ADD CONSTRAINT "PK_attendance_pupil_years" PRIMARY KEY (trust_id, pupil_id, school_id, year_start);
ALTER TABLE attendance_school_weeks DROP CONSTRAINT "PK_attendance_school_weeks", ADD CONSTRAINT "PK_attendance_school_weeks" PRIMARY KEY (trust_id, school_id, week_start);
ALTER TABLE attendance_school_years DROP CONSTRAINT "PK_attendance_school_years", ADD CONSTRAINT "PK_attendance_school_years" PRIMARY KEY (trust_id, school_id, year_start);
ALTER TABLE case_documents DROP CONSTRAINT "PK_case_documents", ADD CONSTRAINT "PK_case_documents" PRIMARY KEY (trust_id, id);
ALTER TABLE closure_days DROP CONSTRAINT "PK_closure_days", ADD CONSTRAINT "PK_closure_days" PRIMARY KEY (trust_id, id);
ALTER TABLE commissioning_agreements DROP CONSTRAINT "PK_commissioning_agreements", ADD CONSTRAINT "PK_commissioning_agreements" PRIMARY KEY (trust_id, arrangement_id);
ALTER TABLE expected_marks DROP CONSTRAINT "PK_expected_marks", ADD CONSTRAINT "PK_expected_marks" PRIMARY KEY (trust_id, id);
ALTER TABLE flexi_agreements DROP CONSTRAINT "PK_flexi_agreements", ADD CONSTRAINT "PK_flexi_agreements" PRIMARY KEY (trust_id, arrangement_id);
ALTER TABLE import_batches DROP CONSTRAINT "PK_import_batches", ADD CONSTRAINT "PK_import_batches" PRIMARY KEY (trust_id, id);
ALTER TABLE legal_holds DROP CONSTRAINT "PK_legal_holds", ADD CONSTRAINT "PK_legal_holds" PRIMARY KEY (trust_id, id);
ALTER TABLE local_authorities DROP CONSTRAINT "PK_local_authorities", ADD CONSTRAINT "PK_local_authorities" PRIMARY KEY (trust_id, id);
ALTER TABLE local_authority_returns DROP CONSTRAINT "PK_local_authority_returns", ADD CONSTRAINT "PK_local_authority_returns" PRIMARY KEY (trust_id, id);
ALTER TABLE outbox_messages DROP CONSTRAINT "PK_outbox_messages", ADD CONSTRAINT "PK_outbox_messages" PRIMARY KEY (trust_id, id);
ALTER TABLE part_time_plans DROP CONSTRAINT "PK_part_time_plans", ADD CONSTRAINT "PK_part_time_plans" PRIMARY KEY (trust_id, arrangement_id);
ALTER TABLE placement_visits DROP CONSTRAINT "PK_placement_visits", ADD CONSTRAINT "PK_placement_visits" PRIMARY KEY (trust_id, id);
ALTER TABLE placements DROP CONSTRAINT "PK_placements", ADD CONSTRAINT "PK_placements" PRIMARY KEY (trust_id, arrangement_id);
ALTER TABLE policy_profile_versions DROP CONSTRAINT "PK_policy_profile_versions", ADD CONSTRAINT "PK_policy_profile_versions" PRIMARY KEY (trust_id, id);
ALTER TABLE provider_checks DROP CONSTRAINT "PK_provider_checks", ADD CONSTRAINT "PK_provider_checks" PRIMARY KEY (trust_id, id);
ALTER TABLE provider_reports DROP CONSTRAINT "PK_provider_reports", ADD CONSTRAINT "PK_provider_reports" PRIMARY KEY (trust_id, id);
ALTER TABLE pupil_contacts DROP CONSTRAINT "PK_pupil_contacts", ADD CONSTRAINT "PK_pupil_contacts" PRIMARY KEY (trust_id, id);
ALTER TABLE pupils DROP CONSTRAINT "PK_pupils", ADD CONSTRAINT "PK_pupils" PRIMARY KEY (trust_id, id);
ALTER TABLE register_submissions DROP CONSTRAINT "PK_register_submissions", ADD CONSTRAINT "PK_register_submissions" PRIMARY KEY (trust_id, id);
ALTER TABLE registration_groups DROP CONSTRAINT "PK_registration_groups", ADD CONSTRAINT "PK_registration_groups" PRIMARY KEY (trust_id, id);
ALTER TABLE retention_runs DROP CONSTRAINT "PK_retention_runs", ADD CONSTRAINT "PK_retention_runs" PRIMARY KEY (trust_id, id);
ALTER TABLE risk_assessments DROP CONSTRAINT "PK_risk_assessments", ADD CONSTRAINT "PK_risk_assessments" PRIMARY KEY (trust_id, id);
ALTER TABLE role_assignments DROP CONSTRAINT "PK_role_assignments", ADD CONSTRAINT "PK_role_assignments" PRIMARY KEY (trust_id, id);
ALTER TABLE schools DROP CONSTRAINT "PK_schools", ADD CONSTRAINT "PK_schools" PRIMARY KEY (trust_id, id);
ALTER TABLE subject_access_bundles DROP CONSTRAINT "PK_subject_access_bundles", ADD CONSTRAINT "PK_subject_access_bundles" PRIMARY KEY (trust_id, request_id);
ALTER TABLE subject_access_requests DROP CONSTRAINT "PK_subject_access_requests", ADD CONSTRAINT "PK_subject_access_requests" PRIMARY KEY (trust_id, id);
ALTER TABLE terms DROP CONSTRAINT "PK_terms", ADD CONSTRAINT "PK_terms" PRIMARY KEY (trust_id, id);
ALTER TABLE welfare_checks DROP CONSTRAINT "PK_welfare_checks", ADD CONSTRAINT "PK_welfare_checks" PRIMARY KEY (trust_id, id);

CREATE INDEX "IX_absence_contacts_trust_id_pupil_id_on_date" ON absence_contacts USING btree (trust_id, pupil_id, on_date);
CREATE UNIQUE INDEX "IX_agreement_signature_links_token_hash_trust_id" ON agreement_signature_links USING btree (token_hash, trust_id);
CREATE INDEX "IX_agreement_signature_links_trust_id_arrangement_id" ON agreement_signature_links USING btree (trust_id, arrangement_id);
CREATE INDEX "IX_arrangement_consents_trust_id_arrangement_id_party" ON arrangement_consents USING btree (trust_id, arrangement_id, party);
CREATE INDEX "IX_arrangement_consents_trust_id_evidence_document_id" ON arrangement_consents USING btree (trust_id, evidence_document_id);
CREATE INDEX "IX_arrangement_events_trust_id_arrangement_id_at" ON arrangement_events USING btree (trust_id, arrangement_id, at);
CREATE INDEX "IX_arrangement_reviews_trust_id_arrangement_id_due_on" ON arrangement_reviews USING btree (trust_id, arrangement_id, due_on);
CREATE INDEX "IX_arrangements_trust_id_pupil_id_kind" ON arrangements USING btree (trust_id, pupil_id, kind);
CREATE INDEX "IX_arrangements_trust_id_school_id_stage" ON arrangements USING btree (trust_id, school_id, stage);
CREATE INDEX "IX_attendance_mark_changes_trust_id_pupil_id_date" ON attendance_mark_changes USING btree (trust_id, pupil_id, date);
CREATE UNIQUE INDEX "IX_attendance_marks_trust_id_pupil_id_date_session" ON attendance_marks USING btree (trust_id, pupil_id, date, session);
CREATE INDEX "IX_attendance_marks_trust_id_school_id_date" ON attendance_marks USING btree (trust_id, school_id, date);
CREATE INDEX "IX_attendance_pupil_weeks_trust_id_school_id_week_start" ON attendance_pupil_weeks USING btree (trust_id, school_id, week_start);
CREATE INDEX "IX_attendance_pupil_years_trust_id_school_id_year_start" ON attendance_pupil_years USING btree (trust_id, school_id, year_start);
CREATE INDEX "IX_case_documents_trust_id_arrangement_id_created_at" ON case_documents USING btree (trust_id, arrangement_id, created_at);
CREATE INDEX "IX_case_documents_trust_id_review_id" ON case_documents USING btree (trust_id, review_id);
CREATE UNIQUE INDEX "IX_closure_days_trust_id_school_id_date" ON closure_days USING btree (trust_id, school_id, date);
CREATE INDEX "IX_expected_marks_trust_id_pupil_id_from" ON expected_marks USING btree (trust_id, pupil_id, "from");
CREATE INDEX "IX_import_batches_trust_id_school_id_created_at" ON import_batches USING btree (trust_id, school_id, created_at);
CREATE INDEX "IX_legal_holds_trust_id_pupil_id" ON legal_holds USING btree (trust_id, pupil_id);
CREATE UNIQUE INDEX "IX_local_authority_returns_school_la_half_term" ON local_authority_returns USING btree (trust_id, school_id, local_authority_id, half_term_first);
CREATE INDEX "IX_local_authority_returns_trust_id_local_authority_id" ON local_authority_returns USING btree (trust_id, local_authority_id);
CREATE INDEX "IX_placement_visits_trust_id_arrangement_id_visited_on" ON placement_visits USING btree (trust_id, arrangement_id, visited_on);
CREATE INDEX "IX_placement_visits_trust_id_document_id" ON placement_visits USING btree (trust_id, document_id);
CREATE INDEX "IX_placements_trust_id_provider_id" ON placements USING btree (trust_id, provider_id);
CREATE INDEX "IX_provider_checks_trust_id_provider_id_item" ON provider_checks USING btree (trust_id, provider_id, item);
CREATE INDEX "IX_provider_reports_trust_id_arrangement_id_date" ON provider_reports USING btree (trust_id, arrangement_id, date);
CREATE INDEX "IX_pupil_contacts_trust_id_pupil_id" ON pupil_contacts USING btree (trust_id, pupil_id);
CREATE INDEX "IX_pupil_contacts_trust_id_school_id" ON pupil_contacts USING btree (trust_id, school_id);
CREATE INDEX "IX_pupils_trust_id_registration_group_id" ON pupils USING btree (trust_id, registration_group_id);
CREATE INDEX "IX_pupils_trust_id_school_id_legal_surname" ON pupils USING btree (trust_id, school_id, legal_surname);
CREATE INDEX "IX_register_submissions_trust_id_group_id_date_session" ON register_submissions USING btree (trust_id, group_id, date, session);
CREATE UNIQUE INDEX "IX_registration_groups_trust_id_school_id_name" ON registration_groups USING btree (trust_id, school_id, name);
CREATE INDEX "IX_registration_groups_trust_id_tutor_user_id" ON registration_groups USING btree (trust_id, tutor_user_id);
CREATE UNIQUE INDEX "IX_risk_assessments_trust_id_arrangement_id_number" ON risk_assessments USING btree (trust_id, arrangement_id, number);
CREATE INDEX "IX_role_assignments_trust_id_school_id" ON role_assignments USING btree (trust_id, school_id);
CREATE UNIQUE INDEX "IX_role_assignments_trust_id_user_id_school_id_role" ON role_assignments USING btree (trust_id, user_id, school_id, role) NULLS NOT DISTINCT;
CREATE INDEX "IX_role_assignments_user_id" ON role_assignments USING btree (user_id);
CREATE INDEX "IX_schools_trust_id_local_authority_id" ON schools USING btree (trust_id, local_authority_id);
CREATE INDEX "IX_subject_access_requests_trust_id_pupil_id" ON subject_access_requests USING btree (trust_id, pupil_id);
CREATE INDEX "IX_subject_access_requests_trust_id_school_id" ON subject_access_requests USING btree (trust_id, school_id);
CREATE UNIQUE INDEX "IX_terms_trust_id_school_id_start_date" ON terms USING btree (trust_id, school_id, start_date);
CREATE UNIQUE INDEX "IX_welfare_checks_trust_id_arrangement_id_date" ON welfare_checks USING btree (trust_id, arrangement_id, date);

-- Foreign keys (trust_id, x_id) to the parent's (trust_id, id): a row can point only at its own trust's rows.
ALTER TABLE absence_contacts ADD CONSTRAINT "FK_absence_contacts_pupils_pupil_id" FOREIGN KEY (trust_id, pupil_id) REFERENCES pupils(trust_id, id) ON DELETE RESTRICT;
ALTER TABLE agreement_signature_links ADD CONSTRAINT "FK_agreement_signature_links_arrangements_arrangement_id" FOREIGN KEY (trust_id, arrangement_id) REFERENCES arrangements(trust_id, id) ON DELETE RESTRICT;
ALTER TABLE arrangement_consents ADD CONSTRAINT "FK_arrangement_consents_arrangements_arrangement_id" FOREIGN KEY (trust_id, arrangement_id) REFERENCES arrangements(trust_id, id) ON DELETE RESTRICT;
ALTER TABLE arrangement_consents ADD CONSTRAINT "FK_arrangement_consents_case_documents_evidence_document_id" FOREIGN KEY (trust_id, evidence_document_id) REFERENCES case_documents(trust_id, id) ON DELETE RESTRICT;
ALTER TABLE arrangement_events ADD CONSTRAINT "FK_arrangement_events_arrangements_arrangement_id" FOREIGN KEY (trust_id, arrangement_id) REFERENCES arrangements(trust_id, id) ON DELETE RESTRICT;
ALTER TABLE arrangement_reviews ADD CONSTRAINT "FK_arrangement_reviews_arrangements_arrangement_id" FOREIGN KEY (trust_id, arrangement_id) REFERENCES arrangements(trust_id, id) ON DELETE RESTRICT;
ALTER TABLE arrangements ADD CONSTRAINT "FK_arrangements_pupils_pupil_id" FOREIGN KEY (trust_id, pupil_id) REFERENCES pupils(trust_id, id) ON DELETE RESTRICT;
ALTER TABLE arrangements ADD CONSTRAINT "FK_arrangements_schools_school_id" FOREIGN KEY (trust_id, school_id) REFERENCES schools(trust_id, id) ON DELETE RESTRICT;
ALTER TABLE attendance_marks ADD CONSTRAINT "FK_attendance_marks_pupils_pupil_id" FOREIGN KEY (trust_id, pupil_id) REFERENCES pupils(trust_id, id) ON DELETE RESTRICT;
ALTER TABLE attendance_marks ADD CONSTRAINT "FK_attendance_marks_schools_school_id" FOREIGN KEY (trust_id, school_id) REFERENCES schools(trust_id, id) ON DELETE RESTRICT;
ALTER TABLE case_documents ADD CONSTRAINT "FK_case_documents_arrangement_reviews_review_id" FOREIGN KEY (trust_id, review_id) REFERENCES arrangement_reviews(trust_id, id) ON DELETE RESTRICT;
ALTER TABLE case_documents ADD CONSTRAINT "FK_case_documents_arrangements_arrangement_id" FOREIGN KEY (trust_id, arrangement_id) REFERENCES arrangements(trust_id, id) ON DELETE RESTRICT;
ALTER TABLE closure_days ADD CONSTRAINT "FK_closure_days_schools_school_id" FOREIGN KEY (trust_id, school_id) REFERENCES schools(trust_id, id) ON DELETE RESTRICT;
ALTER TABLE commissioning_agreements ADD CONSTRAINT "FK_commissioning_agreements_placements_arrangement_id" FOREIGN KEY (trust_id, arrangement_id) REFERENCES placements(trust_id, arrangement_id) ON DELETE RESTRICT;
ALTER TABLE expected_marks ADD CONSTRAINT "FK_expected_marks_pupils_pupil_id" FOREIGN KEY (trust_id, pupil_id) REFERENCES pupils(trust_id, id) ON DELETE RESTRICT;
ALTER TABLE flexi_agreements ADD CONSTRAINT "FK_flexi_agreements_arrangements_arrangement_id" FOREIGN KEY (trust_id, arrangement_id) REFERENCES arrangements(trust_id, id) ON DELETE RESTRICT;
ALTER TABLE import_batches ADD CONSTRAINT "FK_import_batches_schools_school_id" FOREIGN KEY (trust_id, school_id) REFERENCES schools(trust_id, id) ON DELETE RESTRICT;
ALTER TABLE legal_holds ADD CONSTRAINT "FK_legal_holds_pupils_pupil_id" FOREIGN KEY (trust_id, pupil_id) REFERENCES pupils(trust_id, id) ON DELETE RESTRICT;
ALTER TABLE local_authority_returns ADD CONSTRAINT "FK_local_authority_returns_local_authorities_local_authority_id" FOREIGN KEY (trust_id, local_authority_id) REFERENCES local_authorities(trust_id, id) ON DELETE RESTRICT;
ALTER TABLE local_authority_returns ADD CONSTRAINT "FK_local_authority_returns_schools_school_id" FOREIGN KEY (trust_id, school_id) REFERENCES schools(trust_id, id) ON DELETE RESTRICT;
ALTER TABLE part_time_plans ADD CONSTRAINT "FK_part_time_plans_arrangements_arrangement_id" FOREIGN KEY (trust_id, arrangement_id) REFERENCES arrangements(trust_id, id) ON DELETE RESTRICT;
ALTER TABLE placement_visits ADD CONSTRAINT "FK_placement_visits_case_documents_document_id" FOREIGN KEY (trust_id, document_id) REFERENCES case_documents(trust_id, id) ON DELETE RESTRICT;
ALTER TABLE placement_visits ADD CONSTRAINT "FK_placement_visits_placements_arrangement_id" FOREIGN KEY (trust_id, arrangement_id) REFERENCES placements(trust_id, arrangement_id) ON DELETE RESTRICT;
ALTER TABLE placements ADD CONSTRAINT "FK_placements_alternative_providers_provider_id" FOREIGN KEY (trust_id, provider_id) REFERENCES alternative_providers(trust_id, id) ON DELETE RESTRICT;
ALTER TABLE placements ADD CONSTRAINT "FK_placements_arrangements_arrangement_id" FOREIGN KEY (trust_id, arrangement_id) REFERENCES arrangements(trust_id, id) ON DELETE RESTRICT;
ALTER TABLE policy_profile_versions ADD CONSTRAINT "FK_policy_profile_versions_schools_school_id" FOREIGN KEY (trust_id, school_id) REFERENCES schools(trust_id, id) ON DELETE RESTRICT;
ALTER TABLE provider_checks ADD CONSTRAINT "FK_provider_checks_alternative_providers_provider_id" FOREIGN KEY (trust_id, provider_id) REFERENCES alternative_providers(trust_id, id) ON DELETE RESTRICT;
ALTER TABLE provider_reports ADD CONSTRAINT "FK_provider_reports_placements_arrangement_id" FOREIGN KEY (trust_id, arrangement_id) REFERENCES placements(trust_id, arrangement_id) ON DELETE RESTRICT;
ALTER TABLE pupil_contacts ADD CONSTRAINT "FK_pupil_contacts_pupils_pupil_id" FOREIGN KEY (trust_id, pupil_id) REFERENCES pupils(trust_id, id) ON DELETE CASCADE;
ALTER TABLE pupils ADD CONSTRAINT "FK_pupils_registration_groups_registration_group_id" FOREIGN KEY (trust_id, registration_group_id) REFERENCES registration_groups(trust_id, id) ON DELETE RESTRICT;
ALTER TABLE pupils ADD CONSTRAINT "FK_pupils_schools_school_id" FOREIGN KEY (trust_id, school_id) REFERENCES schools(trust_id, id) ON DELETE RESTRICT;
ALTER TABLE register_submissions ADD CONSTRAINT "FK_register_submissions_registration_groups_group_id" FOREIGN KEY (trust_id, group_id) REFERENCES registration_groups(trust_id, id) ON DELETE RESTRICT;
ALTER TABLE registration_groups ADD CONSTRAINT "FK_registration_groups_schools_school_id" FOREIGN KEY (trust_id, school_id) REFERENCES schools(trust_id, id) ON DELETE RESTRICT;
ALTER TABLE risk_assessments ADD CONSTRAINT "FK_risk_assessments_arrangements_arrangement_id" FOREIGN KEY (trust_id, arrangement_id) REFERENCES arrangements(trust_id, id) ON DELETE RESTRICT;
ALTER TABLE role_assignments ADD CONSTRAINT "FK_role_assignments_schools_school_id" FOREIGN KEY (trust_id, school_id) REFERENCES schools(trust_id, id) ON DELETE RESTRICT;
ALTER TABLE schools ADD CONSTRAINT "FK_schools_local_authorities_local_authority_id" FOREIGN KEY (trust_id, local_authority_id) REFERENCES local_authorities(trust_id, id) ON DELETE RESTRICT;
ALTER TABLE subject_access_bundles ADD CONSTRAINT "FK_subject_access_bundles_subject_access_requests_request_id" FOREIGN KEY (trust_id, request_id) REFERENCES subject_access_requests(trust_id, id) ON DELETE CASCADE;
ALTER TABLE subject_access_requests ADD CONSTRAINT "FK_subject_access_requests_pupils_pupil_id" FOREIGN KEY (trust_id, pupil_id) REFERENCES pupils(trust_id, id) ON DELETE RESTRICT;
ALTER TABLE subject_access_requests ADD CONSTRAINT "FK_subject_access_requests_schools_school_id" FOREIGN KEY (trust_id, school_id) REFERENCES schools(trust_id, id) ON DELETE RESTRICT;
ALTER TABLE terms ADD CONSTRAINT "FK_terms_schools_school_id" FOREIGN KEY (trust_id, school_id) REFERENCES schools(trust_id, id) ON DELETE RESTRICT;
ALTER TABLE welfare_checks ADD CONSTRAINT "FK_welfare_checks_arrangements_arrangement_id" FOREIGN KEY (trust_id, arrangement_id) REFERENCES arrangements(trust_id, id) ON DELETE RESTRICT;

-- The kept sums' triggers (0037) drop a school's kept rows by their whole key now that it leads with the trust.
CREATE OR REPLACE FUNCTION attendance_school_years_forget() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    PERFORM pg_advisory_xact_lock_shared(attendance_school_year_lock(c.school_id, c.year_start))
       FROM (SELECT DISTINCT school_id, year_start FROM changed_rows) c
      ORDER BY c.school_id, c.year_start;
    -- The kept rows a statement drops are locked in one order first, so two statements spanning the same schools (two
    -- imports at once) do not each hold one the other waits for.
    PERFORM 1 FROM attendance_school_years s
       JOIN (SELECT DISTINCT trust_id, school_id, year_start FROM changed_rows) c
         ON s.trust_id = c.trust_id AND s.school_id = c.school_id AND s.year_start = c.year_start
      ORDER BY s.school_id, s.year_start
        FOR UPDATE OF s;
    DELETE FROM attendance_school_years s
     USING (SELECT DISTINCT trust_id, school_id, year_start FROM changed_rows) c
     WHERE s.trust_id = c.trust_id AND s.school_id = c.school_id AND s.year_start = c.year_start;
    RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION attendance_school_weeks_forget() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    PERFORM pg_advisory_xact_lock_shared(attendance_school_week_lock(c.school_id, c.week_start))
       FROM (SELECT DISTINCT school_id, week_start FROM changed_rows) c
      ORDER BY c.school_id, c.week_start;
    -- The kept rows a statement drops are locked in one order first, so two statements spanning the same schools (two
    -- imports at once) do not each hold one the other waits for.
    PERFORM 1 FROM attendance_school_weeks s
       JOIN (SELECT DISTINCT trust_id, school_id, week_start FROM changed_rows) c
         ON s.trust_id = c.trust_id AND s.school_id = c.school_id AND s.week_start = c.week_start
      ORDER BY s.school_id, s.week_start
        FOR UPDATE OF s;
    DELETE FROM attendance_school_weeks s
     USING (SELECT DISTINCT trust_id, school_id, week_start FROM changed_rows) c
     WHERE s.trust_id = c.trust_id AND s.school_id = c.school_id AND s.week_start = c.week_start;
    RETURN NULL;
END
$$;
