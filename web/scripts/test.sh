#!/usr/bin/env bash
# The web part of `make test`: types (tsc strict), lint (eslint), unit tests (vitest + MSW), the production build,
# then the browser end-to-end and accessibility tests against the real service binary (SQLite and PostgreSQL).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
web="$root/web"
"$web/scripts/ensure-deps.sh"
cd "$web"
echo "== web: tsc --noEmit (strict)"; npm run -s typecheck
echo "== web: eslint"; npm run -s lint
echo "== web: unit tests"; npm run -s test:unit
echo "== web: production build"; npm run -s build
echo "== web: service binary"; (cd "$root" && "${CARGO:-cargo}" build -q -p tiktok-api --bin tiktok-integration)
echo "== web: browser end to end"; npm run -s test:e2e
