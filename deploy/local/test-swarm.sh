#!/usr/bin/env bash
# `make test-swarm`: the stack deployed for real on a one-node Swarm of this machine, with locally
# built images (no registry), reached only through ports published on 127.0.0.1.
#   1. starts dockerd and a Swarm if needed, builds dam-base and dam:local (debug binaries);
#   2. deploys deploy/stack.yml + deploy/local/stack.local.yml as the stack `damtest`;
#   3. signs in through the front door (nginx → api ×2), uploads an image and a video, sees both
#      processed by the worker services (S3 stand-in storage, Postgres, Redis in the stack);
#   4. floods the video queue and sees dam-autoscaler raise worker-video's replicas, then lower
#      them again once the queue has drained;
#   5. updates the api replica by replica while requests keep coming, none of which may fail;
#   6. removes the stack, its volumes and secrets (also when a step fails).
set -euo pipefail
cd "$(dirname "$0")/../.."
STACK=damtest
BASE=http://127.0.0.1:8080
WORK=$(mktemp -d)
FLOOD=${FLOOD:-12}
log() { printf '%s  %s\n' "$(date +%T)" "$*"; }
fail() {
    log "FAILED: $*"
    docker service ls --filter "label=com.docker.stack.namespace=$STACK" 2>/dev/null || true
    for service in api worker-image worker-video autoscaler minio postgres; do
        echo "--- last log lines of $service"
        docker service logs --raw --tail 15 "${STACK}_$service" 2>&1 | cut -c1-400 || true
    done
    exit 1
}

# --- Docker and Swarm --------------------------------------------------------------------------
if ! docker info >/dev/null 2>&1; then
    command -v dockerd >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io; }
    log "starting dockerd"
    (nohup dockerd >/var/log/dockerd.log 2>&1 &)
    for _ in $(seq 60); do docker info >/dev/null 2>&1 && break; sleep 1; done
    docker info >/dev/null 2>&1 || fail "dockerd did not start (see /var/log/dockerd.log)"
fi
if [ "$(docker info --format '{{.Swarm.LocalNodeState}}')" != active ]; then
    docker swarm init --advertise-addr 127.0.0.1 >/dev/null
fi

remove_stack() {
    log "removing the stack"
    docker stack rm "$STACK" >/dev/null 2>&1 || true
    for _ in $(seq 60); do
        [ -z "$(docker ps -aq --filter "label=com.docker.stack.namespace=$STACK")" ] && [ -z "$(docker network ls -q --filter "label=com.docker.stack.namespace=$STACK")" ] && break
        sleep 1
    done
    docker volume ls -q --filter "label=com.docker.stack.namespace=$STACK" | xargs -r docker volume rm >/dev/null 2>&1 || true
    docker secret ls -q --filter "name=dam_" | xargs -r docker secret rm >/dev/null 2>&1 || true
}
trap 'remove_stack; rm -rf "$WORK"' EXIT
remove_stack # what an interrupted earlier run may have left

# --- Images ------------------------------------------------------------------------------------
log "building the images"
PROFILE=${PROFILE:-debug} deploy/local/build-images.sh

# --- Secrets and deploy ------------------------------------------------------------------------
secret() { printf '%s' "$2" | docker secret create "$1" - >/dev/null; }
PG_PASSWORD=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')
ADMIN_PASSWORD="swarm test $(head -c 9 /dev/urandom | base64 | tr -d '/+=')"
secret dam_postgres_password "$PG_PASSWORD"
secret dam_migration_database_url "postgres://dam:$PG_PASSWORD@postgres:5432/dam"
secret dam_database_url "postgres://dam_app:$(head -c 18 /dev/urandom | base64 | tr -d '/+=')@postgres:5432/dam"
secret dam_minio_root_user "minio-root-unused"
secret dam_minio_root_password "$(head -c 24 /dev/urandom | base64 | tr -d '/+=')"
secret dam_s3_access_key "dam-swarm-test"
secret dam_s3_secret_key "$(head -c 24 /dev/urandom | base64 | tr -d '/+=')"
secret dam_signing_key "$(head -c 32 /dev/urandom | base64)"
secret dam_admin_password "$ADMIN_PASSWORD"
secret dam_metrics_token "unused-here"
secret dam_grafana_password "unused-here"

log "deploying the stack $STACK"
DAM_STACK=$STACK DAM_VIDEO_WORKERS=1-3 DAM_IMAGE_WORKERS=1-2 DAM_SCALE_JOBS_PER_WORKER=2 \
DAM_SCALE_DOWN_AFTER=10 DAM_SCALE_COOLDOWN=5 DAM_SCALE_EVERY=2 \
    docker stack deploy --resolve-image never -c deploy/stack.yml -c deploy/local/stack.local.yml "$STACK" >/dev/null

for _ in $(seq 180); do
    curl -fsS "$BASE/readyz" >/dev/null 2>&1 && break
    sleep 1
done
curl -fsS "$BASE/readyz" >/dev/null 2>&1 || fail "the api did not become ready through the proxy"
log "ready: $(docker service ls --filter "label=com.docker.stack.namespace=$STACK" --format '{{.Name}} {{.Replicas}}' | tr '\n' ' ')"

