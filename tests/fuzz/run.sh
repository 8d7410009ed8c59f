#!/usr/bin/env bash
# `make fuzz`: Schemathesis (`--checks all`, every phase including the stateful one) against the document the
# service serves, once with a creator's token, once with an admin token and once with none. It builds the
# service, starts it in development with the TikTok sandbox on a fresh SQLite file and free ports, runs the
# three passes with a bounded number of examples, stops the service, and exits non-zero on any failure.
#
# Schemathesis is pinned and installed into a venv under target/ (made on first use). FUZZ_EXAMPLES (examples
# per operation and pass, default 25) and FUZZ_SEED (default: random) tune a run; tests/fuzz/schemathesis.toml
# holds the per-operation expectations the document cannot express (see docs/security.md, "Fuzzing").
set -euo pipefail
cd "$(dirname "$0")/../.."

SCHEMATHESIS_VERSION="4.32.5"
VENV="target/fuzz-venv"
EXAMPLES="${FUZZ_EXAMPLES:-25}"
CARGO="${CARGO:-cargo}"

if [ ! -x "$VENV/bin/st" ] || ! "$VENV/bin/pip" show schemathesis 2>/dev/null | grep -qx "Version: $SCHEMATHESIS_VERSION"; then
  rm -rf "$VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
fi

"$CARGO" build --quiet -p tiktok-api --bin tiktok-integration
ROOT="$PWD"
mkdir -p target/fuzz-work
BIN="$PWD/target/debug/tiktok-integration"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

WORK="$(mktemp -d "${TMPDIR:-/tmp}/tiktok-fuzz.XXXXXX")"
PORT="$(free_port)"
SANDBOX_PORT="$(free_port)"
export APP_ENV=development HOST=127.0.0.1 PORT="$PORT" APP_SANDBOX__PORT="$SANDBOX_PORT"
# The per-caller limit is off so that the fuzzer reaches the logic behind init, callback and sync.
export DATABASE_URL="sqlite://$WORK/fuzz.db" APP_LOG__FORMAT=json RUST_LOG=warn APP_RATE_LIMIT__PER_CALLER_PER_MINUTE=0
unset TIKTOK_CLIENT_ID TIKTOK_CLIENT_SECRET AUTH_JWT_SECRET AUTH_JWT_PUBLIC_KEY TOKEN_ENCRYPTION_KEY

"$BIN" serve >"$WORK/service.log" 2>&1 &
SERVICE=$!
stop() {
  kill "$SERVICE" 2>/dev/null && wait "$SERVICE" 2>/dev/null || true
  if grep -q "panicked" "$WORK/service.log"; then
    echo "the service panicked during the fuzz run:"; grep -A5 "panicked" "$WORK/service.log" | head -40
    exit 1
  fi
  rm -rf "$WORK"
}
trap stop EXIT

BASE="http://127.0.0.1:$PORT"
for _ in $(seq 1 100); do
  python3 -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=1)' "$BASE/health/live" 2>/dev/null && break
  kill -0 "$SERVICE" 2>/dev/null || { cat "$WORK/service.log"; exit 1; }
  sleep 0.1
done

CREATOR="$("$BIN" dev-token 42)"
ADMIN="$("$BIN" dev-token 42 --admin)"
python3 tests/fuzz/connect.py "$BASE" "$CREATOR"

status=0
for who in creator admin anonymous; do
  case "$who" in
    creator) auth=(-H "Authorization: Bearer $CREATOR") ;;
    admin) auth=(-H "Authorization: Bearer $ADMIN") ;;
    anonymous) auth=() ;;
  esac
  echo "== Schemathesis $SCHEMATHESIS_VERSION, --checks all, as $who"
  # Schemathesis and Hypothesis keep their caches in the working directory: target/fuzz-work, not the tree.
  (cd target/fuzz-work && "$ROOT/$VENV/bin/st" --config-file "$ROOT/tests/fuzz/schemathesis.toml" run "$BASE/api/v1/openapi.json" \
    --url "$BASE" \
    --checks all \
    --phases examples,coverage,fuzzing,stateful \
    --max-examples "$EXAMPLES" \
    ${FUZZ_SEED:+--seed "$FUZZ_SEED"} \
    --workers 1 \
    --request-timeout 10 \
    --suppress-health-check all \
    --output-truncate true \
    "${auth[@]}") || status=1
done
exit "$status"
