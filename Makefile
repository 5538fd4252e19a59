# The two commands: `make run` (set up, build, start everything) and `make test` (every test).
SHELL := /bin/bash
# One build cache outside the clone, shared by every checkout on this machine (and by CI).
export CARGO_TARGET_DIR ?= $(HOME)/.cache/dam-target
export SITE_ROOT ?= $(CURDIR)/target/site

.PHONY: run test lint setup build front front-dev screenshots bench-front test-rust test-api test-e2e check-deploy test-swarm images clean-data

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

# Browser bundle: WASM + JS bindings (wasm-release profile), CSS, then wasm-opt, content-hashed
# names and brotli/gzip copies (style/bundle.mjs), static files. `make front-dev` skips the
# optimisation for quick iterations on the UI.
front:
	cargo run -q -p xtask -- wasm --release
	cd style && npm run --silent build && node bundle.mjs
	cp -r public/. $(SITE_ROOT)/
	cp style/node_modules/swagger-ui-dist/swagger-ui-bundle.js style/node_modules/swagger-ui-dist/swagger-ui.css $(SITE_ROOT)/api-docs/

front-dev:
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

# The gallery, viewer, upload tray, share dialog and dashboard, light and dark, desktop and phone,
# into docs/screenshots/ (the README shows them).
screenshots: build
	cd end2end && npx playwright test --config screenshots.config.ts --reporter=line

# Bundle size and page-load figures under a throttled line, and Lighthouse scores (pinned in
# bench/lighthouse; docs/BENCHMARKS.md).
bench-front: build
	cd bench/lighthouse && npm ci --no-audit --no-fund
	cd end2end && npx playwright test --config bench.config.ts --reporter=line

# The images without a registry: dam-base (debootstrap) and dam:local (release binaries).
images: front
	deploy/local/build-images.sh

clean-data:
	rm -rf data
