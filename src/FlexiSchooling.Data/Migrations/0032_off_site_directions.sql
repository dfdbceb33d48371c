-- 0032 An AP placement may be an off-site direction to improve behaviour (004 §6): the governing body approves it (a
-- consent record of party GoverningBody, made by a governor) and the parents are given written notice. Written by hand
-- (docs/adr/0003, 0023).

ALTER TABLE placements ADD off_site_direction boolean NOT NULL DEFAULT false;
