#!/usr/bin/env bash
# make bench (part 2): ledger pages and export at province scale, beside same-run baselines.
# Generates BENCH_MEMBERS (default 1,000,000) members with a 7% mobile share into a temporary SQLite database,
# and, when TEST_DATABASE_URL is set, into a fresh PostgreSQL database `liudong_bench` on that server too.
# BENCH_VAR=DIR reuses a directory an earlier `liudong generate` filled (SQLite only; kept afterwards).
set -euo pipefail
BIN=${1:-.build-release/release/liudong}
MEMBERS=${BENCH_MEMBERS:-1000000}
DURATION=${BENCH_PAGE_DURATION:-10s}
PORT=${BENCH_PORT:-18090}
if [ -n "${BENCH_VAR:-}" ] && [ -f "$BENCH_VAR/liudong.sqlite" ]; then VAR=$BENCH_VAR; KEEP=1; else VAR=$(mktemp -d /tmp/liudong-bench-ledger.XXXXXX); KEEP=0; fi
export LIUDONG_VAR_DIR=$VAR LOG_LEVEL=warning LIUDONG_BASE_URL=http://127.0.0.1:$PORT
. "$(dirname "$0")/clock.sh"
PG_ADMIN_URL=${TEST_DATABASE_URL:-}
unset DATABASE_URL TEST_DATABASE_URL
cleanup() { [ -n "${SERVER:-}" ] && kill "$SERVER" 2>/dev/null; wait 2>/dev/null; [ "$KEEP" = 1 ] || rm -rf "$VAR"; }
trap cleanup EXIT
URL=http://127.0.0.1:$PORT

