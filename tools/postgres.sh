#!/usr/bin/env bash
# Start a local PostgreSQL server for the workshop test and for instructors who want to try
# a PostgreSQL-backed tracking server: Debian's postgresql package, a role and a database.
# Needs root (or sudo) on Debian or Ubuntu. Safe to run again. `make postgres` calls it.
set -euo pipefail

if ! command -v pg_ctlcluster >/dev/null 2>&1; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi
if [ -z "$(pg_lsclusters -h)" ]; then
  pg_createcluster "$(ls /usr/lib/postgresql | sort -n | tail -n 1)" main >/dev/null
fi
read -r version name _ < <(pg_lsclusters -h | head -n 1)
pg_ctlcluster "$version" "$name" start 2>/dev/null || true   # already running is fine

as_postgres() { su postgres -c "psql -v ON_ERROR_STOP=1 -qtAc \"$1\""; }
if [ "$(as_postgres "SELECT 1 FROM pg_roles WHERE rolname = 'mlflow_course'")" != "1" ]; then
  as_postgres "CREATE ROLE mlflow_course LOGIN CREATEDB PASSWORD 'mlflow_course'"
fi
if [ "$(as_postgres "SELECT 1 FROM pg_database WHERE datname = 'mlflow_course'")" != "1" ]; then
  as_postgres "CREATE DATABASE mlflow_course OWNER mlflow_course"
fi
echo "PostgreSQL ready: postgresql://mlflow_course:mlflow_course@127.0.0.1:5432/mlflow_course"
