#!/usr/bin/env bash
# The date sweep (make test-dates): the whole Swift suite, and browser tests, with the app's clock moved by
# LIUDONG_TODAY to each hard day of the calendar. Today's run is `make test`'s.
#
#   Scripts/test-dates.sh                 every date of TEST_DATES
#   TEST_DATES="2027-02-05" Scripts/test-dates.sh
#
# Every date runs the Swift suite on SQLite (and on PostgreSQL too when TEST_DATES_POSTGRES=1 and TEST_DATABASE_URL
# is set). Browser tests: E2E_PER_DATE of them per date (2 by default; "all" for every one), taken in turn from the
# list so that each runs on several dates; which ran where is printed. Logs and screenshots: test-artifacts/dates/.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1

DATES=${TEST_DATES:-"2026-09-20 2026-12-31 2027-01-01 2027-02-05 2027-02-07 2027-06-30 2027-07-01 2027-09-30 2027-10-08 2028-02-29"}
E2E_ALL=(worklist services pairing network learning homevisit transfer dues notify reconcile selfreport)
PER_DATE=${E2E_PER_DATE:-2}
SWIFT=${SWIFT:-swift}
PYTHON=${PYTHON_SELENIUM:-}
if [ -z "$PYTHON" ]; then
  for p in python3 /usr/bin/python3; do $p -c 'import selenium' 2>/dev/null && { PYTHON=$p; break; }; done
fi
browser=0
if command -v chromium >/dev/null && command -v chromedriver >/dev/null && [ -n "$PYTHON" ]; then browser=1
elif [ "${LIUDONG_CI:-}" = 1 ]; then echo "Browser tests required in CI but Chromium/chromedriver/selenium are missing"; exit 1
else echo "== browser tests skipped at every date (install chromium chromium-driver python3-selenium)"; fi

out=test-artifacts/dates
mkdir -p "$out"
failed=()
i=0
for day in $DATES; do
  dir="$out/$day"
  mkdir -p "$dir"
  weekday=$(LC_ALL=C date -d "$day" +%a 2>/dev/null || echo "?")
  db=""
  [ "${TEST_DATES_POSTGRES:-0}" = 1 ] && db=${TEST_DATABASE_URL:-}
  start=$SECONDS
  if LIUDONG_TODAY=$day TEST_DATABASE_URL=$db $SWIFT test --skip-build >"$dir/swift.log" 2>&1; then
    echo "== $day ($weekday): Swift suite ok — $(grep -E '^. Test run with' "$dir/swift.log" | tail -n 1 | sed 's/^. //') [$((SECONDS - start)) s]"
  else
    echo "== $day ($weekday): Swift suite FAILED (log: $dir/swift.log)"
    grep -E '✘|error:' "$dir/swift.log" | head -n 40
    failed+=("$day swift")
  fi
  if [ "$browser" = 1 ]; then
    if [ "$PER_DATE" = all ]; then picks=("${E2E_ALL[@]}")
    else
      picks=()
      for ((k = 0; k < PER_DATE; k++)); do picks+=("${E2E_ALL[$(((i * PER_DATE + k) % ${#E2E_ALL[@]}))]}"); done
    fi
    for t in "${picks[@]}"; do
      start=$SECONDS
      if LIUDONG_TODAY=$day "$PYTHON" "Tests/e2e/${t}_e2e.py" .build/debug/liudong "$dir/$t" >"$dir/$t.log" 2>&1; then
        echo "   $day browser $t ok — $(grep -E 'e2e ok' "$dir/$t.log" | tail -n 1) [$((SECONDS - start)) s]"
      else
        echo "   $day browser $t FAILED (log: $dir/$t.log)"
        grep -vE '^#[0-9]+ 0x' "$dir/$t.log" | tail -n 15
        failed+=("$day $t")
      fi
    done
  fi
  i=$((i + 1))
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "== date sweep FAILED on: ${failed[*]}"
  exit 1
fi
echo "== date sweep ok: $(echo $DATES | wc -w) dates"
