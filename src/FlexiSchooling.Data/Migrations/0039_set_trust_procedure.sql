-- 0039 The trust for the current transaction set by a procedure (ADR 0044, amending ADR 0029). Every command the
-- application sends for a user began with a DO block that set app.trust_id for its transaction; PostgreSQL compiles a
-- DO block afresh each time it runs. A PL/pgSQL procedure is compiled once per connection: measured through Npgsql with
-- statements prepared, as the application sends them, the server's CPU a command over a bare SELECT 1 was about 16 µs
-- with the DO block and 5 µs with this call (ADR 0044). It sets exactly what the DO block set, for the current transaction only
-- (set_config(…, true)); CALL answers no rows, so a command's readers, scalars and row counts stay its own.
-- SECURITY INVOKER and no table access: it does nothing the application's role could not do with set_config itself.
-- No SET clause (a function's SET saves and restores settings around each call, and would cost what this saves):
-- set_config is pg_catalog's, which is searched before any schema on the search path.
CREATE PROCEDURE app_set_trust(trust text)
    LANGUAGE plpgsql
    AS $$ BEGIN PERFORM set_config('app.trust_id', trust, true); END $$;

GRANT EXECUTE ON PROCEDURE app_set_trust(text) TO flexi_app;
