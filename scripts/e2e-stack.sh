#!/usr/bin/env bash
# The whole product (server + worker) on port 3100 against a fresh database, Redis namespace and
# storage folder, for the Playwright suite. Started and stopped by Playwright's webServer.
set -euo pipefail
cd "$(dirname "$0")/.."
# The application works as its own role (row-level security applies); the owner migrates.
export DATABASE_URL="postgres://dam_app@127.0.0.1:5432/dam_e2e"
export MIGRATION_DATABASE_URL="postgres://postgres@127.0.0.1:5432/dam_e2e"
export QUEUE_NAMESPACE="dam-e2e-$$"
export STORAGE_DIR="$(mktemp -d /tmp/dam-e2e-XXXXXX)"
export LISTEN_ADDR="127.0.0.1:3100"
export RUST_LOG="${RUST_LOG:-warn}"
export ADMIN_EMAIL="admin@e2e.test" ADMIN_PASSWORD="e2e admin password"
export PUBLIC_URL="http://127.0.0.1:3100"
# Every spec signs in as the admin; the per-account limit itself is tested in server/tests/auth.rs.
export LOGIN_RATE_PER_ACCOUNT=120 LOGIN_RATE_PER_ACCOUNT_AND_IP=120
# Single sign-on against a real OpenID provider (end2end/oidc/provider.mjs) on another origin.
export OIDC_ISSUER_URL="http://localhost:3110" OIDC_CLIENT_ID="dam" OIDC_CLIENT_SECRET="dam-e2e-secret"
export OIDC_PORT=3110 DAM_REDIRECT="$PUBLIC_URL/auth/oidc/callback"
psql -q -h 127.0.0.1 -U postgres -d postgres -c "DROP DATABASE IF EXISTS dam_e2e WITH (FORCE)"
bin="${CARGO_TARGET_DIR:-$HOME/.cache/dam-target}/debug"

node end2end/oidc/provider.mjs &
idp=$!
"$bin/dam-worker" &
worker=$!
"$bin/dam-server" &
server=$!
trap 'kill "$worker" "$server" "$idp" 2>/dev/null || true; rm -rf "$STORAGE_DIR"' EXIT INT TERM
wait -n "$worker" "$server" "$idp"
