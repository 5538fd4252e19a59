#!/usr/bin/env bash
# The local base image `dam-base:bookworm`, for machines without an image registry: a Debian
# bookworm root filesystem made with debootstrap (Debian's package mirror is enough), imported
# into Docker. It holds the DAM's runtime libraries and the stand-ins the local stack runs
# (Postgres, Redis, nginx). The rootfs tarball is cached outside the clone, keyed by the package
# list, so a second run only imports it (or does nothing when the image is current).
set -euo pipefail

PACKAGES=(
    # The DAM's runtime: FFmpeg's libraries (ffmpeg-next links them), poppler (PDF pages),
    # heif-convert (HEIC/AVIF), gexiv2 (IPTC/XMP), the PostgreSQL client (dam backup/restore).
    ca-certificates curl poppler-utils libheif-examples libgexiv2-2 postgresql-client
    libavcodec59 libavformat59 libavutil57 libswscale6 libswresample4 libavfilter8 libavdevice59
    # Stand-ins for the public images of the stack.
    postgresql-15 redis-server nginx-light
)
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
CACHE=${DAM_ROOTFS_CACHE:-$HOME/.cache/dam-rootfs}
KEY=$(printf '%s\n' "${PACKAGES[@]}" | sha256sum | cut -c1-12)
TARBALL="$CACHE/bookworm-$KEY.tar"

if [ "$(docker image inspect -f '{{index .Config.Labels "dam.rootfs"}}' dam-base:bookworm 2>/dev/null)" = "$KEY" ]; then
    echo "dam-base:bookworm is current ($KEY)"
    exit 0
fi
if [ ! -s "$TARBALL" ]; then
    command -v debootstrap >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap; }
    mkdir -p "$CACHE"
    ROOT=$(mktemp -d "$CACHE/rootfs.XXXXXX")
    trap 'rm -rf "$ROOT"' EXIT
    echo "debootstrap bookworm into $ROOT (a few minutes)"
    debootstrap --variant=minbase --include="$(IFS=,; echo "${PACKAGES[*]}")" bookworm "$ROOT" "$MIRROR" >"$CACHE/debootstrap.log" 2>&1 \
        || { tail -20 "$CACHE/debootstrap.log"; exit 1; }
    # Package caches and docs are not needed at run time.
    rm -rf "$ROOT"/var/cache/apt/archives/*.deb "$ROOT"/var/lib/apt/lists/* "$ROOT"/usr/share/doc/* "$ROOT"/usr/share/man/*
    tar -C "$ROOT" -cf "$TARBALL.partial" .
    mv "$TARBALL.partial" "$TARBALL"
fi
docker import --change "LABEL dam.rootfs=$KEY" --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'CMD ["/bin/bash"]' "$TARBALL" dam-base:bookworm >/dev/null
echo "imported dam-base:bookworm ($KEY)"
