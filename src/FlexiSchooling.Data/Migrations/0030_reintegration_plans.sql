-- 0030 A placement's reintegration plan (issue 12; 002 §3.9): the date back in school full time or why the pupil will not
-- return, the dated steps of a graduated return, when it was discussed with the parents, the multi-agency meeting and
-- its strategies. Revised in place under the placement's row version; each version as recorded is written whole to the
-- case's history (arrangement_events). Written by hand (docs/adr/0003, 0023).

ALTER TABLE placements ADD return_on date;
ALTER TABLE placements ADD not_returning_because character varying(300);
ALTER TABLE placements ADD reintegration_steps jsonb NOT NULL DEFAULT '[]';
ALTER TABLE placements ADD reintegration_discussed_on date;
ALTER TABLE placements ADD multi_agency_meeting_on date;
ALTER TABLE placements ADD reintegration_strategies character varying(4000);
ALTER TABLE placements ADD reintegration_recorded_on date;
ALTER TABLE placements ADD reintegration_revision integer NOT NULL DEFAULT 0;
