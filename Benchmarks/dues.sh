#!/usr/bin/env bash
# make bench (part 7): 党费 at province scale, beside same-run baselines (SQLite).
# In a database of BENCH_MEMBERS (default 1,000,000) members every member gets a confirmed base (a spread of
# categories and incomes) and a year of payments: one payment per member covering the year so far, a tenth with the
# last three months unpaid. `liudong dues generate --month M` writes each of the twelve months' amounts due (target
# <= 10 s a month at 1,000,000 members), each followed by that month's payments marking it — twelve million rows.
# Measured at one connection: the biggest county's collection sheet for last month, GET /dues?org= (the page) and
# GET /api/v1/dues/collection?org= (target p95 <= 200 ms), beside /healthz and the sheet's query through the sqlite3
# shell. BENCH_VAR=DIR reuses a directory an earlier `liudong generate` filled (its dues rows are kept).
set -euo pipefail
BIN=${1:-.build-release/release/liudong}
MEMBERS=${BENCH_MEMBERS:-1000000}
DURATION=${BENCH_PAGE_DURATION:-10s}
PORT=${BENCH_PORT:-18093}
if [ -n "${BENCH_VAR:-}" ] && [ -f "$BENCH_VAR/liudong.sqlite" ]; then VAR=$BENCH_VAR; KEEP=1; else VAR=$(mktemp -d /tmp/liudong-bench-dues.XXXXXX); KEEP=0; fi
export LIUDONG_VAR_DIR=$VAR LOG_LEVEL=warning LIUDONG_BASE_URL=http://127.0.0.1:$PORT
. "$(dirname "$0")/clock.sh"
unset DATABASE_URL TEST_DATABASE_URL
DB=$VAR/liudong.sqlite
q() { sqlite3 "$DB" "$1"; }
cleanup() { [ -n "${SERVER:-}" ] && kill "$SERVER" 2>/dev/null; wait 2>/dev/null; [ "$KEEP" = 1 ] || rm -rf "$VAR"; }
trap cleanup EXIT
URL=http://127.0.0.1:$PORT

if [ "$KEEP" = 1 ]; then
  echo "== reusing the database in $VAR (BENCH_VAR)"
else
  echo "== liudong generate --members $MEMBERS --mobile-share 0.07 --seed 42"
  "$BIN" generate --members "$MEMBERS" --mobile-share 0.07 --seed 42 | grep -E "已生成" || true
