#!/usr/bin/env bash
# make bench: self-report POST throughput and latency beside the same server's /healthz, in one run.
# Release build, SQLite, the Chifeng demo. Prints figures; asserts nothing (targets are printed beside them).
set -euo pipefail
BIN=${1:-.build-release/release/liudong}
DURATION=${BENCH_DURATION:-20s}
CONNECTIONS=${BENCH_CONNECTIONS:-64}
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk"; exit 1; }
VAR=$(mktemp -d /tmp/liudong-bench.XXXXXX)
PORT=${BENCH_PORT:-18080}
export LIUDONG_VAR_DIR=$VAR LOG_LEVEL=warning LIUDONG_BASE_URL=http://127.0.0.1:$PORT
# Load generators share one address: lift the per-client and per-ID limits for the run.
export LIUDONG_REPORTS_PER_CLIENT_PER_MINUTE=100000000 LIUDONG_REPORTS_PER_ID_PER_HOUR=100000000
unset DATABASE_URL
cleanup() { [ -n "${SERVER:-}" ] && kill "$SERVER" 2>/dev/null; wait 2>/dev/null; rm -rf "$VAR"; }
trap cleanup EXIT

echo "== loading the demo (release build)"
"$BIN" demo --seed 1 | grep -E "装入" || true
LIUDONG_ALLOW_FIXED_CLOCK=1 "$BIN" serve --env production --hostname 127.0.0.1 --port "$PORT" >"$VAR/server.log" 2>&1 &
SERVER=$!
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.1; done
before=$(sqlite3 "$VAR/liudong.sqlite" "select count(*) from self_reports")

run() { wrk -t"${BENCH_THREADS:-2}" -c"$CONNECTIONS" -d"$DURATION" --latency "$@"; }
parse() { # requests/s, p50, p99 (ms) from wrk's --latency output
  awk 'function ms(v) { if (v ~ /us$/) return v/1000; if (v ~ /ms$/) return v+0; if (v ~ /s$/) return v*1000; return v }
       /Requests\/sec/ {rps=$2}
       /^ +50%/ {p50=$2} /^ +99%/ {p99=$2}
       /Non-2xx/ {bad=$5}
       END { printf "%.0f %.2f %.2f %s\n", rps, ms(p50), ms(p99), (bad == "" ? 0 : bad) }'
}
echo "== baseline: GET /healthz, $CONNECTIONS connections, $DURATION"
read -r h_rps h_p50 h_p99 h_bad < <(run "http://127.0.0.1:$PORT/healthz" | parse)
echo "== POST /api/v1/self-reports, $CONNECTIONS connections, $DURATION"
out=$(run -s Benchmarks/selfreport.lua "http://127.0.0.1:$PORT/api/v1/self-reports")
read -r r_rps r_p50 r_p99 r_bad < <(echo "$out" | parse)
after=$(sqlite3 "$VAR/liudong.sqlite" "select count(*) from self_reports")

printf '\n%-34s %12s %10s %10s\n' "" "requests/s" "p50 ms" "p99 ms"
printf '%-34s %12s %10s %10s\n' "GET /healthz (baseline)" "$h_rps" "$h_p50" "$h_p99"
printf '%-34s %12s %10s %10s\n' "POST /api/v1/self-reports" "$r_rps" "$r_p50" "$r_p99"
printf '\nreports stored: %d (non-2xx answers: %s); reports/s is %.0f%% of the healthz rate\n' \
  "$((after - before))" "$r_bad" "$(echo "$r_rps $h_rps" | awk '{print 100*$1/$2}')"
printf 'target (DESIGN §5): >= 3000 reports/s with p99 <= 50 ms -> %s\n' \
  "$(echo "$r_rps $r_p99" | awk '{print ($1 >= 3000 && $2 <= 50) ? "met" : "NOT met"}')"
printf 'issue 31 item 7: p99 <= 50 ms at %s connections keeping >= 30%% of the healthz rate -> %s\n' "$CONNECTIONS" \
  "$(echo "$r_rps $r_p99 $h_rps" | awk '{print ($2 <= 50 && $1 >= 0.3 * $3) ? "met" : "NOT met"}')"
