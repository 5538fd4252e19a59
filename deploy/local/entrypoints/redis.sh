#!/bin/sh
# Stand-in for the official redis image: Debian's redis-server, reachable on the stack's network.
# Arguments are passed on (e.g. --appendonly yes).
set -eu
mkdir -p /data
exec redis-server --bind 0.0.0.0 --protected-mode no --dir /data "$@"
