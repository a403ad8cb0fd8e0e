#!/usr/bin/env bash
# make bench (part 6): the roster's whole life at province scale, beside same-run baselines (SQLite).
# In a database of BENCH_MEMBERS (default 1,000,000) members, the county with the most members gets up to 20,000 transfers
# in every state (some letters past their validity, some receipts late) and 50,000 lines of the national system's to-do
# list (half ticked; at most one of each per member of the county). Measured at one connection: GET /api/v1/transfers for the county (all, and overdue only) and
# GET /api/v1/national-todo?state=open (target p95 <= 100 ms each), beside /healthz and the same queries through the
# sqlite3 shell. BENCH_VAR=DIR reuses a directory an earlier `liudong generate` filled (its bench rows are kept).
set -euo pipefail
BIN=${1:-.build-release/release/liudong}
MEMBERS=${BENCH_MEMBERS:-1000000}
DURATION=${BENCH_PAGE_DURATION:-10s}
PORT=${BENCH_PORT:-18092}
if [ -n "${BENCH_VAR:-}" ] && [ -f "$BENCH_VAR/liudong.sqlite" ]; then VAR=$BENCH_VAR; KEEP=1; else VAR=$(mktemp -d /tmp/liudong-bench-roster.XXXXXX); KEEP=0; fi
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
read -r CID CODE CPATH < <(q "select c.id, c.code, c.path from organizations c join organizations b
  on b.path >= c.path and b.path < substr(c.path, 1, length(c.path) - 1) || '0' join members m on m.organization_id = b.id
  where c.level = 'county' group by c.id order by count(*) desc limit 1" | tr '|' ' ')
UPPER="${CPATH%/}0"
T=$BENCH_TODAY
ID="substr(h, 1, 8) || '-' || substr(h, 9, 4) || '-4' || substr(h, 14, 3) || '-A' || substr(h, 18, 3) || '-' || substr(h, 21, 12)"
if [ "$(q "select count(*) from transfers where created_by = 'bench-roster'")" = 0 ]; then
  echo "== $CODE: up to 20,000 transfers and 50,000 to-do lines (at most one of each per member of the county)"
  q "insert into transfers (id, member_id, direction, kind, from_org_id, from_name, from_division, to_org_id, to_name,
      to_division, reason, channel, letter_no, issued_on, valid_until, state, reported_on, created_by, created_at)
    select $ID, m.id, 'out', 'crossProvince', m.organization_id, b.name, b.division_code, null, '外省某党委', '110105',
      '在外地定居', 'online', '转字〔bench〕第' || rn || '号',
      case when rn % 7 >= 2 then date('$T', '-' || (rn % 60) || ' day') end,
      case when rn % 7 >= 2 then date('$T', '-' || (rn % 60) || ' day', '+29 day') end,
      case rn % 7 when 0 then 'applied' when 1 then 'approved' when 2 then 'issued' when 3 then 'issued'
        when 4 then 'reported' when 5 then 'archived' else 'cancelled' end,
      case when rn % 7 = 4 then date('$T', '-' || (rn % 60) || ' day') end, 'bench-roster', datetime('now')
    from (select m.id, m.organization_id, hex(randomblob(16)) as h, row_number() over (order by m.id) as rn
      from members m join organizations b on b.id = m.organization_id
      where b.path >= '$CPATH' and b.path < '$UPPER' order by m.id limit 20000) m
    join organizations b on b.id = m.organization_id;
    insert into national_todos (id, member_id, branch_id, change, detail, expect, since, done_on, done_by, created_at)
    select $ID, m.id, m.organization_id, case rn % 4 when 0 then 'outflow' when 1 then 'return' when 2 then 'destination'
        else 'exit' end, '基准测试', case rn % 4 when 1 then 'notMobile' when 3 then 'absent' else 'mobile' end,
      date('$T', '-' || (rn % 90) || ' day'), case when rn % 2 = 0 then '$T' end,
      case when rn % 2 = 0 then 'bench-roster' end, datetime('now')
    from (select m.id, m.organization_id, hex(randomblob(16)) as h, row_number() over (order by m.id desc) as rn
      from members m join organizations b on b.id = m.organization_id
      where b.path >= '$CPATH' and b.path < '$UPPER' order by m.id desc limit 50000) m;"
