#!/bin/sh
# Creates Temporal's two Postgres databases and brings their schemas to the version the server
# image expects, with the `temporal-sql-tool` of the admin-tools image of the same server version
# (docker-compose.yml runs it once before the server starts). Every step is idempotent: an existing
# database is kept, the versioning tables are created only if missing, and update-schema applies
# only the versions not yet applied, so running it on every `docker compose up` is harmless.
# Connection from the tool's own variables: SQL_PLUGIN (postgres12), SQL_HOST, SQL_PORT, SQL_USER,
# SQL_PASSWORD. TEMPORAL_DATABASE / TEMPORAL_VISIBILITY_DATABASE name the databases (defaults
# temporal, temporal_visibility); TEMPORAL_SCHEMA_DIR is the server's schema/postgresql/v12.
set -eu

schema="${TEMPORAL_SCHEMA_DIR:-/etc/temporal/schema/postgresql/v12}"
tool="${TEMPORAL_SQL_TOOL:-temporal-sql-tool}"

migrate() {
  database="$1"
  versioned="$schema/$2/versioned"
  [ -d "$versioned" ] || { printf 'no schema directory %s\n' "$versioned" >&2; exit 1; }
  "$tool" --db "$database" create-database
  "$tool" --db "$database" setup-schema -v 0.0
  "$tool" --db "$database" update-schema -d "$versioned"
  echo "$database is at the latest $2 schema"
}

migrate "${TEMPORAL_DATABASE:-temporal}" temporal
migrate "${TEMPORAL_VISIBILITY_DATABASE:-temporal_visibility}" visibility
