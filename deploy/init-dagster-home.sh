#!/bin/sh
# Put the chosen instance configuration into $DAGSTER_HOME as dagster.yaml.
#   TILLVAXT_INSTANCE=sqlite    (default) runs and history in SQLite under $DAGSTER_HOME
#   TILLVAXT_INSTANCE=postgres  runs and history in PostgreSQL (DAGSTER_PG_HOST, _PORT,
#                               _USER, _PASSWORD, _DB must be set where dagster runs)
set -eu
: "${DAGSTER_HOME:?set DAGSTER_HOME to an absolute directory for the instance}"
case "$DAGSTER_HOME" in
  /*) ;;
  *) echo "DAGSTER_HOME must be an absolute path, got '$DAGSTER_HOME'" >&2; exit 2 ;;
esac
here=$(cd "$(dirname "$0")" && pwd)
case "${TILLVAXT_INSTANCE:-sqlite}" in
  sqlite) source_file="$here/dagster.yaml" ;;
  postgres)
    source_file="$here/dagster-postgres.yaml"
    for v in DAGSTER_PG_HOST DAGSTER_PG_PORT DAGSTER_PG_USER DAGSTER_PG_PASSWORD DAGSTER_PG_DB; do
      eval "isset=\${$v+x}"
      [ -n "$isset" ] || echo "warning: $v is not set; dagster will refuse to start until it is" >&2
    done
    ;;
  *) echo "TILLVAXT_INSTANCE must be 'sqlite' or 'postgres', got '${TILLVAXT_INSTANCE}'" >&2; exit 2 ;;
esac
mkdir -p "$DAGSTER_HOME"
cp "$source_file" "$DAGSTER_HOME/dagster.yaml"
echo "DAGSTER_HOME=$DAGSTER_HOME now uses $(basename "$source_file")"
