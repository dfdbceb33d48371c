-- 0027 What is recorded when an AP placement ends (issue 12, "Ending"): the destination, the outcomes against its aims,
-- the qualifications gained and the pupil's own view. Written by hand (docs/adr/0003, 0023).

ALTER TABLE placements ADD destination character varying(40);
ALTER TABLE placements ADD destination_detail character varying(1000);
ALTER TABLE placements ADD outcomes character varying(4000);
ALTER TABLE placements ADD qualifications character varying(4000);
ALTER TABLE placements ADD pupil_view_at_end character varying(4000);