# --- A person's session, an image and a video --------------------------------------------------
JAR="$WORK/cookies"
curl -fsS -c "$JAR" -H "Origin: $BASE" -H 'Content-Type: application/json' \
    -d "{\"email\":\"admin@example.com\",\"password\":\"$ADMIN_PASSWORD\"}" "$BASE/api/auth/login" >/dev/null \
    || fail "the admin could not sign in"

upload() { # FILE → the new asset's id
    curl -fsS -b "$JAR" -H "Origin: $BASE" -F "files=@$1" "$BASE/api/assets" \
        | python3 -c 'import json,sys; r=json.load(sys.stdin); print(r["accepted"][0]["id"])'
}
status() { curl -fsS -b "$JAR" "$BASE/api/assets/$1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["status"])'; }
wait_processed() { # ID SECONDS
    local state=""
    for _ in $(seq "$2"); do
        state=$(status "$1")
        [ "$state" = processed ] && return 0
        [ "$state" = failed ] && fail "asset $1 failed: $(curl -fsS -b "$JAR" "$BASE/api/assets/$1")"
        sleep 1
    done
    fail "asset $1 still $state after $2 s"
}
clip() { # FILE HUE [SIZE [SECONDS]]
    local size=${3:-320x240} seconds=${4:-2}
    ffmpeg -v error -f lavfi -i "testsrc2=duration=$seconds:size=$size:rate=25,hue=h=$2" -f lavfi -i "sine=frequency=$((300 + $2)):duration=$seconds" \
        -c:v libx264 -preset ultrafast -pix_fmt yuv420p -c:a aac -shortest -y "$1"
}

ffmpeg -v error -f lavfi -i "testsrc2=size=640x480" -frames:v 1 -y "$WORK/harbour.jpg"
clip "$WORK/first-clip.mp4" 0
IMAGE=$(upload "$WORK/harbour.jpg")
VIDEO=$(upload "$WORK/first-clip.mp4")
wait_processed "$IMAGE" 120
log "image $IMAGE processed (worker-image)"
wait_processed "$VIDEO" 180
log "video $VIDEO processed (worker-video)"
curl -fsS -b "$JAR" "$BASE/api/assets/$VIDEO" | python3 -c '
import json, sys
a = json.load(sys.stdin)
assert a["derivatives"], "the video has derivatives"
print("   video derivatives:", ", ".join("%s %s" % (d["kind"], d["label"]) for d in a["derivatives"]))'

# --- Flood the video queue; the autoscaler follows --------------------------------------------
replicas() { docker service inspect "$STACK"_worker-video --format '{{.Spec.Mode.Replicated.Replicas}}'; }
[ "$(replicas)" = 1 ] || fail "worker-video should start with 1 replica, has $(replicas)"
log "making $FLOOD 720p videos"
for i in $(seq "$FLOOD"); do clip "$WORK/flood-$i.mp4" $((i * 25)) 1280x720 6; done
log "uploading them at once"
for i in $(seq "$FLOOD"); do upload "$WORK/flood-$i.mp4" > "$WORK/flood-$i.id" & done
wait
IDS=()
for i in $(seq "$FLOOD"); do IDS+=("$(cat "$WORK/flood-$i.id")"); done
MOST=1
for _ in $(seq 120); do
    now=$(replicas)
    [ "$now" -gt "$MOST" ] && { MOST=$now; log "worker-video scaled to $now replicas"; }
    [ "$MOST" -ge 2 ] && break
    sleep 1
done
[ "$MOST" -ge 2 ] || fail "the autoscaler did not add video workers (still $(replicas))"
for id in "${IDS[@]}"; do wait_processed "$id" 600; done
log "all $FLOOD videos processed; the most worker-video replicas seen: $MOST"
for _ in $(seq 120); do
    [ "$(replicas)" = 1 ] && break
    sleep 1
done
[ "$(replicas)" = 1 ] || fail "worker-video stayed at $(replicas) replicas after the queue drained"
log "worker-video back to 1 replica after the queue drained"
# --- A rolling update of the api while a person keeps using it ---------------------------------
log "rolling update of the api under requests"
ok=0; failed=0
( while :; do curl -s -o /dev/null -w '%{http_code}\n' -b "$JAR" "$BASE/api/assets/$IMAGE"; sleep 0.2; done ) > "$WORK/during-update" &
LOAD=$!
docker service update --force --quiet "$STACK"_api >/dev/null 2>&1 || fail "the api update did not converge"
kill "$LOAD"; wait "$LOAD" 2>/dev/null || true
ok=$(grep -c '^200$' "$WORK/during-update" || true)
failed=$(grep -vc '^200$' "$WORK/during-update" || true)
log "during the update: $ok requests answered, $failed failed"
[ "$failed" = 0 ] || { sort "$WORK/during-update" | uniq -c; fail "requests failed during the rolling update"; }
[ "$ok" -gt 50 ] || fail "too few requests were made during the update ($ok)"

docker service logs --raw "$STACK"_autoscaler 2>/dev/null | grep -c "replicas follow the backlog" | xargs -I{} echo "   autoscaler decisions logged: {}"
log "swarm test passed"
