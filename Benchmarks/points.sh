#!/usr/bin/env bash
# make bench (part 4): measure 4d at province scale, beside same-run baselines (SQLite).
# In a database of BENCH_MEMBERS (default 1,000,000) members, the county with the most members joins the points pilot
# with 5,000 mobile members and a year of recorded facts (organizational life, courses, weekly quizzes, diaries,
# confirmed contacts, approved claims). Measured: `liudong points recompute` for that county (target <= 5 s) beside the
# sqlite3 shell reading the same facts, and the county's ranking page (p95 <= 100 ms) beside /healthz.
# BENCH_VAR=DIR reuses a directory an earlier `liudong generate` filled (kept afterwards, its members restored).
set -euo pipefail
BIN=${1:-.build-release/release/liudong}
MEMBERS=${BENCH_MEMBERS:-1000000}
DURATION=${BENCH_PAGE_DURATION:-10s}
PORT=${BENCH_PORT:-18091}
if [ -n "${BENCH_VAR:-}" ] && [ -f "$BENCH_VAR/liudong.sqlite" ]; then VAR=$BENCH_VAR; KEEP=1; else VAR=$(mktemp -d /tmp/liudong-bench-points.XXXXXX); KEEP=0; fi
export LIUDONG_VAR_DIR=$VAR LOG_LEVEL=warning LIUDONG_BASE_URL=http://127.0.0.1:$PORT
. "$(dirname "$0")/clock.sh"
unset DATABASE_URL TEST_DATABASE_URL
DB=$VAR/liudong.sqlite
q() { sqlite3 "$DB" "$1"; }
restore() {
  [ -f "$DB" ] && q "update members set flow_status = (select was from bench_points_members b where b.id = members.id)
    where id in (select id from bench_points_members);" 2>/dev/null || true
}
cleanup() { [ -n "${SERVER:-}" ] && kill "$SERVER" 2>/dev/null; wait 2>/dev/null; restore; [ "$KEEP" = 1 ] || rm -rf "$VAR"; }
trap cleanup EXIT
URL=http://127.0.0.1:$PORT

if [ "$KEEP" = 1 ]; then
  echo "== reusing the database in $VAR (BENCH_VAR)"
  "$BIN" migrate --yes >/dev/null
else
  echo "== liudong generate --members $MEMBERS --mobile-share 0.07 --seed 42"
  "$BIN" generate --members "$MEMBERS" --mobile-share 0.07 --seed 42 | grep -E "已生成" || true
