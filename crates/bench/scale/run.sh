#!/usr/bin/env bash
# `make bench-scale`: the service at 1,000 and at 100,000 connected accounts (docs/performance.md, "Scale").
#
# For each size: a fresh PostgreSQL database (bench_scale_<n>_<pid>), migrated by the service's own `migrate`,
# seeded by seed.sql (set-based INSERTs), the claim queries EXPLAIN ANALYZEd (explain.sql), then the release
# service on each database side by side and wrk in interleaved rounds (1k and 100k take turns, the order
# turns each round): GET status and GET metrics of random seeded accounts at 64 connections. Prints the
# medians of the rounds and the p99 ratio 100k / 1k; the databases are dropped at the end.
#
# Knobs: BENCH_SCALE_BIN (target/release/tiktok-integration), BENCH_SCALE_SIZES ("1000 100000"),
# BENCH_SCALE_ROUNDS (3), BENCH_SCALE_DURATION_SECS (5), BENCH_SCALE_CONNECTIONS (64),
# BENCH_DATABASE_URL (else TEST_DATABASE_URL, else postgres://postgres@127.0.0.1:5432/postgres),
# BENCH_SCALE_KEEP=1 keeps the databases.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
bin=${BENCH_SCALE_BIN:-$root/target/release/tiktok-integration}
sizes=${BENCH_SCALE_SIZES:-"1000 100000"}
rounds=${BENCH_SCALE_ROUNDS:-3}
duration=${BENCH_SCALE_DURATION_SECS:-5}
connections=${BENCH_SCALE_CONNECTIONS:-64}
base=${BENCH_DATABASE_URL:-${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}}
server=${base%/*}
out=$(mktemp -d /tmp/bench-scale.XXXXXX)
[ -x "$bin" ] || { echo "bench-scale: $bin is missing (cargo build --release -p tiktok-api --bin tiktok-integration)"; exit 2; }
command -v wrk >/dev/null || { echo "bench-scale: wrk is missing (apt-get install -y wrk)"; exit 2; }
echo "bench-scale: reports in $out"

export APP_ENV=development AUTH_JWT_SECRET="bench-jwt-secret-of-at-least-32-bytes!!" \
  TOKEN_ENCRYPTION_KEY="bench:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=" \
  APP_RATE_LIMIT__PER_CALLER_PER_MINUTE=0 APP_LOG__FORMAT=json APP_BACKGROUND__ENABLED=false
unset TIKTOK_CLIENT_ID

declare -A db port pid
cleanup() {
  for n in $sizes; do
    [ -n "${pid[$n]:-}" ] && kill "${pid[$n]}" 2>/dev/null && wait "${pid[$n]}" 2>/dev/null
    [ -n "${db[$n]:-}" ] && [ -z "${BENCH_SCALE_KEEP:-}" ] && psql -q "$base" -c "DROP DATABASE IF EXISTS ${db[$n]}" || true
  done
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

for n in $sizes; do
  db[$n]=bench_scale_${n}_$$
  psql -q "$base" -c "CREATE DATABASE ${db[$n]}"
  url=$server/${db[$n]}
  DATABASE_URL=$url "$bin" migrate >"$out/migrate_$n.log" 2>&1
  start=$(date +%s)
  psql -q -v ON_ERROR_STOP=1 -v n="$n" "$url" -f "$here/seed.sql"
  echo "== $n accounts: seeded in $(( $(date +%s) - start )) s"
  psql -q -v n="$n" "$url" -f "$here/explain.sql" | tee "$out/explain_$n.txt" \
    | grep -E '^###|Index Cond|Seq Scan|Index Scan|Execution Time|bytes_per|^ +[0-9]+ [MGk]B' || true
  port[$n]=$(free_port)
  DATABASE_URL=$url PORT=${port[$n]} APP_SANDBOX__PORT=$(free_port) APP_METRICS__LISTEN=127.0.0.1:$(free_port) \
    "$bin" serve >"$out/service_$n.log" 2>&1 &
  pid[$n]=$!
done
token=$("$bin" dev-token bench-scale --admin 2>/dev/null | tail -1)
for n in $sizes; do
  for _ in $(seq 100); do curl -fs "http://127.0.0.1:${port[$n]}/health/ready" >/dev/null && break; sleep 0.2; done
  wrk -t2 -c"$connections" -d2s -s "$here/read.lua" "http://127.0.0.1:${port[$n]}" -- "$n" "$token" status >/dev/null
done

# One wrk run; prints "<requests/s> <p99 ms> <non-2xx>".
measure() { # n kind
  local report=$out/wrk_$1_$2_$r.txt
  wrk -t2 -c"$connections" -d"${duration}s" --latency -s "$here/read.lua" "http://127.0.0.1:${port[$1]}" -- "$1" "$token" "$2" >"$report"
  awk '/Requests\/sec/ {rps=$2} / 99%/ {v=$2; if (v ~ /us$/) {sub(/us/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v*=1000}; p99=v}
       /Non-2xx/ {bad=$4} END {printf "%s %s %s\n", rps, p99, bad+0}' "$report"
}
declare -A results
order=($sizes)
for r in $(seq "$rounds"); do
  for kind in status metrics; do
    for n in "${order[@]}"; do
      read -r rps p99 bad < <(measure "$n" "$kind")
      results[$n,$kind]+="$rps $p99 $bad;"
      echo "round $r $kind n=$n: $rps req/s, p99 $p99 ms, non-2xx $bad"
    done
  done
  order=($(printf '%s\n' "${order[@]}" | tac))
done

median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
echo
echo "kind     accounts  req/s(median)  p99 ms(median)  peak RSS"
for kind in status metrics; do
  for n in $sizes; do
    rows=$(echo "${results[$n,$kind]}" | tr ';' '\n' | grep .)
    rps=$(echo "$rows" | awk '{print $1}' | median); p99=$(echo "$rows" | awk '{print $2}' | median)
    rss=$(awk '/VmHWM/ {print $2 " kB"}' "/proc/${pid[$n]}/status")
    printf '%-8s %8s  %13s  %14s  %s\n' "$kind" "$n" "$rps" "$p99" "$rss"
    eval "p99_${kind}_$n=$p99"
  done
done
set -- $sizes
small=$1; large=${!#}
for kind in status metrics; do
  a=$(eval echo "\$p99_${kind}_$small"); b=$(eval echo "\$p99_${kind}_$large")
  awk -v a="$a" -v b="$b" -v k="$kind" -v s="$small" -v l="$large" 'BEGIN {r=b/a; printf "%s p99 at %s / at %s: %.2f (target <= 1.2): %s\n", k, l, s, r, (r<=1.2 ? "met" : "MISSED")}'
done
