#!/usr/bin/env bash
# `make run`: the API and the TikTok sandbox (cargo run … serve) and the settings page (Vite on port 3000),
# both stopped together on Ctrl-C.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
web="$root/web"
"$web/scripts/ensure-deps.sh"

api_port="${PORT:-8080}"
page_port="${PAGE_PORT:-3000}"   # the redirect URI (TIKTOK_REDIRECT_URI) names this port
api_pid=""
page_pid=""
stop() {
  trap - INT TERM EXIT
  [ -n "$page_pid" ] && kill "$page_pid" 2>/dev/null || true
  [ -n "$api_pid" ] && kill "$api_pid" 2>/dev/null || true
  wait 2>/dev/null || true
}
trap stop INT TERM EXIT

echo "Building and starting the API (http://127.0.0.1:$api_port) and the TikTok sandbox…"
(cd "$root" && exec "${CARGO:-cargo}" run -q -p tiktok-api --bin tiktok-integration -- serve) &
api_pid=$!
for _ in $(seq 1 600); do
  curl -fsS "http://127.0.0.1:$api_port/health/live" >/dev/null 2>&1 && break
  kill -0 "$api_pid" 2>/dev/null || { echo "The API did not start (see above)." >&2; exit 1; }
  sleep 1
done

(cd "$web/apps/dashboard" && TIKTOK_API_URL="http://127.0.0.1:$api_port" exec node "$web/node_modules/vite/bin/vite.js" --port "$page_port" --strictPort) &
page_pid=$!
sleep 1
cat <<MSG

  Settings page:  http://localhost:$page_port/creator-dashboard/settings
  API reference:  http://localhost:$page_port/creator-dashboard/api-reference
  API:            http://127.0.0.1:$api_port   (sandbox TikTok on its own port, see the log)

  Ctrl-C stops everything.

MSG
wait -n "$api_pid" "$page_pid"
