# Sourced by the benchmarks: their calendar from the app's one clock. LIUDONG_TODAY (YYYY-MM-DD, or a moment whose
# day is taken) is the day when set, as the server under test sees it; otherwise today in Asia/Shanghai. Durations are
# still timed with `date +%s.%N` (a stopwatch, not a calendar).
BENCH_TODAY=${LIUDONG_TODAY:-}
BENCH_TODAY=${BENCH_TODAY%%T*}
[ -n "$BENCH_TODAY" ] || BENCH_TODAY=$(TZ=Asia/Shanghai date +%Y-%m-%d)  # CLOCK-OK: the benchmarks' one read of the day
BENCH_YEAR=${BENCH_TODAY%%-*}
BENCH_MONTH=$((10#$(echo "$BENCH_TODAY" | cut -d- -f2)))
BENCH_QUARTER="${BENCH_YEAR}Q$(((BENCH_MONTH - 1) / 3 + 1))"
BENCH_HALF="${BENCH_YEAR}H$((BENCH_MONTH <= 6 ? 1 : 2))"
BENCH_QUARTER_FIRST="${BENCH_YEAR}-$(printf %02d $(((BENCH_MONTH - 1) / 3 * 3 + 1)))-01"
BENCH_QUARTER_LAST=$(date -d "$BENCH_QUARTER_FIRST + 3 months - 1 day" +%Y-%m-%d)
export BENCH_TODAY BENCH_YEAR BENCH_QUARTER BENCH_HALF BENCH_QUARTER_FIRST BENCH_QUARTER_LAST