fi
Y=$BENCH_YEAR
read -r CID CODE CPATH < <(q "select c.id, c.code, c.path from organizations c join organizations b
  on b.path >= c.path and b.path < substr(c.path, 1, length(c.path) - 1) || '0' join members m on m.organization_id = b.id
  where c.level = 'county' group by c.id order by count(*) desc limit 1" | tr '|' ' ')
UPPER="${CPATH%/}0"
# An id as the app stores one (upper-case text) from 16 random bytes in column h.
ID="substr(h, 1, 8) || '-' || substr(h, 9, 4) || '-4' || substr(h, 14, 3) || '-A' || substr(h, 18, 3) || '-' || substr(h, 21, 12)"
if [ "$(q "select count(*) from sqlite_master where name = 'bench_points_members'")" = 0 ]; then
  echo "== $CODE: 5,000 mobile members and a year of facts"
  q "create table bench_points_members (id text primary key, org_id integer, was text);
    insert into bench_points_members select m.id, m.organization_id, m.flow_status from members m
      join organizations b on b.id = m.organization_id where b.path >= '$CPATH' and b.path < '$UPPER' order by m.id limit 5000;
    update members set flow_status = 'away' where id in (select id from bench_points_members);
    insert into org_life_events (id, org_id, kind, held_on, starts_at, ends_at, place, topic, check_in_code, created_by)
      with recursive months(n) as (select 1 union all select n + 1 from months where n < 12),
      kinds(kind, day, every) as (values ('themeDay', 10, 1), ('memberMeeting', 20, 3), ('partyClass', 25, 3)),
      x as (select distinct b.org_id, k.kind, printf('$Y-%02d-%02d', m.n, k.day) as d from bench_points_members b
        cross join months m cross join kinds k where k.every = 1 or m.n % 3 = 0)
      select $ID, org_id, kind, d, d || 'T09:00', d || 'T11:00', '党员活动室', kind, 'P' || printf('%07X', rn), 'bench-points'
      from (select *, hex(randomblob(16)) as h, row_number() over () as rn from x where d <= '$BENCH_TODAY');
    insert into org_life_attendance (id, event_id, member_id, status, not_counted, via, recorded_by)
      select $ID, event_id, member_id, case when r < 80 then 'present' when r < 92 then 'excused' else 'absent' end, 0,
        'staff', 'bench-points'
      from (select hex(randomblob(16)) as h, e.id as event_id, b.id as member_id, abs(random()) % 100 as r
        from bench_points_members b join org_life_events e on e.org_id = b.org_id and e.created_by = 'bench-points');
    insert into courses (id, publisher_org_id, kind, title, source, minutes, tags, available_from, available_to, created_by)
      with recursive n(i) as (select 1 union all select i + 1 from n where i < 24)
      select $ID, $CID, 'article', '课程' || i, '共产党员网', 10, '', '$Y-01-01', '$Y-12-31', 'bench-points'
      from (select i, hex(randomblob(16)) as h from n);
    insert into course_completions (id, course_id, member_id, opened_at, completed_on)
      select $ID, c, m, 0, printf('$Y-%02d-%02d', 1 + abs(random()) % 11, 1 + abs(random()) % 28)
      from (select hex(randomblob(16)) as h, c.id as c, b.id as m from courses c cross join bench_points_members b
        where c.created_by = 'bench-points' and abs(random()) % 100 < 30);
    insert into quizzes (id, publisher_org_id, week, title, opens_on, closes_on, created_by)
      with recursive n(i) as (select 1 union all select i + 1 from n where i < 46)
      select $ID, $CID, printf('$Y-W%02d', i), '每周一学', date('$Y-01-05', '+' || (7 * (i - 1)) || ' days'),
        date('$Y-01-11', '+' || (7 * (i - 1)) || ' days'), 'bench-points' from (select i, hex(randomblob(16)) as h from n);
    insert into quiz_answers (id, quiz_id, member_id, score, total, choices, answered_at)
      select $ID, q, m, abs(random()) % 6, 5, '[]', (julianday(o) - 2440587.5) * 86400 + 36000
      from (select hex(randomblob(16)) as h, q.id as q, q.opens_on as o, b.id as m from quizzes q
        cross join bench_points_members b where q.created_by = 'bench-points' and abs(random()) % 100 < 40);
    insert into diary_entries (id, member_id, on_day, text, excellent)
      select $ID, m, printf('$Y-%02d-%02d', 1 + abs(random()) % 11, 1 + abs(random()) % 28), '日记', abs(random()) % 3 = 0
      from (select hex(randomblob(16)) as h, b.id as m from bench_points_members b cross join (select 1 union all select 2));
    insert into pairings (id, member_id, side, cadre_name, cadre_post, cadre_phone_enc, cadre_phone_hash, cadre_phone_masked,
        cadre_org_id, started_on, created_by)
      select $ID, m, 'outflow', '结对人', '书记', 'x', h, '139****0000', o, '$Y-01-01', 'bench-points'
      from (select hex(randomblob(16)) as h, b.id as m, b.org_id as o from bench_points_members b);
    insert into contacts (id, member_id, pairing_id, method, contact_on, summary, entered_by, answer)
      select $ID, m, p, 'phone', printf('$Y-%02d-15', 3 * k - 1), '电话随访', 'bench-points',
        case when abs(random()) % 100 < 70 then 'confirmed' end
      from (select hex(randomblob(16)) as h, p.member_id as m, p.id as p, k.k from pairings p
        cross join (select 1 as k union all select 2 union all select 3 union all select 4) k where p.created_by = 'bench-points');
    insert into point_claims (id, member_id, item_code, on_day, description, text_key, status, created_at)
      select $ID, m, 'V02', printf('$Y-%02d-%02d', 1 + abs(random()) % 11, 1 + abs(random()) % 28), '志愿服务', h, 'approved', 0
      from (select hex(randomblob(16)) as h, b.id as m from bench_points_members b);
    insert or replace into point_counties (county_id, enabled, public_form, top_percent, good_at, pass_at, low_quarter_below)
      values ($CID, 1, 'bands', 10, 60, 30, 5);"
else
  q "update members set flow_status = 'away' where id in (select id from bench_points_members);"
fi
FACTS=$(q "select (select count(*) from org_life_attendance where recorded_by = 'bench-points')
  + (select count(*) from course_completions where course_id in (select id from courses where created_by = 'bench-points'))
  + (select count(*) from quiz_answers where quiz_id in (select id from quizzes where created_by = 'bench-points'))
  + (select count(*) from diary_entries where member_id in (select id from bench_points_members))
  + (select count(*) from contacts where entered_by = 'bench-points')
  + (select count(*) from point_claims where member_id in (select id from bench_points_members))")

# Recompute twice (the second run is the steady state: the ledger is there to replace); the fingerprint is the same.
"$BIN" points recompute --county "$CODE" --year "$Y" | grep 账本指纹 >"$VAR/points-1.txt"
s0=$(date +%s.%N)
"$BIN" points recompute --county "$CODE" --year "$Y" | tee "$VAR/points-2.txt" | grep -E "党员|指纹" | sed 's/^/   /'
rec_s=$(echo "$(date +%s.%N) - $s0" | bc -l)
grep 账本指纹 "$VAR/points-2.txt" | cmp -s - "$VAR/points-1.txt" && same=yes || same=NO
# Baseline: the same six fact queries (what the recompute must read), through the sqlite3 shell.
MW="in (select m.id from members m join organizations o on o.id = m.organization_id where o.path >= '$CPATH' and o.path < '$UPPER'
  and m.flow_status in ('away','arrived','lost'))"
FQ="select c.id, c.member_id, c.completed_on, co.title from course_completions c join courses co on co.id = c.course_id
    where c.member_id $MW and c.completed_on >= '$Y-01-01' and c.completed_on <= '$Y-12-31';
  select a.id, a.member_id, a.answered_at, a.score, a.total, q.week from quiz_answers a join quizzes q on q.id = a.quiz_id
    where a.member_id $MW;
  select a.id, a.member_id, a.status, a.not_counted, e.held_on, e.kind, e.topic, eo.short_name, eo.path, ho.path
    from org_life_attendance a join org_life_events e on e.id = a.event_id join organizations eo on eo.id = e.org_id
    join members hm on hm.id = a.member_id join organizations ho on ho.id = hm.organization_id
    where a.member_id $MW and e.held_on >= '$Y-01-01' and e.held_on <= '$Y-12-31' and a.status in ('present', 'absent');
  select d.id, d.member_id, d.on_day from diary_entries d where d.member_id $MW and d.excellent = 1;
  select c.id, c.member_id, c.contact_on, c.method from contacts c where c.member_id $MW and c.answer = 'confirmed';
  select c.id, c.member_id, c.on_day, c.item_code, c.description from point_claims c where c.member_id $MW and c.status = 'approved';"
s0=$(date +%s.%N); for _ in 1 2 3; do q "$FQ" >/dev/null; done
shell_s=$(echo "($(date +%s.%N) - $s0) / 3" | bc -l)
ENTRIES=$(q "select count(*) from point_entries where county_id = $CID and year = $Y")

LIUDONG_ALLOW_FIXED_CLOCK=1 "$BIN" serve --env production --hostname 127.0.0.1 --port "$PORT" >"$VAR/server-points.log" 2>&1 &
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
read -r r_rps r_p50 r_p95 r_p99 < <(page "/points/ranking?org=$CODE&year=$Y")
read -r a_rps a_p50 a_p95 a_p99 < <(page "/api/v1/points/ranking?org=$CODE&year=$Y&limit=100")
read -r l_rps l_p50 l_p95 l_p99 < <(page "/points/ranking?org=$CODE&year=$Y&page=60")
kill "$SERVER" 2>/dev/null; wait "$SERVER" 2>/dev/null || true; SERVER=

printf '\n[points, %s members in the database, county %s]\n' "$(q 'select count(*) from members')" "$CODE"
printf '%-44s %8.2f s  (%s facts -> %s entries; same fingerprint twice: %s)\n' "liudong points recompute (whole process)" "$rec_s" "$FACTS" "$ENTRIES" "$same"
printf '%-44s %8.2f s  (baseline: reading alone)\n' "same fact queries, sqlite3 shell" "$shell_s"
printf '%-44s %10s %10s %10s %10s\n' "1 connection" "req/s" "p50 ms" "p95 ms" "p99 ms"
printf '%-44s %10s %10s %10s %10s\n' "GET /healthz (baseline)" "$h_rps" "$h_p50" "$h_p95" "$h_p99"
printf '%-44s %10s %10s %10s %10s\n' "county ranking page /points/ranking" "$r_rps" "$r_p50" "$r_p95" "$r_p99"
printf '%-44s %10s %10s %10s %10s\n' "same, page 60" "$l_rps" "$l_p50" "$l_p95" "$l_p99"
printf '%-44s %10s %10s %10s %10s\n' "ranking API, 100 items" "$a_rps" "$a_p50" "$a_p95" "$a_p99"
met() { echo "$1 > 0 && $1 <= $2" | bc | sed 's/1/met/;s/0/NOT met/'; }
printf 'measure 4d: recompute <= 5 s -> %s; county ranking page p95 <= 100 ms -> %s\n\n' "$(met "$rec_s" 5)" "$(met "$r_p95" 100)"
