# The two commands: `make run` (set up, build, start everything) and `make test` (every test).
SHELL := /bin/bash
# One build cache outside the clone, shared by every checkout on this machine (and by CI).
export CARGO_TARGET_DIR ?= $(HOME)/.cache/dam-target
export SITE_ROOT ?= $(CURDIR)/target/site

.PHONY: run test lint setup build front test-rust test-api test-e2e check-deploy test-swarm images clean-data

run: setup build
	scripts/run.sh

test: setup build
	$(MAKE) lint check-deploy test-rust test-api test-e2e test-swarm

# Formatting (rustfmt.toml) and every clippy warning, on every crate and target.
lint:
	cargo fmt --all --check
	cargo clippy --workspace --all-targets -- -D warnings

setup:
	scripts/setup.sh

# Browser bundle: WASM + JS bindings, CSS, static files.
front:
	cargo run -q -p xtask -- wasm
	cd style && npm run --silent build
	cp -r public/. $(SITE_ROOT)/
	cp style/node_modules/swagger-ui-dist/swagger-ui-bundle.js style/node_modules/swagger-ui-dist/swagger-ui.css $(SITE_ROOT)/api-docs/

build: front
	cargo build -p server -p worker

test-rust:
	@if command -v cargo-nextest >/dev/null; then cargo nextest run --no-fail-fast; else cargo test --no-fail-fast; fi

# The Swarm stack file is valid (merged and interpolated as `docker stack deploy` would), and the
# Grafana dashboard it provisions is JSON.
check-deploy:
	docker stack config -c deploy/stack.yml | python3 scripts/check-stack.py
	docker stack config -c deploy/stack.yml -c deploy/local/stack.local.yml >/dev/null
	python3 -m json.tool deploy/grafana/dashboards/dam.json >/dev/null

# The JSON API fuzzed by Schemathesis from its own OpenAPI document (scripts/schemathesis.sh).
test-api:
	scripts/schemathesis.sh

test-e2e:
	cd end2end && npx playwright test

# The stack on a one-node Swarm of this machine with locally built images (deploy/local): deploy,
# process an image and a video, flood the video queue and watch the autoscaler (docs/DEPLOY.md).
test-swarm: build
	deploy/local/test-swarm.sh

# The images without a registry: dam-base (debootstrap) and dam:local (release binaries).
images: front
	deploy/local/build-images.sh

clean-data:
	rm -rf data
