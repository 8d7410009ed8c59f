# The one entry point for people and CI. `make run` serves the API (SQLite + the TikTok sandbox in
# development) and the settings page on http://localhost:3000; `make test` runs every test (PostgreSQL tests run
# when one is reachable, and say so when not), then the web checks (types, lint, unit, browser end to end).

CARGO ?= cargo
BIN   := tiktok-integration
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/postgres
export TEST_DATABASE_URL

# The web part (web/) needs Node.js >= 20.19 and npm; its scripts say so when they are missing.
.PHONY: run run-api test test-web lint audit fmt fmt-check check-deps check-alerts migrate openapi doc build release bench bench-scale clean fuzz

run: ## Serve the API + TikTok sandbox and the settings page (http://localhost:3000/creator-dashboard/settings); Ctrl-C stops both
	web/scripts/run-dev.sh

run-api: ## Serve the API only (development: SQLite under data/, TikTok sandbox on :8081 unless TIKTOK_CLIENT_ID is set)
	$(CARGO) run -p tiktok-api --bin $(BIN) -- serve

test: check-deps check-alerts ## Every test: domain (mocks), adapters (SQLite, PostgreSQL, sandbox), API end to end
	$(CARGO) test --workspace --all-targets
	$(CARGO) test --workspace --doc
	$(CARGO) test -p tiktok-api --no-default-features --lib
	$(MAKE) fuzz
	web/scripts/test.sh

test-web: ## The web part of `make test` only: tsc, eslint, vitest, browser end to end (Chromium)
	web/scripts/test.sh

lint: check-deps ## fmt check + clippy (warnings are errors), cargo deny (licences, duplicate crates, sources), cargo machete (unused dependencies)
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings
	@$(CARGO) deny --version >/dev/null 2>&1 || { echo "cargo-deny is missing: cargo install --locked cargo-deny (.ci/run does)"; exit 1; }
	$(CARGO) deny check licenses bans sources
	@$(CARGO) machete --version >/dev/null 2>&1 || { echo "cargo-machete is missing: cargo install --locked cargo-machete (.ci/run does)"; exit 1; }
	$(CARGO) machete

audit: ## RustSec advisories (cargo deny check advisories): needs GitHub for the advisory database, so not part of `lint`
	$(CARGO) deny check advisories

fmt: ## Format the code
	$(CARGO) fmt --all

fmt-check:
	$(CARGO) fmt --all -- --check

check-deps: ## The dependency rule: the domain depends on no adapter, no actix, no diesel, no reqwest; no test machinery in the service binary
	@bad=$$($(CARGO) tree -p tiktok-domain -e normal --prefix none --format '{p}' | grep -E '^(actix|diesel|reqwest|hyper|tiktok-adapters|tiktok-api|tiktok-sandbox|libsqlite3|pq-sys|metrics-exporter)' | sort -u); \
	if [ -n "$$bad" ]; then echo "dependency rule broken: tiktok-domain depends on:"; echo "$$bad"; exit 1; fi; \
	for a in tiktok-adapters-db tiktok-adapters-tiktok tiktok-adapters-crypto tiktok-adapters-webhooks; do \
	  bad=$$($(CARGO) tree -p $$a -e normal --prefix none --format '{p}' | grep -E '^(tiktok-api|tiktok-adapters)' | grep -v "^$$a " | sort -u); \
	  if [ -n "$$bad" ]; then echo "dependency rule broken: $$a depends on:"; echo "$$bad"; exit 1; fi; \
	done; \
	if $(CARGO) tree --workspace -e normal --prefix none --format '{p} {f}' | grep -E '^tiktok-domain .*failpoints' >/dev/null; then \
	  echo "failpoints are unified into the workspace build (they belong in dev-dependencies only)"; exit 1; fi; \
	if $(CARGO) tree -p tiktok-api --no-default-features -e normal --prefix none --format '{p}' | grep -E '^tiktok-sandbox ' >/dev/null; then \
	  echo "the release build (--no-default-features) still depends on tiktok-sandbox"; exit 1; fi; \
	echo "dependency rule holds"

check-alerts: ## The Prometheus alert rules parse and are valid (promtool, from Debian's prometheus package)
	@command -v promtool >/dev/null || { echo "promtool is missing: apt-get install prometheus (.ci/run does)"; exit 1; }
	promtool check rules docs/monitoring/alerts.yml
	promtool test rules docs/monitoring/alerts_test.yml

migrate: ## Apply pending migrations to DATABASE_URL
	$(CARGO) run -p tiktok-api --bin $(BIN) -- migrate

openapi: ## Regenerate docs/openapi.json from the code, then the TypeScript types of web/ from it
	UPDATE_OPENAPI=1 $(CARGO) test -p tiktok-api --test openapi
	web/scripts/ensure-deps.sh
	npm --prefix web run -s generate

fuzz: ## Schemathesis --checks all against the served OpenAPI document, as creator, admin and anonymous (tests/fuzz/run.sh)
	CARGO="$(CARGO)" tests/fuzz/run.sh

doc:
	$(CARGO) doc --workspace --no-deps

build:
	$(CARGO) build --workspace

release: ## The production binary: no TikTok sandbox, no failpoints (checked on the built binary)
	$(CARGO) build --release -p tiktok-api --no-default-features --bin $(BIN)
	@if grep -aqE 'tiktok.sandbox|failpoint' target/release/$(BIN); then \
	  echo "target/release/$(BIN) contains the sandbox or the failpoints"; exit 1; fi
	@dir=$$(mktemp -d); out=$$(cd $$dir && env -i PATH="$$PATH" DATABASE_URL=sqlite::memory: $(CURDIR)/target/release/$(BIN) serve 2>&1); \
	code=$$?; rmdir $$dir; \
	if [ $$code -eq 0 ] || ! echo "$$out" | grep -q TIKTOK_CLIENT_ID; then \
	  echo "target/release/$(BIN) started without TIKTOK_CLIENT_ID: $$out"; exit 1; fi
	@echo "target/release/$(BIN): no sandbox, no failpoints, refuses to start without TIKTOK_CLIENT_ID"

bench: ## Load benchmark (wrk): the release service on PostgreSQL + sandbox beside a bare actix-web + Diesel yardstick; docs/performance.md
	@command -v wrk >/dev/null || (apt-get update && apt-get install -y wrk)
	$(CARGO) build --release -p tiktok-api -p tiktok-bench --bins
	$(CARGO) run --release -q -p tiktok-bench --bin bench

bench-scale: ## The service at 1,000 vs 100,000 seeded accounts on PostgreSQL: p99 ratio, claim query plans, size per account (docs/performance.md)
	@command -v wrk >/dev/null || (apt-get update && apt-get install -y wrk)
	$(CARGO) build --release -p tiktok-api --bin $(BIN)
	crates/bench/scale/run.sh

clean:
	$(CARGO) clean
