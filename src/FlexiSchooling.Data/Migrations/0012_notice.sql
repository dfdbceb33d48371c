-- 0012 Ending an arrangement with notice (000 §7; 004 §10.6): who gave notice, when, the last day and why.
-- Written by hand (docs/adr/0003).
ALTER TABLE arrangements ADD notice_given_on date;
ALTER TABLE arrangements ADD notice_given_by character varying(10);
ALTER TABLE arrangements ADD ends_on date;
ALTER TABLE arrangements ADD end_reason character varying(2000);
