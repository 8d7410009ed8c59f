#!/usr/bin/env bash
# Makes sure Node.js and npm are there (saying clearly what is missing) and installs web/'s dependencies from
# the lockfile (npm ci) when node_modules is missing or older than package-lock.json.
set -euo pipefail
web="$(cd "$(dirname "$0")/.." && pwd)"

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "The settings page needs Node.js 20.19 or newer and npm, and they are not installed." >&2
  echo "Install them (e.g. from https://nodejs.org, or your package manager), then run this again." >&2
  exit 127
fi
major="$(node -p 'process.versions.node.split(".")[0]')"
minor="$(node -p 'process.versions.node.split(".")[1]')"
if [ "$major" -lt 20 ] || { [ "$major" -eq 20 ] && [ "$minor" -lt 19 ]; }; then
  echo "The settings page needs Node.js 20.19 or newer; this is $(node --version)." >&2
  exit 127
fi
stamp="$web/node_modules/.package-lock.json"
if [ ! -f "$stamp" ] || [ "$web/package-lock.json" -nt "$stamp" ]; then
  echo "Installing the page's dependencies (npm ci)…"
  (cd "$web" && npm ci --no-audit --no-fund)
fi
