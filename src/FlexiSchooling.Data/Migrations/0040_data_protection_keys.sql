-- 0040 The data-protection key ring in the database (ADR 0050). The keys that protect the sign-in cookie, the forms'
-- antiforgery tokens and the two-factor steps were files in each instance's data folder, so instances on several
-- machines needed one folder shared between them, and a database restored elsewhere came back without them. Here every
-- instance reads and adds to one ring, and a backup of the database holds it.
-- A schema of its own, owned by the migrating role (flexi_owner) and granted to no one: the application's role, which
-- serves requests under row-level security, cannot read a key (with one it could make a cookie for any user of any
-- trust). The application reads and adds keys through its owner connection, as its background work does.
CREATE SCHEMA data_protection;
REVOKE ALL ON SCHEMA data_protection FROM PUBLIC;

CREATE TABLE data_protection.keys (
    -- The name data protection gives each element ("key-<id>", "revocation-<time>"): stored once.
    friendly_name text PRIMARY KEY,
    xml text NOT NULL,
    stored_at timestamptz NOT NULL DEFAULT now()
);
