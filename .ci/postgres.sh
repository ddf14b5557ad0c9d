#!/usr/bin/env bash
# Start the local PostgreSQL cluster and make the test role and database (idempotent).
set -euo pipefail
version=$(ls /usr/lib/postgresql | sort -n | tail -1)
if ! pg_lsclusters -h | grep -q "^$version main"; then
    pg_createcluster "$version" main >/dev/null
fi
pg_ctlcluster "$version" main start 2>/dev/null || true
for _ in $(seq 1 30); do
    pg_isready -q -h 127.0.0.1 && break
    sleep 1
done
psql_admin() { su postgres -c "psql -qtAc \"$1\""; }
if [ "$(psql_admin "SELECT 1 FROM pg_roles WHERE rolname='mentorflow'")" != "1" ]; then
    psql_admin "CREATE ROLE mentorflow LOGIN PASSWORD 'mentorflow' CREATEDB"
fi
if [ "$(psql_admin "SELECT 1 FROM pg_database WHERE datname='mentorflow_test'")" != "1" ]; then
    su postgres -c "createdb -O mentorflow mentorflow_test"
fi
