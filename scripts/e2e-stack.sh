#!/usr/bin/env bash
# The whole product (server + worker) on port 3100 against a fresh database, Redis namespace and
# storage folder, for the Playwright suite. Started and stopped by Playwright's webServer.
set -euo pipefail
cd "$(dirname "$0")/.."
export DATABASE_URL="postgres://postgres@127.0.0.1:5432/dam_e2e"
export QUEUE_NAMESPACE="dam-e2e-$$"
export STORAGE_DIR="$(mktemp -d /tmp/dam-e2e-XXXXXX)"
export LISTEN_ADDR="127.0.0.1:3100"
export RUST_LOG="${RUST_LOG:-warn}"
export ADMIN_EMAIL="admin@e2e.test" ADMIN_PASSWORD="e2e admin password"
psql -q -h 127.0.0.1 -U postgres -d postgres -c "DROP DATABASE IF EXISTS dam_e2e WITH (FORCE)"
bin="${CARGO_TARGET_DIR:-$HOME/.cache/dam-target}/debug"

"$bin/dam-worker" &
worker=$!
"$bin/dam-server" &
server=$!
trap 'kill "$worker" "$server" 2>/dev/null || true; rm -rf "$STORAGE_DIR"' EXIT INT TERM
wait -n "$worker" "$server"
