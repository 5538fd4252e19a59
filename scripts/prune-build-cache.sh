#!/usr/bin/env bash
# Keeps the shared build cache from filling the disk: every rebuild of a test leaves its previous
# executable (hundreds of MB each) in target/debug/deps. Removes all but the newest of each.
set -euo pipefail
deps="${CARGO_TARGET_DIR:-$HOME/.cache/dam-target}/debug/deps"
[ -d "$deps" ] || exit 0
python3 - "$deps" <<'PY'
import collections, os, sys
deps = sys.argv[1]
groups = collections.defaultdict(list)
for name in os.listdir(deps):
    path = os.path.join(deps, name)
    if "." in name or os.path.isdir(path) or not os.access(path, os.X_OK):
        continue
    groups[name.rsplit("-", 1)[0]].append((os.path.getmtime(path), path))
freed = 0
for files in groups.values():
    for _, path in sorted(files)[:-1]:
        freed += os.path.getsize(path)
        os.remove(path)
if freed:
    print(f"pruned {freed / 1e9:.1f} GB of superseded test executables")
PY
