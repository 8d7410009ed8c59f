# The one entry point for people and CI. `make run` serves the API (SQLite + the TikTok sandbox in
# development); `make test` runs every test (PostgreSQL tests run when one is reachable, and say so when not).

CARGO ?= cargo
BIN   := tiktok-integration
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/postgres
export TEST_DATABASE_URL

.PHONY: run test lint fmt fmt-check check-deps migrate openapi doc build release bench clean fuzz

run: ## Serve the API (development: SQLite under data/, TikTok sandbox on :8081 unless TIKTOK_CLIENT_ID is set)
	$(CARGO) run -p tiktok-api --bin $(BIN) -- serve

test: check-deps ## Every test: domain (mocks), adapters (SQLite, PostgreSQL, sandbox), API end to end
	$(CARGO) test --workspace --all-targets
	$(CARGO) test --workspace --doc
	$(MAKE) fuzz

lint: check-deps ## fmt check + clippy, warnings are errors
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings

fmt: ## Format the code
	$(CARGO) fmt --all

fmt-check:
	$(CARGO) fmt --all -- --check

check-deps: ## The dependency rule: the domain depends on no adapter, no actix, no diesel, no reqwest
	@bad=$$($(CARGO) tree -p tiktok-domain -e normal --prefix none --format '{p}' | grep -E '^(actix|diesel|reqwest|hyper|tiktok-adapters|tiktok-api|tiktok-sandbox|libsqlite3|pq-sys)' | sort -u); \
	if [ -n "$$bad" ]; then echo "dependency rule broken: tiktok-domain depends on:"; echo "$$bad"; exit 1; fi; \
	for a in tiktok-adapters-db tiktok-adapters-tiktok tiktok-adapters-crypto; do \
	  bad=$$($(CARGO) tree -p $$a -e normal --prefix none --format '{p}' | grep -E '^(tiktok-api|tiktok-adapters)' | grep -v "^$$a " | sort -u); \
	  if [ -n "$$bad" ]; then echo "dependency rule broken: $$a depends on:"; echo "$$bad"; exit 1; fi; \
	done; \
	echo "dependency rule holds"

migrate: ## Apply pending migrations to DATABASE_URL
	$(CARGO) run -p tiktok-api --bin $(BIN) -- migrate

openapi: ## Regenerate docs/openapi.json from the code
	UPDATE_OPENAPI=1 $(CARGO) test -p tiktok-api --test openapi

fuzz: ## Schemathesis --checks all against the served OpenAPI document, as creator, admin and anonymous (tests/fuzz/run.sh)
	CARGO="$(CARGO)" tests/fuzz/run.sh

doc:
	$(CARGO) doc --workspace --no-deps

build:
	$(CARGO) build --workspace

release:
	$(CARGO) build --release -p tiktok-api --bin $(BIN)

bench: ## Load benchmark (wrk): the release service on PostgreSQL + sandbox beside a bare actix-web + Diesel yardstick; docs/performance.md
	@command -v wrk >/dev/null || (apt-get update && apt-get install -y wrk)
	$(CARGO) build --release -p tiktok-api -p tiktok-bench --bins
	$(CARGO) run --release -q -p tiktok-bench --bin bench

clean:
	$(CARGO) clean
