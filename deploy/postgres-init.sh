#!/bin/sh
# Runs once, as the PostgreSQL superuser, when the compose database volume is created:
# the two roles of docs/operations.md and the database.
set -e
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres <<SQL
CREATE ROLE flexi_owner LOGIN BYPASSRLS PASSWORD '${FLEXI_OWNER_PASSWORD}';
CREATE ROLE flexi_app LOGIN NOBYPASSRLS PASSWORD '${FLEXI_APP_PASSWORD}';
CREATE DATABASE flexischooling OWNER flexi_owner;
SQL
