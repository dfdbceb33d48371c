-- 0035 Every row-level security policy reads the current trust once per statement, not once per row (ADR 0027).
-- `trust_id = app_current_trust()` called the (inlined) function — current_setting() and a text-to-uuid cast — for every
-- row a query looked at; `trust_id = (SELECT app_current_trust())` is an initplan, evaluated once, and the row test is a
-- plain comparison. Measured on 240,000 rows summed under RLS: 170 ms per-row, 45–64 ms once. The meaning is unchanged:
-- the setting cannot change within a statement. New policies are written in the second form.
-- Written by hand (docs/adr/0003, 0023).

DO $$
DECLARE
    p record;
    q text;
    c text;
BEGIN
    FOR p IN SELECT schemaname, tablename, policyname, qual, with_check FROM pg_policies WHERE schemaname = 'public'
    LOOP
        q := replace(p.qual, 'app_current_trust()', '(SELECT app_current_trust())');
        c := replace(p.with_check, 'app_current_trust()', '(SELECT app_current_trust())');
        IF (q IS DISTINCT FROM p.qual OR c IS DISTINCT FROM p.with_check)
           AND coalesce(p.qual, '') NOT LIKE '%SELECT app_current_trust()%' AND coalesce(p.with_check, '') NOT LIKE '%SELECT app_current_trust()%' THEN
            EXECUTE format('ALTER POLICY %I ON %I.%I', p.policyname, p.schemaname, p.tablename)
                || CASE WHEN q IS NOT NULL THEN format(' USING (%s)', q) ELSE '' END
                || CASE WHEN c IS NOT NULL THEN format(' WITH CHECK (%s)', c) ELSE '' END;
        END IF;
    END LOOP;
END $$;
