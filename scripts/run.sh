#!/usr/bin/env bash
# Runs worker and server together in the foreground; Ctrl-C stops both.
set -euo pipefail
bin="${CARGO_TARGET_DIR:-$HOME/.cache/dam-target}/debug"

"$bin/dam-worker" &
worker=$!
trap 'kill "$worker" 2>/dev/null || true; wait "$worker" 2>/dev/null || true' EXIT

echo
echo "    DAM is starting: open http://${LISTEN_ADDR:-127.0.0.1:3000}/"
echo
"$bin/dam-server"
