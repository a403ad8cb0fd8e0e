#!/usr/bin/env bash
# make fuzz: builds the libFuzzer target over the upload readers (TableReader → NationalExportParser) from
# LiudongCore's sources with `swiftc -sanitize=fuzzer,address`, replays every committed regression input, then
# fuzzes for FUZZ_SECONDS (default 300) seeded with the committed fixtures. A new crashing input is copied into
# Tests/LiudongCoreTests/Fixtures/fuzz-regressions/ (commit it with the fix) and the run fails.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_TO_RUN=${FUZZ_SECONDS:-300}
OUT=.build-fuzz
FIXTURES=Tests/LiudongCoreTests/Fixtures
REGRESSIONS=$FIXTURES/fuzz-regressions
mkdir -p "$OUT" "$REGRESSIONS"
CORE=Sources/LiudongCore
echo "== building the fuzz target (swiftc -sanitize=fuzzer,address)"
swiftc -sanitize=fuzzer,address -parse-as-library -O -module-name LiudongFuzz -I Sources/CZlib \
  "$CORE"/Tabular/*.swift "$CORE"/Reconciliation/NationalExport.swift "$CORE"/CalendarDate.swift "$CORE"/IDNumber.swift \
  "$CORE"/Masking.swift "$CORE"/Phone.swift "$CORE"/Vocabulary.swift "$CORE"/Hex.swift "$CORE"/ScanFile.swift \
  "$CORE"/AppClock.swift "$CORE"/Quarter.swift "$CORE"/RuleError.swift "$CORE"/Dues/*.swift \
  Fuzz/fuzz_tables.swift -o "$OUT/fuzz-tables"

regressions=$(find "$REGRESSIONS" -type f ! -name '*.txt' | sort)
if [ -n "$regressions" ]; then
  echo "== replaying $(echo "$regressions" | wc -l) committed regression input(s)"
  # shellcheck disable=SC2086
  "$OUT/fuzz-tables" -rss_limit_mb=2048 $regressions
fi

corpus=$(mktemp -d /tmp/liudong-fuzz-corpus.XXXXXX)
artifacts=$(mktemp -d /tmp/liudong-fuzz-artifacts.XXXXXX)
trap 'rm -rf "$corpus" "$artifacts"' EXIT
find "$FIXTURES" -maxdepth 1 -type f \( -name '*.csv' -o -name '*.xlsx' \) -exec cp {} "$corpus"/ \;
echo "== fuzzing for ${SECONDS_TO_RUN}s (seeds: $(ls "$corpus" | wc -l) fixtures)"
status=0
"$OUT/fuzz-tables" -max_total_time="$SECONDS_TO_RUN" -rss_limit_mb=2048 -max_len=262144 -timeout=20 \
  -artifact_prefix="$artifacts/" -print_final_stats=1 "$corpus" 2>&1 | grep -vE '^(#[0-9]+|\s*$)' | tail -n 25 || status=$?
found=$(find "$artifacts" -type f | wc -l)
if [ "$found" -gt 0 ]; then
  for f in "$artifacts"/*; do cp "$f" "$REGRESSIONS/$(basename "$f")"; done
  echo "!! the fuzzer found $found crashing input(s); copied to $REGRESSIONS (fix the reader, then commit them)"
  exit 1
fi
[ "$status" -eq 0 ] || { echo "!! the fuzzer exited with $status"; exit "$status"; }
echo "== fuzz ok: no crash in ${SECONDS_TO_RUN}s"
