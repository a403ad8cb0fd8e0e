#!/usr/bin/env bash
# make bench (part 2): ledger pages and export at province scale, beside same-run baselines.
# Generates BENCH_MEMBERS (default 1,000,000) members with a 7% mobile share into a temporary SQLite database.
set -euo pipefail
BIN=${1:-.build-release/release/liudong}
MEMBERS=${BENCH_MEMBERS:-1000000}
DURATION=${BENCH_PAGE_DURATION:-10s}
PORT=${BENCH_PORT:-18090}
VAR=$(mktemp -d /tmp/liudong-bench-ledger.XXXXXX)
export LIUDONG_VAR_DIR=$VAR LOG_LEVEL=warning LIUDONG_BASE_URL=http://127.0.0.1:$PORT
unset DATABASE_URL
cleanup() { [ -n "${SERVER:-}" ] && kill "$SERVER" 2>/dev/null; wait 2>/dev/null; rm -rf "$VAR"; }
trap cleanup EXIT
DB=$VAR/liudong.sqlite

echo "== liudong generate --members $MEMBERS --mobile-share 0.07 --seed 42"
start=$(date +%s.%N)
"$BIN" generate --members "$MEMBERS" --mobile-share 0.07 --seed 42 | grep -E "已生成" || true
gen=$(echo "$(date +%s.%N) - $start" | bc)
"$BIN" serve --hostname 127.0.0.1 --port "$PORT" >"$VAR/server.log" 2>&1 &
SERVER=$!
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.1; done
token() { curl -sf -X POST "http://127.0.0.1:$PORT/api/v1/session" -H 'Content-Type: application/json' \
  -d "{\"username\":\"$1\",\"password\":\"liudong-demo\"}" | sed 's/.*"token":"\([^"]*\)".*/\1/'; }
scope() { curl -sf "http://127.0.0.1:$PORT/api/v1/me" -H "Authorization: Bearer $1" | sed 's/.*"scopeCode":"\([^"]*\)".*/\1/'; }
SEC=$(token secretary); CTY=$(token county); ROOT_TOKEN=$(token city)
BRANCH=$(scope "$SEC"); COUNTY=$(scope "$CTY"); ROOT=$(scope "$ROOT_TOKEN")
rows() { sqlite3 "$DB" "select count(*) from flows f join members m on m.id=f.member_id join organizations b on b.id=m.organization_id where substr(b.path, 1, length((select path from organizations where code='$1'))) = (select path from organizations where code='$1') and f.status in ('away','arrived','lost')"; }
echo "== ledger lines: branch $BRANCH $(rows "$BRANCH"), county $COUNTY $(rows "$COUNTY"), all $(rows "$ROOT")"

page() {
  out=$(BENCH_TOKEN=$2 wrk -t"${3:-2}" -c"${3:-8}" -d"$DURATION" --timeout 10s -s Benchmarks/p95.lua "http://127.0.0.1:$PORT$1")
  if echo "$out" | grep -qE "Non-2xx|Socket errors"; then echo "$out" | grep -E "Non-2xx|Socket errors" >&2; fi
  echo "$out" | grep RESULT | cut -d' ' -f2-
}
read -r h_rps h_p50 h_p95 h_p99 < <(page /healthz "$SEC")
read -r b_rps b_p50 b_p95 b_p99 < <(page "/ledger/$BRANCH" "$SEC")
read -r c_rps c_p50 c_p95 c_p99 < <(page "/ledger/$COUNTY" "$CTY")
# The same pages for one client at a time: service time without queueing behind wrk's other connections.
read -r b1_rps b1_p50 b1_p95 b1_p99 < <(page "/ledger/$BRANCH" "$SEC" 1)
read -r c1_rps c1_p50 c1_p95 c1_p99 < <(page "/ledger/$COUNTY" "$CTY" 1)

# Baseline: the county page's own query (count + first page) through the sqlite3 shell, 20 runs.
CPATH=$(sqlite3 "$DB" "select path from organizations where code='$COUNTY'")
UPPER="${CPATH%/}0"   # the app's path-prefix range (see Sources/LiudongApp/App/PathPrefix.swift)
W="b.path >= '$CPATH' and b.path < '$UPPER' and f.status in ('away','arrived','lost')"
Q="select count(*) from flows f join members m on m.id=f.member_id join organizations b on b.id=m.organization_id where $W; select f.id, m.name from flows f join members m on m.id=f.member_id join organizations b on b.id=m.organization_id left join organizations i on i.id=f.inflow_org_id where $W order by b.sort_order, b.code, m.name, f.id limit 50;"
s0=$(date +%s.%N); for _ in $(seq 1 20); do sqlite3 "$DB" "$Q" >/dev/null; done
shell_ms=$(echo "($(date +%s.%N) - $s0) * 1000 / 20" | bc -l)

# Export of every line (streamed, constant memory) beside a one-branch export: peak memory should not grow with rows.
exp() { /usr/bin/time -f "%e %M" "$BIN" export ledger --org "$1" --format xlsx --output "$VAR/$1.xlsx" 2>&1 >/dev/null | tail -1; }
read -r small_s small_kb < <(exp "$BRANCH")
read -r big_s big_kb < <(exp "$ROOT")
big_rows=$(rows "$ROOT")

printf '\n%-40s %10s %10s %10s %10s\n' "" "req/s" "p50 ms" "p95 ms" "p99 ms"
printf '%-40s %10s %10s %10s %10s\n' "GET /healthz (baseline)" "$h_rps" "$h_p50" "$h_p95" "$h_p99"
printf '%-40s %10s %10s %10s %10s\n' "branch table /ledger/$BRANCH" "$b_rps" "$b_p50" "$b_p95" "$b_p99"
printf '%-40s %10s %10s %10s %10s\n' "county database /ledger/$COUNTY" "$c_rps" "$c_p50" "$c_p95" "$c_p99"
printf '%-40s %10s %10s %10s %10s\n' "branch table, 1 connection" "$b1_rps" "$b1_p50" "$b1_p95" "$b1_p99"
printf '%-40s %10s %10s %10s %10s\n' "county database, 1 connection" "$c1_rps" "$c1_p50" "$c1_p95" "$c1_p99"
printf '%-40s %32.2f ms per run\n' "same county query, sqlite3 shell" "$shell_ms"
printf '\nexport .xlsx: %s rows in %ss, peak RSS %s MB (one branch: %ss, %s MB)\n' "$big_rows" "$big_s" "$((big_kb / 1024))" "$small_s" "$((small_kb / 1024))"
printf 'generate: %s members in %.0fs\n' "$MEMBERS" "$gen"
met() { echo "$1 > 0 && $1 <= $2" | bc | sed 's/1/met/;s/0/NOT met/'; }
printf 'targets (DESIGN §5): branch p95 <= 30 ms -> %s at 8 connections, %s at 1; county p95 <= 100 ms -> %s at 8, %s at 1\n' \
  "$(met "$b_p95" 30)" "$(met "$b1_p95" 30)" "$(met "$c_p95" 100)" "$(met "$c1_p95" 100)"
printf 'export: %s rows/s measured (100,000 rows in <= 5 s needs 20,000 rows/s)\n' "$(echo "$big_rows / $big_s" | bc)"