fi
ROWS=$(q "select (select count(*) from transfers), (select count(*) from national_todos)" | tr '|' ' ')
# Baselines: the same list queries through the sqlite3 shell (three runs each, averaged).
TQ="select t.id, t.member_id, m.name, t.state, t.valid_until from transfers t join members m on m.id = t.member_id
  left join organizations f on f.id = t.from_org_id left join organizations o on o.id = t.to_org_id
  where ((f.path >= '$CPATH' and f.path < '$UPPER') or (o.path >= '$CPATH' and o.path < '$UPPER'))
  order by case when (t.state = 'issued' and t.valid_until < '$T') or (t.state = 'reported' and t.reported_on < date('$T', '-30 day'))
  then 0 else 1 end, t.created_at desc limit 500;"
NQ="select t.id, t.member_id, m.name, b.short_name, t.change, t.since from national_todos t join members m on m.id = t.member_id
  join organizations b on b.id = t.branch_id where b.path >= '$CPATH' and b.path < '$UPPER' and t.done_on is null
  order by t.since, m.name limit 500;"
shell() { local s0; s0=$(date +%s.%N); for _ in 1 2 3; do q "$1" >/dev/null; done; echo "(($(date +%s.%N) - $s0) / 3) * 1000" | bc -l; }
ts_ms=$(shell "$TQ")
ns_ms=$(shell "$NQ")

LIUDONG_ALLOW_FIXED_CLOCK=1 "$BIN" serve --env production --hostname 127.0.0.1 --port "$PORT" >"$VAR/server-roster.log" 2>&1 &
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
read -r t_rps t_p50 t_p95 t_p99 < <(page "/api/v1/transfers?org=$CODE")
read -r o_rps o_p50 o_p95 o_p99 < <(page "/api/v1/transfers?org=$CODE&overdue=true")
read -r n_rps n_p50 n_p95 n_p99 < <(page "/api/v1/national-todo?org=$CODE&state=open")
kill "$SERVER" 2>/dev/null; wait "$SERVER" 2>/dev/null || true; SERVER=

read -r TR TD <<<"$ROWS"
printf '\n[roster, %s members in the database, county %s; %s transfers, %s to-do lines]\n' "$(q 'select count(*) from members')" "$CODE" "$TR" "$TD"
printf '%-48s %10s %10s %10s %10s\n' "1 connection" "req/s" "p50 ms" "p95 ms" "p99 ms"
printf '%-48s %10s %10s %10s %10s\n' "GET /healthz (baseline)" "$h_rps" "$h_p50" "$h_p95" "$h_p99"
printf '%-48s %10s %10s %10s %10s\n' "GET /api/v1/transfers (county, 500 rows)" "$t_rps" "$t_p50" "$t_p95" "$t_p99"
printf '%-48s %10s %10s %10s %10s\n' "same, overdue only" "$o_rps" "$o_p50" "$o_p95" "$o_p99"
printf '%-48s %10s %10s %10s %10s\n' "GET /api/v1/national-todo?state=open (county)" "$n_rps" "$n_p50" "$n_p95" "$n_p99"
printf '%-48s %10.1f ms  (baseline)\n' "transfers list query, sqlite3 shell" "$ts_ms"
printf '%-48s %10.1f ms  (baseline)\n' "to-do list query, sqlite3 shell" "$ns_ms"
met() { echo "$1 > 0 && $1 <= $2" | bc | sed 's/1/met/;s/0/NOT met/'; }
printf 'roster: transfers p95 <= 100 ms -> %s; national to-do p95 <= 100 ms -> %s\n\n' "$(met "$t_p95" 100)" "$(met "$n_p95" 100)"
