-- 0033 The professionals' initial visit to the provision (002 appendix 1b), one per placement, made before its start;
-- needed before the start at an unregistered provider. Written by hand (docs/adr/0003, 0023).

ALTER TABLE placements ADD initial_visit_on date;
ALTER TABLE placements ADD initial_visit_by character varying(200);
ALTER TABLE placements ADD initial_visit_contact character varying(500);
ALTER TABLE placements ADD initial_visit_safeguarding character varying(4000);
ALTER TABLE placements ADD initial_visit_curriculum character varying(4000);
ALTER TABLE placements ADD initial_visit_next_stage character varying(4000);
ALTER TABLE placements ADD initial_visit_qualifications character varying(4000);
ALTER TABLE placements ADD initial_visit_other character varying(4000);
