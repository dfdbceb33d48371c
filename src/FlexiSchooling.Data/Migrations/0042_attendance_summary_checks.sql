-- 0042 A record of each night's check that the pupils' weekly and yearly attendance figures equal their marks (ADR 0057).
-- Since ADR 0056 a save moves the figures rather than counting them again, so a mark written by hand leaves them wrong;
-- the check finds the pupils whose figures differ and counts theirs again. One row a night: every instance runs the job,
-- and the row says the night's check is done (and what it found) whichever instance did it.
-- A schema of its own, as data_protection's (0040): the application's role, which serves requests under row-level
-- security, has no use for it; the job reads and writes it through the owner connection.
CREATE SCHEMA maintenance;
REVOKE ALL ON SCHEMA maintenance FROM PUBLIC;

CREATE TABLE maintenance.attendance_summary_checks (
    -- The night's day in England: the check runs once a day, in the small hours.
    checked_on date PRIMARY KEY,
    finished_at timestamptz NOT NULL,
    -- The trusts, weeks and years (of this academic year and the last) that differed from the marks, and the pupils they
    -- belonged to, whose figures were counted again.
    trusts integer NOT NULL CHECK (trusts >= 0),
    weeks integer NOT NULL CHECK (weeks >= 0),
    years integer NOT NULL CHECK (years >= 0),
    pupils integer NOT NULL CHECK (pupils >= 0),
    -- How long it took, for the operator judging the night's window (it reads every mark of the two years).
    took_ms integer NOT NULL CHECK (took_ms >= 0)
);
