#!/usr/bin/env bash
# Installs what building, running and testing need on a fresh Debian machine; safe to re-run
# (it only installs what is missing). Also makes sure Postgres and Redis are running.
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# chromium: Playwright's browser (never downloaded by npx); mold + clang: fast linking;
# cmake + nasm: the bundled libjpeg-turbo (SIMD) build; FFmpeg's libraries + libclang: ffmpeg-next;
# poppler-utils / libheif-examples: PDF pages and HEIC/AVIF decoding in the worker; libgexiv2-dev: IPTC/XMP;
# ffmpeg: test media; postgresql-client / redis-tools: pg_isready, psql, redis-cli for the scripts.
APT_PACKAGES=(chromium mold clang libclang-dev pkg-config cmake nasm ffmpeg
              libavcodec-dev libavformat-dev libavutil-dev libswscale-dev libswresample-dev libavfilter-dev libavdevice-dev
              poppler-utils libheif-examples libgexiv2-dev
              postgresql-client redis-tools curl jq)
command -v pg_ctlcluster >/dev/null || APT_PACKAGES+=(postgresql)
command -v redis-server >/dev/null || APT_PACKAGES+=(redis-server)
# Docker: the client checks the stack files (`docker stack config`); the engine (started by
# deploy/local/test-swarm.sh, not here) runs the Swarm test; debootstrap makes its base image.
command -v dockerd >/dev/null || APT_PACKAGES+=(docker.io)
command -v debootstrap >/dev/null || APT_PACKAGES+=(debootstrap)
missing=()
for package in "${APT_PACKAGES[@]}"; do
    dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "installing: ${missing[*]}"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

rustup target add wasm32-unknown-unknown >/dev/null 2>&1 || rustup target add wasm32-unknown-unknown

scripts/services.sh

for dir in style end2end; do
    if [ ! -d "$dir/node_modules" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
        (cd "$dir" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)
    fi
done
