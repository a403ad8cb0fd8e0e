#!/usr/bin/env bash
# make bench (part 8): notifications — BENCH_MESSAGES (default 100,000) queued messages, one to each of as many
# members, dispatched by `liudong notify` through the Alibaba Cloud adapter (signed form POSTs) to a local provider
# that answers each request in 50 ms (Benchmarks/sms_provider.py). Printed: the sender's throughput and the p99 of a
# message's wait from its claim to its arrival at the provider, beside the provider's own ceiling measured in the same
# run (wrk at the same number of connections against the same provider; target: the sender at >= 70% of it).
set -euo pipefail
BIN=${1:-.build-release/release/liudong}
MESSAGES=${BENCH_MESSAGES:-100000}
CONC=${BENCH_SMS_CONCURRENCY:-64}
PORT=${BENCH_SMS_PORT:-18094}
VAR=$(mktemp -d /tmp/liudong-bench-notify.XXXXXX)
export LIUDONG_VAR_DIR=$VAR LOG_LEVEL=warning
. "$(dirname "$0")/clock.sh"
unset DATABASE_URL TEST_DATABASE_URL
DB=$VAR/liudong.sqlite
q() { sqlite3 "$DB" "$1"; }
cleanup() { [ -n "${PROVIDER:-}" ] && kill "$PROVIDER" 2>/dev/null; wait 2>/dev/null; [ -n "${BENCH_KEEP:-}" ] || rm -rf "$VAR"; }
trap cleanup EXIT

echo "== liudong generate --members $MESSAGES (every member with a roster phone)"
"$BIN" generate --members "$MESSAGES" --mobile-share 0.07 --seed 7 | grep -E "已生成" || true
"$BIN" migrate --yes >/dev/null
echo "== $MESSAGES messages queued, one to each member (诉求已受理)"
q "delete from notifications; delete from notify_recipients;
   insert into notifications (recipient, member_id, org_id, org_path, category, event, params, dedupe, day, created_at,
     due_after, status, attempts)
   select 'm:' || m.id, m.id, m.organization_id, o.path, 'request', 'requestAcknowledged', '{\"title\":\"基准测试\"}',
     hex(randomblob(16)), '$BENCH_TODAY', 0, 0, 'queued', 0
   from members m join organizations o on o.id = m.organization_id where m.phone_enc is not null limit $MESSAGES;
   insert into notify_recipients (recipient, muted, updated_at) select recipient, '', 0 from notifications;"
QUEUED=$(q "select count(*) from notifications where status = 'queued'")

python3 "$(dirname "$0")/sms_provider.py" "$PORT" "$VAR/arrivals.tsv" 50 &
PROVIDER=$!
for _ in $(seq 1 50); do curl -s -o /dev/null -X POST "http://127.0.0.1:$PORT/" -d 'OutId=' && break; sleep 0.1; done
echo "== the provider's ceiling: wrk, $CONC connections, 10 s"
read -r c_rps c_p50 c_p99 < <(wrk -t2 -c"$CONC" -d10s --timeout 5s -s Benchmarks/sms_post.lua \
  "http://127.0.0.1:$PORT/" | grep RESULT | cut -d' ' -f2-)

echo "== liudong notify: $QUEUED messages, $CONC requests in flight"
export LIUDONG_SMS_PROVIDER=aliyun LIUDONG_SMS_ACCESS_KEY_ID=bench-id LIUDONG_SMS_ACCESS_KEY_SECRET=bench-secret \
  LIUDONG_SMS_ENDPOINT=http://127.0.0.1:$PORT/ LIUDONG_SMS_TEMPLATES=requestAcknowledged=SMS_BENCH \
  LIUDONG_SMS_PER_SECOND=10000 LIUDONG_NOTIFY_CONCURRENCY=$CONC LIUDONG_NOTIFY_QUIET_HOURS=off \
  LIUDONG_NOTIFY_WEEKLY_CAP=50
s0=$(date +%s.%N)
LINE=$("$BIN" notify --batch "${BENCH_SMS_BATCH:-1000}")
secs=$(echo "$(date +%s.%N) - $s0" | bc -l)
kill "$PROVIDER"; wait "$PROVIDER" 2>/dev/null || true; PROVIDER=
SENT=$(q "select count(*) from notifications where status = 'sent'")
rate=$(echo "$SENT / $secs" | bc -l)
# A message's wait from its claim (sent_at) to its arrival at the provider, in ms: p50 and p99.
q "create table arrivals (id integer primary key, at real)"
sqlite3 "$DB" -cmd ".mode tabs" ".import $VAR/arrivals.tsv arrivals"
read -r w_p50 w_p99 < <(q "with w as (select (a.at - n.sent_at) * 1000 as ms from arrivals a
    join notifications n on n.id = a.id where n.status = 'sent'),
  o as (select ms, row_number() over (order by ms) as k, count(*) over () as c from w)
  select (select ms from o where k = max(1, cast(c * 0.5 as int))), (select ms from o where k = max(1, cast(c * 0.99 as int)))
  from o limit 1" | tr '|' ' ')

printf '\n[notify, %s messages queued, %s sent in %.1f s: %s]\n' "$QUEUED" "$SENT" "$secs" "$LINE"
printf '%-52s %10s %14s %14s\n' "" "msg/s" "p50 ms" "p99 ms"
printf '%-52s %10.0f %14.1f %14.1f\n' "the provider's ceiling, wrk $CONC connections (baseline)" "$c_rps" "$c_p50" "$c_p99"
printf '%-52s %10.0f %14.1f %14.1f\n' "liudong notify, $CONC in flight (claim → provider)" "$rate" "$w_p50" "$w_p99"
share=$(echo "$rate * 100 / $c_rps" | bc -l)
printf 'notify: %.0f%% of the provider'"'"'s ceiling (target >= 70%%) -> %s\n\n' "$share" \
  "$(echo "$share >= 70" | bc | sed 's/1/met/;s/0/NOT met/')"
