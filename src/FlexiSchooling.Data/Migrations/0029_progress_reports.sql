-- 0029 An AP review is recorded as 002 appendix 6's progress report for parents and carers: besides attendance and the
-- curriculum (progress), its pastoral update, the next steps in the pupil's education and the targets (issue 12).
-- Written by hand (docs/adr/0003, 0023).

ALTER TABLE arrangement_reviews ADD pastoral character varying(4000);
ALTER TABLE arrangement_reviews ADD next_steps character varying(4000);
ALTER TABLE arrangement_reviews ADD targets character varying(4000);
