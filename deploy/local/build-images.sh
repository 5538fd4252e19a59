#!/usr/bin/env bash
# Builds `dam:local` without a registry: the base image (build-base.sh), then the host's binaries
# and browser bundle on top (Dockerfile.local). PROFILE=release (default) or debug (what
# `make build` already made; the Swarm test uses it to save a release build on small machines).
set -euo pipefail
cd "$(dirname "$0")/../.."
PROFILE=${PROFILE:-release}
TARGET=${CARGO_TARGET_DIR:-target}
BINARIES=(dam-server dam-worker dam dam-autoscaler)

deploy/local/build-base.sh
RELEASE=$([ "$PROFILE" = release ] && echo --release || true)
cargo build $RELEASE -p server -p worker --bins
# The S3 stand-in (s3s-fs, the S3 server the tests use) for stacks without MinIO.
cargo build $RELEASE -p server --example dam-s3-standin

CONTEXT=$(mktemp -d)
trap 'rm -rf "$CONTEXT"' EXIT
mkdir -p "$CONTEXT/bin"
for binary in "${BINARIES[@]}"; do
    cp "$TARGET/$PROFILE/$binary" "$CONTEXT/bin/"
done
cp "$TARGET/$PROFILE/examples/dam-s3-standin" "$CONTEXT/bin/"
# Debug binaries carry their debug info; the image does not need it.
strip "$CONTEXT"/bin/* 2>/dev/null || true
cp -r "${SITE_ROOT:-target/site}" "$CONTEXT/site"
cp -r deploy/local/entrypoints "$CONTEXT/entrypoints"
cp deploy/local/Dockerfile.local "$CONTEXT/Dockerfile"
docker build -q -t dam:local "$CONTEXT" >/dev/null
echo "built dam:local ($PROFILE binaries)"
