#!/bin/sh
# Stand-in for the official postgres image in the local stack: Debian's PostgreSQL 15, with the
# same settings (POSTGRES_USER, POSTGRES_DB, POSTGRES_PASSWORD_FILE) and data directory.
# Arguments are passed to postgres (e.g. -c shared_buffers=…).
set -eu
DATA=/var/lib/postgresql/data
BIN=/usr/lib/postgresql/15/bin
mkdir -p "$DATA" /var/run/postgresql
chown -R postgres:postgres "$DATA" /var/run/postgresql
chmod 700 "$DATA"
if [ ! -s "$DATA/PG_VERSION" ]; then
    PASSWORD=$(cat "${POSTGRES_PASSWORD_FILE:?}")
    printf '%s\n' "$PASSWORD" > /tmp/pwfile && chown postgres /tmp/pwfile
    runuser -u postgres -- "$BIN/initdb" -D "$DATA" -U "${POSTGRES_USER:-postgres}" --pwfile=/tmp/pwfile --auth-local=trust --auth-host=scram-sha-256 >/dev/null
    rm -f /tmp/pwfile
    echo "host all all 0.0.0.0/0 scram-sha-256" >> "$DATA/pg_hba.conf"
    runuser -u postgres -- "$BIN/pg_ctl" -D "$DATA" -o "-c listen_addresses=''" -w start >/dev/null
    runuser -u postgres -- psql -U "${POSTGRES_USER:-postgres}" -d postgres -c "CREATE DATABASE \"${POSTGRES_DB:-postgres}\"" >/dev/null
    runuser -u postgres -- "$BIN/pg_ctl" -D "$DATA" -m fast -w stop >/dev/null
fi
exec runuser -u postgres -- "$BIN/postgres" -D "$DATA" -c listen_addresses='*' "$@"
