#!/bin/sh
# One clock: nothing reads the system's date or time except through AppClock (Sources/LiudongCore/AppClock.swift),
# which LIUDONG_TODAY moves for tests, demos and the date sweep. Fails on a direct Date(), .today(), Quarter.current(),
# Date.now or Date(timeIntervalSinceNow:) in Swift, on a Fluent @Timestamp not on the app's clock, and on a browser
# test reading the day from Python instead of the clock helper in Tests/e2e/selfreport_e2e.py, and on a benchmark
# reading it from the shell or SQL instead of Benchmarks/clock.sh (LIUDONG_TODAY's day, else today in Shanghai).
# The places allowed, with why:
#   Sources/LiudongCore/AppClock.swift   the clock itself
#   */Migrations/*                       landed migrations are never edited (Scripts/check-migrations.sh)
set -u
cd "$(dirname "$0")/.." || exit 1
fail=0
swift_hits=$(grep -rnE '(^|[^A-Za-z0-9_])Date\(\)|\.today\(\)|Quarter\.current\(\)|(^|[^A-Za-z0-9_])\.current\(\)|Date\.now([^A-Za-z0-9_]|$)|Date\(timeIntervalSinceNow' \
  --include='*.swift' Sources Tests Benchmarks Fuzz Package.swift 2>/dev/null \
  | grep -v '^Sources/LiudongCore/AppClock.swift:' | grep -v '/Migrations/' | grep -vE '^[^:]+:[0-9]+:\s*///?')
if [ -n "$swift_hits" ]; then
  echo "the system clock read directly (use AppClock.now / AppClock.today / AppClock.quarter):"
  echo "$swift_hits"
  fail=1
fi
stamps=$(grep -rn '@Timestamp(' --include='*.swift' Sources | grep -v 'format: .clock')
if [ -n "$stamps" ]; then
  echo "a Fluent timestamp off the app's clock (add format: .clock):"
  echo "$stamps"
  fail=1
fi
py_hits=$(grep -nE 'date\.today\(|datetime\.now\(|datetime\.today\(|time\.strftime\(|time\.localtime\(' Tests/e2e/*.py \
  | grep -v 'CLOCK-OK')
if [ -n "$py_hits" ]; then
  echo "a browser test reading the day from Python (use clock_now() from selfreport_e2e.py):"
  echo "$py_hits"
  fail=1
fi
bench_hits=$(grep -nE "date\('now'|current_date|current_timestamp|now\(\)|date \+%[YmdFj-]|date -d now" Benchmarks/*.sh Benchmarks/*.lua \
  | grep -v 'CLOCK-OK')
if [ -n "$bench_hits" ]; then
  echo "a benchmark reading the day from the system (use BENCH_TODAY, BENCH_QUARTER … from Benchmarks/clock.sh):"
  echo "$bench_hits"
  fail=1
fi
[ "$fail" = 0 ] && echo "clock: every date comes from AppClock"
exit "$fail"
