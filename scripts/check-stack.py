#!/usr/bin/env python3
"""Checks the merged Swarm stack for what the local Swarm cannot exercise: Prometheus (admin-only
figures, no authentication of its own) publishes no port, and the application does not hold
MinIO's root key: MinIO runs with its own root secrets, which only `minio-init` (the service that
makes the application's S3 user) also holds. Reads `docker stack config` output on stdin."""

import sys

import yaml

stack = yaml.safe_load(sys.stdin)
services = stack["services"]
problems = []


def secrets_of(name):
    return {s["source"] if isinstance(s, dict) else s for s in services.get(name, {}).get("secrets", [])}


if services["prometheus"].get("ports"):
    problems.append("prometheus publishes a port: its figures are admin-only and it has no sign-in")

minio_env = services["minio"].get("environment", {})
root_files = {minio_env.get("MINIO_ROOT_USER_FILE"), minio_env.get("MINIO_ROOT_PASSWORD_FILE")}
root_secrets = {f.rsplit("/", 1)[-1] for f in root_files if f}
if root_secrets != {"dam_minio_root_user", "dam_minio_root_password"}:
    problems.append(f"minio's root key should come from its own secrets, not {sorted(root_secrets)}")

for name in ("api", "worker-image", "worker-video", "autoscaler"):
    env = services[name].get("environment", {})
    if env.get("S3_ACCESS_KEY_FILE") != "/run/secrets/dam_s3_access_key":
        problems.append(f"{name} should use the application's S3 key (dam_s3_access_key)")
    if secrets_of(name) & root_secrets:
        problems.append(f"{name} holds MinIO's root key")

holders = [n for n in services if root_secrets and root_secrets <= secrets_of(n)]
if sorted(holders) != ["minio", "minio-init"]:
    problems.append(f"only minio and minio-init may hold the root key; held by {holders}")
if not {"dam_s3_access_key", "dam_s3_secret_key"} <= secrets_of("minio-init"):
    problems.append("minio-init must have the application's key to create its user")

for p in problems:
    print(f"check-stack: {p}", file=sys.stderr)
sys.exit(1 if problems else 0)
