#!/usr/bin/env bash
# The gallery rendered on the server under load, against the JSON API listing the same assets
# (issue 17). A library of 10 000 processed assets (rows made in SQL, each with its JPEG and WebP
# thumbnail rows); the library page `/` and `GET /api/v1/assets` (the same query's first page),
# each at 1, 10 and 50 concurrent clients for DURATION seconds with `wrk` (apt); p50, p95,
# requests/s and the ratio of the page's p95 to the API's (the reference, same run). Run by hand
# after `make build`: `bench/ssr_load.sh [DURATION]`. It starts the e2e stack (debug binaries,
# port 3100, a fresh `dam_e2e` database); results go into docs/BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
duration="${1:-15}"
origin="http://127.0.0.1:3100"
command -v wrk >/dev/null || { apt-get install -y -qq wrk >/dev/null; }
psql_e2e() { psql -q -h 127.0.0.1 -U postgres -d dam_e2e -v ON_ERROR_STOP=1 "$@"; }

# The per-client API rate limit (50/s by default) would answer most of this load with 429.
export API_RATE_PER_SECOND=1000000 API_RATE_BURST=1000000
scripts/e2e-stack.sh >/tmp/ssr-load-stack.log 2>&1 &
stack=$!
trap 'kill "$stack" 2>/dev/null; wait "$stack" 2>/dev/null || true' EXIT
until curl -fs "$origin/healthz" >/dev/null; do sleep 1; done

admin=$(psql_e2e -Atc "SELECT id FROM users WHERE email = 'admin@e2e.test'")
psql_e2e <<SQL
INSERT INTO assets (id, original_path, original_filename, status, kind, mime, size, checksum, uploaded_by,
                    width, height, created_at, updated_at, processed_at)
SELECT gen_random_uuid(), 'originals/bench/' || g, 'bench-' || g || '.jpg', 'processed', 'image', 'image/jpeg',
       2000000 + g, md5(g::text) || md5((g + 1)::text), '$admin', 4000 + (g % 7) * 150, 3000,
       now() - g * interval '1 minute', now(), now()
FROM generate_series(1, 10000) g;
INSERT INTO derivatives (id, asset_id, kind, label, path, mime, width, height, size)
SELECT gen_random_uuid(), a.id, 'thumbnail', f.label, 'thumbnails/bench/' || a.id || '.' || f.label, f.mime, 320, 240, 20000
FROM assets a CROSS JOIN (VALUES ('jpg', 'image/jpeg'), ('webp', 'image/webp')) AS f(label, mime)
WHERE a.original_path LIKE 'originals/bench/%';
ANALYZE assets; ANALYZE derivatives;
SQL

jar=$(mktemp)
curl -fs -c "$jar" -H "origin: $origin" -H "content-type: application/json" \
    -d '{"email":"admin@e2e.test","password":"e2e admin password"}' "$origin/api/auth/login" >/dev/null
session=$(awk '$6 == "dam_session" { print $7 }' "$jar")
rm -f "$jar"

run() { # path accept clients → "p50 p95 rps errors"
    local threads=$(( $3 < 2 ? 1 : 2 ))
    wrk -t "$threads" -c "$3" -d "${duration}s" --timeout 30s -s bench/wrk-report.lua \
        -H "Cookie: dam_session=$session" -H "Accept: $2" "$origin$1" | awk '/^RESULT/ { print $3, $4, $5, $6 }'
}
# Warm both paths (connections, the database's caches).
run / text/html 2 >/dev/null
run /api/v1/assets application/json 2 >/dev/null

echo "| clients | page p50 | page p95 | page req/s | API p50 | API p95 | API req/s | page p95 ÷ API p95 |"
echo "|---:|---:|---:|---:|---:|---:|---:|---:|"
for clients in 1 10 50; do
    read -r pp50 pp95 prps perr < <(run / text/html "$clients")
    read -r ap50 ap95 arps aerr < <(run /api/v1/assets application/json "$clients")
    ratio=$(awk -v a="$pp95" -v b="$ap95" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "–" }')
    echo "| $clients | $pp50 ms | $pp95 ms | $prps | $ap50 ms | $ap95 ms | $arps | $ratio |"
    # Failed requests (timeouts, non-2xx) make the row meaningless: say so under the table.
    if [ "$perr" != 0 ] || [ "$aerr" != 0 ]; then echo "errors at $clients clients: page $perr, API $aerr"; fi
done