fi
"$BIN" migrate --yes >/dev/null
T=$BENCH_TODAY
THIS=${T:0:7}
month() { date -d "$THIS-01 $1 month" +%Y-%m; }
FIRST=$(month -12)
LAST=$(month -1)
read -r CODE CPATH < <(q "select c.code, c.path from organizations c join organizations b
  on b.path >= c.path and b.path < substr(c.path, 1, length(c.path) - 1) || '0' join members m on m.organization_id = b.id
  where c.level = 'county' group by c.id order by count(*) desc limit 1" | tr '|' ' ')
UPPER="${CPATH%/}0"
ID="substr(h, 1, 8) || '-' || substr(h, 9, 4) || '-4' || substr(h, 14, 3) || '-A' || substr(h, 18, 3) || '-' || substr(h, 21, 12)"
GEN=""
if [ "$(q "select count(*) from dues_bases where declared_by = 'bench-dues'")" = 0 ]; then
  echo "== a base for every member and a year of payments (one each, a tenth three months short)"
  q "insert into dues_bases (id, member_id, category, base_fen, from_month, state, declared_by, declared_on)
    select $ID, id, case abs(r) % 10 when 0 then 'retired' when 1 then 'retired' when 2 then 'farmer' when 3 then 'farmer'
      when 4 then 'reduced' when 5 then 'other' else 'employed' end, 200000 + abs(r) % 1300000, '$FIRST', 'confirmed',
      'bench-dues', '$T'
    from (select id, hex(randomblob(16)) as h, random() as r from members where roster_state is null);
    insert into dues_payments (id, member_id, from_month, to_month, amount_fen, due_fen, paid_on, paid_to_org_id,
      paid_to_kind, channel, to_centre, source, recorded_by, recorded_at)
    select $ID, id, '$FIRST', case when abs(r) % 10 = 0 then '$(month -4)' else '$LAST' end, 0, 0, '$T',
      organization_id, 'home', 'cash', 0, 'bench', 'bench-dues', datetime('now')
    from (select id, organization_id, hex(randomblob(16)) as h, random() as r from members where roster_state is null);"
  echo "== liudong dues generate, each month $FIRST .. $LAST, then that month's payments (as the year went)"
  for k in $(seq -12 -1); do
    m=$(month "$k")
    line=$("$BIN" dues generate --month "$m")
    echo "   $line"
    GEN="$line"
    q "update dues_months set payment_id = p.id from dues_payments p
      where dues_months.month = '$m' and p.member_id = dues_months.member_id and p.source = 'bench'
        and '$m' between p.from_month and p.to_month;"
  done
  q "update dues_payments set due_fen = 1, amount_fen = 1 where source = 'bench';"
else
  GEN=$("$BIN" dues generate --month "$LAST")
  echo "   again: $GEN"
fi
ROWS=$(q "select count(*) from dues_months")
# Baseline: the county's sheet through the sqlite3 shell (three runs, averaged).
SQ="select d.org_id, count(*), sum(d.due_fen), sum(case when d.payment_id is null then 0 else d.due_fen end),
  sum(case when d.payment_id is null then 0 else 1 end) from organizations o cross join dues_months d
  where d.org_id = o.id and d.month = '$LAST' and o.path >= '$CPATH' and o.path < '$UPPER' group by d.org_id;"
shell() { local s0; s0=$(date +%s.%N); for _ in 1 2 3; do q "$1" >/dev/null; done; echo "(($(date +%s.%N) - $s0) / 3) * 1000" | bc -l; }
s_ms=$(shell "$SQ")
COUNTY_MEMBERS=$(q "select count(*) from organizations o join dues_months d on d.org_id = o.id and d.month = '$LAST'
  where o.path >= '$CPATH' and o.path < '$UPPER'")

LIUDONG_ALLOW_FIXED_CLOCK=1 "$BIN" serve --env production --hostname 127.0.0.1 --port "$PORT" >"$VAR/server-dues.log" 2>&1 &
SERVER=$!
for _ in $(seq 1 100); do curl -sf "$URL/healthz" >/dev/null && break; sleep 0.1; done
TOKEN=$(curl -sf -X POST "$URL/api/v1/session" -H 'Content-Type: application/json' \
  -d '{"username":"city","password":"liudong-demo"}' | sed 's/.*"token":"\([^"]*\)".*/\1/')
page() {
  local out
  out=$(BENCH_TOKEN=$TOKEN wrk -t1 -c1 -d"$DURATION" --timeout 10s -s Benchmarks/p95.lua "$URL$1")
  if echo "$out" | grep -qE "Non-2xx|Socket errors"; then echo "$out" | grep -E "Non-2xx|Socket errors" >&2; fi
  echo "$out" | grep RESULT | cut -d' ' -f2-
}
read -r h_rps h_p50 h_p95 h_p99 < <(page /healthz)
read -r p_rps p_p50 p_p95 p_p99 < <(page "/dues?org=$CODE&month=$LAST")
read -r a_rps a_p50 a_p95 a_p99 < <(page "/api/v1/dues/collection?org=$CODE&month=$LAST")
kill "$SERVER" 2>/dev/null; wait "$SERVER" 2>/dev/null || true; SERVER=

printf '\n[dues, %s members in the database, %s rows in dues_months; county %s, %s members due in %s]\n' \
  "$(q 'select count(*) from members')" "$ROWS" "$CODE" "$COUNTY_MEMBERS" "$LAST"
printf '%-48s %10s %10s %10s %10s\n' "1 connection" "req/s" "p50 ms" "p95 ms" "p99 ms"
printf '%-48s %10s %10s %10s %10s\n' "GET /healthz (baseline)" "$h_rps" "$h_p50" "$h_p95" "$h_p99"
printf '%-48s %10s %10s %10s %10s\n' "GET /dues (county's collection sheet, page)" "$p_rps" "$p_p50" "$p_p95" "$p_p99"
printf '%-48s %10s %10s %10s %10s\n' "GET /api/v1/dues/collection (county)" "$a_rps" "$a_p50" "$a_p95" "$a_p99"
printf '%-48s %10.1f ms  (baseline)\n' "the sheet's query, sqlite3 shell" "$s_ms"
printf '%-48s %s\n' "liudong dues generate (one month, all members)" "$GEN"
secs=$(echo "$GEN" | sed -n 's/.*用时\([0-9.]*\)秒.*/\1/p')
met() { echo "$1 > 0 && $1 <= $2" | bc | sed 's/1/met/;s/0/NOT met/'; }
printf 'dues: collection sheet p95 <= 200 ms -> %s (page), %s (API); a month generated <= 10 s -> %s\n\n' \
  "$(met "$p_p95" 200)" "$(met "$a_p95" 200)" "$(met "${secs:-0}" 10)"