# $1 = sqlite|postgres. Everything below runs against whichever database DATABASE_URL (or the SQLite default) names.
bench() {
  local db=$1 gen=0
  if [ "$db" = sqlite ] && [ "$KEEP" = 1 ]; then
    echo "== [$db] reusing the database in $VAR (BENCH_VAR)"
  else
    echo "== [$db] liudong generate --members $MEMBERS --mobile-share 0.07 --seed 42"
    local start; start=$(date +%s.%N)
    "$BIN" generate --members "$MEMBERS" --mobile-share 0.07 --seed 42 | grep -E "已生成" || true
    gen=$(echo "$(date +%s.%N) - $start" | bc)
  fi
  # Measure 4c: a year of organizational life for every branch (what the defaults ask), unless already there.
  if [ "$db" = sqlite ]; then
    sqlite3 "$VAR/liudong.sqlite" "insert into org_life_events (id, org_id, kind, held_on, starts_at, ends_at, place, topic,
        check_in_code, created_by)
      with recursive months(n) as (select 0 union all select n + 1 from months where n < 11),
      kinds(kind, day, every) as (values ('committeeMeeting', 3, 1), ('themeDay', 10, 1), ('groupMeeting', 18, 1),
        ('memberMeeting', 20, 3), ('partyClass', 25, 3), ('lifeMeeting', 15, 12), ('appraisal', 16, 12)),
      x as (select b.id as org_id, k.kind, date('$BENCH_TODAY', 'start of month', '-' || m.n || ' months', '+' || (k.day - 1) || ' days') as d,
          k.every from organizations b cross join months m cross join kinds k where b.level = 'branch' and b.kind = 'regular')
      select lower(substr(h, 1, 8) || '-' || substr(h, 9, 4) || '-4' || substr(h, 14, 3) || '-a' || substr(h, 18, 3) || '-' || substr(h, 21, 12)),
        org_id, kind, d, d || 'T09:00', d || 'T11:00', '党员活动室', kind, 'B' || printf('%06X', rn), 'bench'
      from (select *, hex(randomblob(16)) as h, row_number() over () as rn from x
        where d <= '$BENCH_TODAY' and (every = 1 or (every = 3 and cast(strftime('%m', d) as integer) % 3 = 0)
          or (every = 12 and strftime('%m', d) = '01')))
      where not exists (select 1 from org_life_events where created_by = 'bench');"
  else
    psql -qtAX "$DATABASE_URL" -c "insert into org_life_events (id, org_id, kind, held_on, starts_at, ends_at, place, topic,
        check_in_code, created_by)
      select gen_random_uuid(), org_id, kind, to_char(d, 'YYYY-MM-DD'), to_char(d, 'YYYY-MM-DD') || 'T09:00',
        to_char(d, 'YYYY-MM-DD') || 'T11:00', '党员活动室', kind, 'B' || lpad(upper(to_hex(row_number() over ())), 6, '0'), 'bench'
      from (select b.id as org_id, k.kind, k.every,
          (date_trunc('month', date '$BENCH_TODAY') - make_interval(months => m.n) + make_interval(days => k.day - 1))::date as d
        from organizations b cross join generate_series(0, 11) m(n)
        cross join (values ('committeeMeeting', 3, 1), ('themeDay', 10, 1), ('groupMeeting', 18, 1), ('memberMeeting', 20, 3),
          ('partyClass', 25, 3), ('lifeMeeting', 15, 12), ('appraisal', 16, 12)) k(kind, day, every)
        where b.level = 'branch' and b.kind = 'regular') x
      where d <= date '$BENCH_TODAY' and (every = 1 or (every = 3 and extract(month from d)::int % 3 = 0)
        or (every = 12 and extract(month from d)::int = 1))
        and not exists (select 1 from org_life_events where created_by = 'bench');" >/dev/null
  fi
  # The worklist roll-up, as a serving node keeps it (it counts again every minute while the figures run).
  "$BIN" rollup
  LIUDONG_ALLOW_FIXED_CLOCK=1 "$BIN" serve --env production --hostname 127.0.0.1 --port "$PORT" >"$VAR/server-$db.log" 2>&1 &
  SERVER=$!
  for _ in $(seq 1 100); do curl -sf "$URL/healthz" >/dev/null && break; sleep 0.1; done
  token() { curl -sf -X POST "$URL/api/v1/session" -H 'Content-Type: application/json' \
    -d "{\"username\":\"$1\",\"password\":\"liudong-demo\"}" | sed 's/.*"token":"\([^"]*\)".*/\1/'; }
  scope() { curl -sf "$URL/api/v1/me" -H "Authorization: Bearer $1" | sed 's/.*"scopeCode":"\([^"]*\)".*/\1/'; }
  local SEC CTY ROOT_TOKEN BRANCH COUNTY ROOT
  SEC=$(token secretary); CTY=$(token county); ROOT_TOKEN=$(token city)
  BRANCH=$(scope "$SEC"); COUNTY=$(scope "$CTY"); ROOT=$(scope "$ROOT_TOKEN")
  # The same query the app runs for a county page (count + first page), through the database's own shell.
  shellq() { if [ "$db" = sqlite ]; then sqlite3 "$VAR/liudong.sqlite" "$1"; else psql -qtAX "$DATABASE_URL" -c "$1"; fi; }
  local CPATH UPPER W Q RPATH
  CPATH=$(shellq "select path from organizations where code='$COUNTY'")
  RPATH=$(shellq "select path from organizations where code='$ROOT'")
  if [ "$db" = sqlite ]; then UPPER="${CPATH%/}0"; W="b.path >= '$CPATH' and b.path < '$UPPER'"; else W="b.path like '$CPATH%'"; fi
  W="$W and m.flow_status in ('away','arrived','lost') and f.status in ('away','arrived','lost')"
  Q="select count(*) from flows f join members m on m.id=f.member_id join organizations b on b.id=m.organization_id where $W; select f.id, m.name from flows f join members m on m.id=f.member_id join organizations b on b.id=m.organization_id left join organizations i on i.id=f.inflow_org_id where $W order by b.sort_order, b.code, m.name, f.id limit 50;"
  rows() { shellq "select count(*) from flows f join members m on m.id=f.member_id join organizations b on b.id=m.organization_id where substr(b.path, 1, length('$1')) = '$1' and f.status in ('away','arrived','lost')"; }
  echo "== [$db] ledger lines: branch $BRANCH $(rows "$(shellq "select path from organizations where code='$BRANCH'")"), county $COUNTY $(rows "$CPATH"), all $(rows "$RPATH")"

  page() {
    local out
    out=$(BENCH_TOKEN=$2 wrk -t"${3:-2}" -c"${3:-8}" -d"$DURATION" --timeout 10s -s Benchmarks/p95.lua "$URL$1")
    if echo "$out" | grep -qE "Non-2xx|Socket errors"; then echo "$out" | grep -E "Non-2xx|Socket errors" >&2; fi
    echo "$out" | grep RESULT | cut -d' ' -f2-
  }
  # Measure 4b (before the province-wide pages, whose timed-out requests keep the server busy afterwards): a county's quarter compliance, and a committee's half-year contact report.
  local COM COMMITTEE HALF cp_rps cp_p50 cp_p95 cp_p99 hy_rps hy_p50 hy_p95 hy_p99
  COM=$(token committee); COMMITTEE=$(scope "$COM")
  HALF=$BENCH_HALF
  read -r cp_rps cp_p50 cp_p95 cp_p99 < <(page "/api/v1/contact-compliance?org=$COUNTY" "$CTY")
  read -r hy_rps hy_p50 hy_p95 hy_p99 < <(page "/api/v1/contact-report?org=$COMMITTEE&half=$HALF" "$COM" 1)
  # Measure 4a: a county's coverage rate (the API), and the county's home page, which shows it as a tile.
  local cv_rps cv_p50 cv_p95 cv_p99 hc_rps hc_p50 hc_p95 hc_p99
  read -r cv_rps cv_p50 cv_p95 cv_p99 < <(page "/api/v1/coverage?org=$COUNTY" "$CTY" 1)
  read -r hc_rps hc_p50 hc_p95 hc_p99 < <(page / "$CTY" 1)
  # Measure 4c: every branch of the county against the required frequencies this quarter (the API).
  local OQ ol_rps ol_p50 ol_p95 ol_p99
  OQ=$BENCH_QUARTER
  read -r ol_rps ol_p50 ol_p95 ol_p99 < <(page "/api/v1/org-life/compliance?org=$COUNTY&quarter=$OQ" "$CTY" 1)
  local h_rps h_p50 h_p95 h_p99 b_rps b_p50 b_p95 b_p99 c_rps c_p50 c_p95 c_p99 b1_rps b1_p50 b1_p95 b1_p99 c1_rps c1_p50 c1_p95 c1_p99
  read -r h_rps h_p50 h_p95 h_p99 < <(page /healthz "$SEC")
  read -r b_rps b_p50 b_p95 b_p99 < <(page "/ledger/$BRANCH" "$SEC")
  read -r c_rps c_p50 c_p95 c_p99 < <(page "/ledger/$COUNTY" "$CTY")
  # The same pages for one client at a time: service time without queueing behind wrk's other connections.
  read -r b1_rps b1_p50 b1_p95 b1_p99 < <(page "/ledger/$BRANCH" "$SEC" 1)
  read -r c1_rps c1_p50 c1_p95 c1_p99 < <(page "/ledger/$COUNTY" "$CTY" 1)
  # The worklist (待办) every home page opens with: a branch, a county, the whole province rolled up per child; and the
  # city's whole home page (worklist, counts, reconciliation progress).
  local ws_rps ws_p50 ws_p95 ws_p99 wc_rps wc_p50 wc_p95 wc_p99 wr_rps wr_p50 wr_p95 wr_p99 hr_rps hr_p50 hr_p95 hr_p99
  read -r ws_rps ws_p50 ws_p95 ws_p99 < <(page /api/v1/worklist "$SEC")
  read -r wc_rps wc_p50 wc_p95 wc_p99 < <(page /api/v1/worklist "$CTY")
  read -r wr_rps wr_p50 wr_p95 wr_p99 < <(page /api/v1/worklist "$ROOT_TOKEN")
  read -r hr_rps hr_p50 hr_p95 hr_p99 < <(page / "$ROOT_TOKEN")
  # Issue 31 item 6: the home pages of a branch and a county, a county's other pages, and the province's statistics,
  # contact compliance and organizational-life compliance pages, all at 8 connections.
  local bh_rps bh_p50 bh_p95 bh_p99 ch_rps ch_p50 ch_p95 ch_p99
  read -r bh_rps bh_p50 bh_p95 bh_p99 < <(page / "$SEC")
  read -r ch_rps ch_p50 ch_p95 ch_p99 < <(page / "$CTY")
  local -a county_pages=("/contacts?org=$COUNTY" "/org-life/compliance?org=$COUNTY" "/stats/$COUNTY"
    "/members?org=$COUNTY" "/transfers?org=$COUNTY" "/dues?org=$COUNTY" "/orgs/$COUNTY")
  local -a province_pages=("/stats/$ROOT" "/contacts?org=$ROOT" "/org-life/compliance?org=$ROOT")
  local -A p95s=()
  local cp r50 r95 r99 rr
  for cp in "${county_pages[@]}"; do read -r rr r50 r95 r99 < <(page "$cp" "$CTY"); p95s[$cp]="$rr $r50 $r95 $r99"; done
  for cp in "${province_pages[@]}"; do read -r rr r50 r95 r99 < <(page "$cp" "$ROOT_TOKEN"); p95s[$cp]="$rr $r50 $r95 $r99"; done
  kill "$SERVER" 2>/dev/null; wait "$SERVER" 2>/dev/null || true; SERVER=

  local s0 shell_ms
  shellq "$Q" >/dev/null
  s0=$(date +%s.%N); for _ in $(seq 1 20); do shellq "$Q" >/dev/null; done
  shell_ms=$(echo "($(date +%s.%N) - $s0) * 1000 / 20" | bc -l)
  # The compliance query the app runs for the county (ContactFigures.members), through the database's own shell.
  local QF QL CW CQ comp_ms
  QF=$BENCH_QUARTER_FIRST
  QL=$BENCH_QUARTER_LAST
  if [ "$db" = sqlite ]; then CW="o.path >= '$CPATH' and o.path < '${CPATH%/}0'"; else CW="o.path like '$CPATH%'"; fi
  cc() { echo "(select $1 from contacts c where c.member_id = m.id and c.contact_on between '$QF' and '$QL'$2)"; }
  CQ="select m.id, m.name, o.id, o.path, o.short_name,
    (select max(c.contact_on) from contacts c where c.member_id = m.id and c.contact_on <= '$QL'),
    $(cc 'count(*)' ''), $(cc 'count(*)' " and c.answer = 'confirmed'"), $(cc 'count(*)' " and c.method = 'phone'"),
    $(cc 'count(*)' " and c.method = 'video'"), $(cc 'count(*)' " and c.method = 'visit'"),
    (select count(*) from pairings p where p.member_id = m.id and p.side = 'outflow' and p.started_on <= '$QL'
       and (p.ended_on is null or p.ended_on >= '$QF'))
    from organizations o join members m on m.organization_id = o.id
    where $CW and m.flow_status is not null and exists (select 1 from flows f where f.member_id = m.id
      and f.left_on <= '$QL' and (f.status in ('away','arrived','lost') or f.returned_on >= '$QF'))
    order by o.path, m.name;"
  shellq "$CQ" >/dev/null
  s0=$(date +%s.%N); for _ in $(seq 1 20); do shellq "$CQ" >/dev/null; done
  comp_ms=$(echo "($(date +%s.%N) - $s0) * 1000 / 20" | bc -l)
  local comp_rows; comp_rows=$(shellq "$CQ" | wc -l)
  # The coverage query the app runs for the county (Coverage.perBranch), through the database's own shell.
  local D CVQ cov_ms
  D=$BENCH_TODAY
  CVQ="select m.organization_id, count(*),
    sum(case when (coalesce(i.kind, '') = 'mobile' and i.closed_at is null) or exists (select 1 from mobile_org_members mm
      where mm.member_id = m.id and mm.joined_on <= '$D' and (mm.left_on is null or mm.left_on > '$D')) then 1 else 0 end),
    sum(case when exists (select 1 from agreements a join organizations ao on ao.id = a.outflow_org_id
      where a.inflow_org_id = f.inflow_org_id and a.signed_on is not null and a.valid_from <= '$D' and a.valid_to >= '$D'
        and (a.terminated_on is null or a.terminated_on > '$D') and o.path like (ao.path || '%')
        and (a.covers = 'all' or exists (select 1 from agreement_members am where am.agreement_id = a.id and am.member_id = m.id)))
      then 1 else 0 end)
    from organizations o cross join members m cross join flows f left join organizations i on i.id = f.inflow_org_id
    where $CW and m.organization_id = o.id and m.flow_status in ('away','arrived','lost') and f.member_id = m.id
      and f.status in ('away','arrived','lost')
    group by m.organization_id;"
  shellq "$CVQ" >/dev/null
  s0=$(date +%s.%N); for _ in $(seq 1 20); do shellq "$CVQ" >/dev/null; done
  cov_ms=$(echo "($(date +%s.%N) - $s0) * 1000 / 20" | bc -l)
  # The compliance queries the app runs for the county (OrgLifeCompliance.items), through the database's own shell.
  local OF OL OY OW OLQ ol_ms
  OF=$BENCH_QUARTER_FIRST
  OL=$BENCH_QUARTER_LAST; OY="$BENCH_YEAR-01-01"
  if [ "$db" = sqlite ]; then OW="path >= '$CPATH' and path < '${CPATH%/}0'"; else OW="path like '$CPATH%'"; fi
  OLQ="select kind, period, minimum from org_life_requirements;
    select id, code, short_name, path from organizations where $OW and level = 'branch' and kind = 'regular' and closed_at is null order by path;
    select e.org_id, e.kind, sum(case when e.held_on >= '$OF' then 1 else 0 end), count(*)
    from org_life_events e join organizations o on o.id = e.org_id where o.$OW and o.level = 'branch'
      and e.held_on >= '$OY' and e.held_on <= '$OL' group by e.org_id, e.kind;"
  shellq "$OLQ" >/dev/null
  s0=$(date +%s.%N); for _ in $(seq 1 20); do shellq "$OLQ" >/dev/null; done
  ol_ms=$(echo "($(date +%s.%N) - $s0) * 1000 / 20" | bc -l)
  local ol_branches; ol_branches=$(shellq "select count(*) from organizations where $OW and level = 'branch' and kind = 'regular'")

  # Export of every line (streamed) beside a one-branch export. SQLite's page cache is capped per connection
  # (LIUDONG_SQLITE_CACHE_MB, 64); the 4 MB runs show that the rest of the memory does not grow with the rows.
  exp() { /usr/bin/time -f "%e %M" "$BIN" export ledger --org "$1" --format xlsx --output "$VAR/$1.xlsx" 2>&1 >/dev/null | tail -1; }
  local small_s small_kb big_s big_kb small4_s small4_kb big4_s big4_kb big_rows
  read -r small_s small_kb < <(exp "$BRANCH")
  read -r big_s big_kb < <(exp "$ROOT")
  read -r small4_s small4_kb < <(LIUDONG_SQLITE_CACHE_MB=4 exp "$BRANCH")
  read -r big4_s big4_kb < <(LIUDONG_SQLITE_CACHE_MB=4 exp "$ROOT")
  big_rows=$(rows "$RPATH")

  printf '\n[%s]%-34s %10s %10s %10s %10s\n' "$db" "" "req/s" "p50 ms" "p95 ms" "p99 ms"
  printf '%-40s %10s %10s %10s %10s\n' "GET /healthz (baseline)" "$h_rps" "$h_p50" "$h_p95" "$h_p99"
  printf '%-40s %10s %10s %10s %10s\n' "branch table /ledger/$BRANCH" "$b_rps" "$b_p50" "$b_p95" "$b_p99"
  printf '%-40s %10s %10s %10s %10s\n' "county database /ledger/$COUNTY" "$c_rps" "$c_p50" "$c_p95" "$c_p99"
  printf '%-40s %10s %10s %10s %10s\n' "branch table, 1 connection" "$b1_rps" "$b1_p50" "$b1_p95" "$b1_p99"
  printf '%-40s %10s %10s %10s %10s\n' "county database, 1 connection" "$c1_rps" "$c1_p50" "$c1_p95" "$c1_p99"
  printf '%-40s %10s %10s %10s %10s\n' "worklist, branch /api/v1/worklist" "$ws_rps" "$ws_p50" "$ws_p95" "$ws_p99"
  printf '%-40s %10s %10s %10s %10s\n' "worklist, county" "$wc_rps" "$wc_p50" "$wc_p95" "$wc_p99"
  printf '%-40s %10s %10s %10s %10s\n' "worklist, whole province" "$wr_rps" "$wr_p50" "$wr_p95" "$wr_p99"
  printf '%-40s %10s %10s %10s %10s\n' "home page /, whole province" "$hr_rps" "$hr_p50" "$hr_p95" "$hr_p99"
  printf '%-40s %32.2f ms per run\n' "same county query, $db shell" "$shell_ms"
  printf '%-40s %10s %10s %10s %10s\n' "contact compliance, county" "$cp_rps" "$cp_p50" "$cp_p95" "$cp_p99"
  printf '%-40s %32.2f ms per run (%s mobile members)\n' "same compliance query, $db shell" "$comp_ms" "$comp_rows"
  printf '%-40s %10s %10s %10s %10s\n' "half-year report $HALF, committee, 1 conn" "$hy_rps" "$hy_p50" "$hy_p95" "$hy_p99"
  printf '%-40s %10s %10s %10s %10s\n' "coverage, county, 1 conn" "$cv_rps" "$cv_p50" "$cv_p95" "$cv_p99"
  printf '%-40s %32.2f ms per run\n' "same coverage query, $db shell" "$cov_ms"
  printf '%-40s %10s %10s %10s %10s\n' "home page /, county, 1 conn" "$hc_rps" "$hc_p50" "$hc_p95" "$hc_p99"
  printf '%-40s %10s %10s %10s %10s\n' "org-life compliance $OQ, county, 1 conn" "$ol_rps" "$ol_p50" "$ol_p95" "$ol_p99"
  printf '%-40s %32.2f ms per run (%s branches)\n' "same compliance queries, $db shell" "$ol_ms" "$ol_branches"
  printf '\nexport .xlsx: %s rows in %ss, peak RSS %s MB (one branch: %ss, %s MB)\n' "$big_rows" "$big_s" "$((big_kb / 1024))" "$small_s" "$((small_kb / 1024))"
  printf 'same with a 4 MB page cache: %ss, peak RSS %s MB (one branch: %s MB)\n' "$big4_s" "$((big4_kb / 1024))" "$((small4_kb / 1024))"
  [ "$gen" != 0 ] && printf 'generate: %s members in %.0fs\n' "$MEMBERS" "$gen"
  met() { echo "$1 > 0 && $1 <= $2" | bc | sed 's/1/met/;s/0/NOT met/'; }
  printf 'targets (DESIGN §5): branch p95 <= 30 ms -> %s at 8 connections, %s at 1; county p95 <= 100 ms -> %s at 8, %s at 1\n' \
    "$(met "$b_p95" 30)" "$(met "$b1_p95" 30)" "$(met "$c_p95" 100)" "$(met "$c1_p95" 100)"
  printf 'measure 4b: county compliance p95 <= 100 ms -> %s; committee half-year report p95 <= 1000 ms -> %s\n' \
    "$(met "$cp_p95" 100)" "$(met "$hy_p95" 1000)"
  printf 'measure 4c: county organizational-life compliance p95 <= 100 ms -> %s\n' "$(met "$ol_p95" 100)"
  printf 'export: %s rows/s (100,000 rows in <= 5 s needs 20,000 rows/s) -> %s\n\n' "$(echo "$big_rows / $big_s" | bc)" \
    "$(met "$(echo "100000 * $big_s / $big_rows" | bc -l)" 5)"
  # Issue 31 item 6, every budget beside its figure (8 connections; /healthz above is the same run's baseline).
  printf '[%s] issue 31 budgets at 8 connections %14s %10s %10s %10s  %s\n' "$db" "req/s" "p50 ms" "p95 ms" "budget" ""
  budget() { printf '%-48s %10s %10s %10s %10s  %s\n' "$1" "$2" "$3" "$4" "<= $5" "$(met "$4" "$5")"; }
  budget "GET /healthz (baseline)" "$h_rps" "$h_p50" "$h_p95" 1000
  budget "branch worklist /api/v1/worklist" "$ws_rps" "$ws_p50" "$ws_p95" 50
  budget "branch home page /" "$bh_rps" "$bh_p50" "$bh_p95" 50
  budget "branch table /ledger/$BRANCH" "$b_rps" "$b_p50" "$b_p95" 30
  budget "county worklist" "$wc_rps" "$wc_p50" "$wc_p95" 100
  budget "county home page /" "$ch_rps" "$ch_p50" "$ch_p95" 100
  budget "county /ledger/$COUNTY" "$c_rps" "$c_p50" "$c_p95" 150
  for cp in "${county_pages[@]}"; do read -r rr r50 r95 r99 <<<"${p95s[$cp]}"; budget "county $cp" "$rr" "$r50" "$r95" 150; done
  budget "province worklist" "$wr_rps" "$wr_p50" "$wr_p95" 300
  budget "province home page /" "$hr_rps" "$hr_p50" "$hr_p95" 500
  for cp in "${province_pages[@]}"; do read -r rr r50 r95 r99 <<<"${p95s[$cp]}"; budget "province $cp" "$rr" "$r50" "$r95" 500; done
  printf '%-48s %10s rows/s %26s  %s\n\n' "export .xlsx of every line" "$(echo "$big_rows / $big_s" | bc)" ">= 20000" \
    "$(met "$(echo "100000 * $big_s / $big_rows" | bc -l)" 5)"
}

bench sqlite

if [ -n "$PG_ADMIN_URL" ]; then
  command -v psql >/dev/null || { echo "psql is needed for the PostgreSQL run (apt-get install postgresql-client)"; exit 1; }
  psql -qtAX "$PG_ADMIN_URL" -c "DROP DATABASE IF EXISTS liudong_bench" -c "CREATE DATABASE liudong_bench" >/dev/null
  export DATABASE_URL=$(echo "$PG_ADMIN_URL" | sed -E 's#/[^/?]*(\?|$)#/liudong_bench\1#')
  [ "$KEEP" = 1 ] && { VAR=$(mktemp -d /tmp/liudong-bench-ledger.XXXXXX); KEEP=0; export LIUDONG_VAR_DIR=$VAR; }
  "$BIN" migrate --yes >/dev/null
  bench postgres
  psql -qtAX "$PG_ADMIN_URL" -c "DROP DATABASE IF EXISTS liudong_bench" >/dev/null || true
else
  echo "(set TEST_DATABASE_URL to run the same figures on PostgreSQL)"
fi
