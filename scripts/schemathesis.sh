#!/usr/bin/env bash
# Fuzzes the JSON API with Schemathesis (PyPI, pinned; an implementation nobody here wrote) from
# the OpenAPI document the server generates: every operation of the table, as an admin, on a
# server of its own with the rate limits raised. Fails on any 5xx, any answer that breaks the
# documented schema, and any status or content type the document does not list.
set -euo pipefail
cd "$(dirname "$0")/.."
venv="${DAM_VENV:-$HOME/.cache/dam-venv}"
if ! "$venv/bin/st" --version 2>/dev/null | grep -q "4.32.5"; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check "schemathesis==4.32.5"
fi

port=3200
export DATABASE_URL="postgres://dam_app@127.0.0.1:5432/dam_schemathesis"
export MIGRATION_DATABASE_URL="postgres://postgres@127.0.0.1:5432/dam_schemathesis"
export QUEUE_NAMESPACE="dam-schemathesis-$$"
export STORAGE_DIR="$(mktemp -d /tmp/dam-schemathesis-XXXXXX)"
export LISTEN_ADDR="127.0.0.1:$port" PUBLIC_URL="http://127.0.0.1:$port"
export API_RATE_PER_SECOND=100000 API_RATE_BURST=100000
export ADMIN_EMAIL="admin@schemathesis.test" ADMIN_PASSWORD="schemathesis admin password"
export RUST_LOG="${RUST_LOG:-warn}"
psql -q -h 127.0.0.1 -U postgres -d postgres -c "DROP DATABASE IF EXISTS dam_schemathesis WITH (FORCE)"
bin="${CARGO_TARGET_DIR:-$HOME/.cache/dam-target}/debug"
"$bin/dam-server" &
server=$!
trap 'kill "$server" 2>/dev/null || true; rm -rf "$STORAGE_DIR" "${work:-}"' EXIT INT TERM
base="http://127.0.0.1:$port"
for _ in $(seq 1 120); do curl -fsS "$base/healthz" >/dev/null 2>&1 && break; sleep 0.5; done

# An admin token, made the way a person would: sign in, then ask for one.
jar="$(mktemp)"
curl -fsS -c "$jar" -H "Content-Type: application/json" \
  -d "{\"email\": \"$ADMIN_EMAIL\", \"password\": \"$ADMIN_PASSWORD\"}" "$base/api/v1/auth/login" >/dev/null
token="$(curl -fsS -b "$jar" -H "Origin: $base" -H "Content-Type: application/json" \
  -d '{"name": "schemathesis"}' "$base/api/v1/tokens" | python3 -c 'import json,sys; print(json.load(sys.stdin)["secret"])')"
rm -f "$jar"

# Something to work on, so that operations on one asset, collection or share link reach their
# logic instead of answering 404 to random ids.
auth=(-H "Authorization: Bearer $token")
work="$(mktemp -d)"
python3 -c 'import base64,sys; sys.stdout.buffer.write(base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="))' > "$work/pixel.png"
asset="$(curl -fsS "${auth[@]}" -F "files=@$work/pixel.png" "$base/api/v1/assets" | python3 -c 'import json,sys; print(json.load(sys.stdin)["accepted"][0]["id"])')"
collection="$(curl -fsS "${auth[@]}" -H "Content-Type: application/json" -d '{"name": "Fuzzed"}' "$base/api/v1/collections" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')"
share="$(curl -fsS "${auth[@]}" -H "Content-Type: application/json" -d "{\"asset_id\": \"$asset\", \"expires_in_days\": 7}" "$base/api/v1/shares" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')"
cat > "$work/schemathesis.toml" <<TOML
[[operations]]
include-path-regex = "^/assets/[{]id[}]"
parameters = { "id" = "$asset" }

[[operations]]
include-path-regex = "^/collections/[{]id[}]"
parameters = { "id" = "$collection" }

[[operations]]
include-path-regex = "^/shares/[{]id[}]"
parameters = { "id" = "$share" }
TOML

cd "$work" # schemathesis keeps its cache in the working directory
"$venv/bin/st" --config-file "$work/schemathesis.toml" run "$base/api/openapi.json" \
  --url "$base/api/v1" \
  --header "Authorization: Bearer $token" \
  --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
  --max-examples "${SCHEMATHESIS_EXAMPLES:-25}" \
  --seed 1 \
  --no-color
