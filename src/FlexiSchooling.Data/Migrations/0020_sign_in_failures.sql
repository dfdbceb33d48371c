-- 0020 Failed sign-ins for email addresses that have no account, counted as Identity counts an account's, so the
-- lockout page cannot tell who has an account (issue 14, item 4). A hash of the address only; no trust owns a row, so
-- the table is outside row-level security, like bank holidays. Written by hand (docs/adr/0003).

CREATE TABLE sign_in_failures (
    email_hash character(64) NOT NULL,
    failures integer NOT NULL,
    locked_until timestamp with time zone,
    last_failure_at timestamp with time zone NOT NULL,
    CONSTRAINT "PK_sign_in_failures" PRIMARY KEY (email_hash)
);

GRANT SELECT, INSERT, UPDATE, DELETE ON sign_in_failures TO flexi_app;
