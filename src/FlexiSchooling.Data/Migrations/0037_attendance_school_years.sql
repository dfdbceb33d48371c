-- 0037 Each school's attendance for a school year, as how many of its pupils share each pair of sessions possible and
-- attended (ADR 0031): the trust view (the dashboard, the attendance overview, the governors' report) reads one row per
-- school instead of one per pupil, and applies each school's thresholds to the pairs. Filled when first read; removed by
-- a trigger in the same transaction as any change to that school's yearly pupil figures, under a shared advisory lock
-- that a read must take exclusively (and never waits for) before it keeps a sum. The kept weeks (0034, ADR 0026) are
-- kept the same way from now on, open weeks too: the application's own statements that dropped closed weeks' sums under
-- an exclusive lock are replaced by the same trigger on the pupils' weeks. Written by hand (docs/adr/0003, 0023).

CREATE TABLE attendance_school_years (
    trust_id uuid NOT NULL,
    school_id uuid NOT NULL,
    year_start date NOT NULL,
    possible integer[] NOT NULL,
    attending integer[] NOT NULL,
    pupils integer[] NOT NULL,
    CONSTRAINT "PK_attendance_school_years" PRIMARY KEY (school_id, year_start)
);

ALTER TABLE attendance_school_years ENABLE ROW LEVEL SECURITY;
ALTER TABLE attendance_school_years FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON attendance_school_years USING (trust_id = (SELECT app_current_trust())) WITH CHECK (trust_id = (SELECT app_current_trust()));
GRANT SELECT, INSERT, UPDATE, DELETE ON attendance_school_years TO flexi_app;

-- The advisory lock on one school's year: shared by every change to its pupils' yearly figures (the trigger below),
-- taken exclusively, without waiting, by a read that would keep the year's sum.
CREATE FUNCTION attendance_school_year_lock(school uuid, year date) RETURNS bigint
    LANGUAGE sql STABLE
    AS $$ SELECT hashtextextended('attendance-school-year ' || school::text || ' ' || to_char(year, 'YYYY-MM-DD'), 0) $$;
GRANT EXECUTE ON FUNCTION attendance_school_year_lock(uuid, date) TO flexi_app;

-- After any statement that inserts, updates or deletes pupils' yearly figures: lock each school's year (shared, so
-- changes never wait for each other), then drop its kept sum. A read that kept a sum before the lock was taken is
-- dropped here; a read after it cannot keep until this transaction ends.
CREATE FUNCTION attendance_school_years_forget() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    PERFORM pg_advisory_xact_lock_shared(attendance_school_year_lock(c.school_id, c.year_start))
       FROM (SELECT DISTINCT school_id, year_start FROM changed_rows) c
      ORDER BY c.school_id, c.year_start;
    -- The kept rows a statement drops are locked in one order first, so two statements spanning the same schools (two
    -- imports at once) do not each hold one the other waits for.
    PERFORM 1 FROM attendance_school_years s
       JOIN (SELECT DISTINCT school_id, year_start FROM changed_rows) c ON s.school_id = c.school_id AND s.year_start = c.year_start
      ORDER BY s.school_id, s.year_start
        FOR UPDATE OF s;
    DELETE FROM attendance_school_years s
     USING (SELECT DISTINCT school_id, year_start FROM changed_rows) c
     WHERE s.school_id = c.school_id AND s.year_start = c.year_start;
    RETURN NULL;
END
$$;

CREATE TRIGGER attendance_pupil_years_inserted AFTER INSERT ON attendance_pupil_years
    REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION attendance_school_years_forget();
CREATE TRIGGER attendance_pupil_years_updated AFTER UPDATE ON attendance_pupil_years
    REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION attendance_school_years_forget();
CREATE TRIGGER attendance_pupil_years_deleted AFTER DELETE ON attendance_pupil_years
    REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION attendance_school_years_forget();

-- The same for each school's weeks (attendance_school_weeks, ADR 0026). A function per table, not one taking the table and
-- its period column as trigger arguments: static statements keep their plans for the session across saves, where
-- dynamic SQL (EXECUTE format(...)) would plan its three statements again on every firing of every save.
CREATE FUNCTION attendance_school_week_lock(school uuid, week date) RETURNS bigint
    LANGUAGE sql STABLE
    AS $$ SELECT hashtextextended('attendance-school-week ' || school::text || ' ' || to_char(week, 'YYYY-MM-DD'), 0) $$;
GRANT EXECUTE ON FUNCTION attendance_school_week_lock(uuid, date) TO flexi_app;
GRANT UPDATE ON attendance_school_weeks TO flexi_app;

CREATE FUNCTION attendance_school_weeks_forget() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    PERFORM pg_advisory_xact_lock_shared(attendance_school_week_lock(c.school_id, c.week_start))
       FROM (SELECT DISTINCT school_id, week_start FROM changed_rows) c
      ORDER BY c.school_id, c.week_start;
    -- The kept rows a statement drops are locked in one order first, so two statements spanning the same schools (two
    -- imports at once) do not each hold one the other waits for.
    PERFORM 1 FROM attendance_school_weeks s
       JOIN (SELECT DISTINCT school_id, week_start FROM changed_rows) c ON s.school_id = c.school_id AND s.week_start = c.week_start
      ORDER BY s.school_id, s.week_start
        FOR UPDATE OF s;
    DELETE FROM attendance_school_weeks s
     USING (SELECT DISTINCT school_id, week_start FROM changed_rows) c
     WHERE s.school_id = c.school_id AND s.week_start = c.week_start;
    RETURN NULL;
END
$$;

CREATE TRIGGER attendance_pupil_weeks_inserted AFTER INSERT ON attendance_pupil_weeks
    REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION attendance_school_weeks_forget();
CREATE TRIGGER attendance_pupil_weeks_updated AFTER UPDATE ON attendance_pupil_weeks
    REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION attendance_school_weeks_forget();
CREATE TRIGGER attendance_pupil_weeks_deleted AFTER DELETE ON attendance_pupil_weeks
    REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION attendance_school_weeks_forget();
