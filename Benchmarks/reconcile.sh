#!/usr/bin/env bash
# make bench (part 3): national-export import and quarterly reconciliation at province scale, beside baselines
# from the same run: `sqlite3 .import` of the same CSV, and a pandas merge of the same three lists.
# Generates BENCH_MEMBERS (default 1,000,000) members into a temporary SQLite database, or reuses BENCH_VAR.
set -euo pipefail
BIN=${1:-.build-release/release/liudong}
MEMBERS=${BENCH_MEMBERS:-1000000}
if [ -n "${BENCH_VAR:-}" ] && [ -f "$BENCH_VAR/liudong.sqlite" ]; then VAR=$BENCH_VAR; KEEP=1; else VAR=$(mktemp -d /tmp/liudong-bench-reconcile.XXXXXX); KEEP=0; fi
export LIUDONG_VAR_DIR=$VAR LOG_LEVEL=warning
. "$(dirname "$0")/clock.sh"
unset DATABASE_URL TEST_DATABASE_URL
WORK=$(mktemp -d /tmp/liudong-bench-files.XXXXXX)
cleanup() { rm -rf "$WORK"; [ "$KEEP" = 1 ] || rm -rf "$VAR"; }
trap cleanup EXIT
DB=$VAR/liudong.sqlite
Q=$BENCH_QUARTER

if [ "$KEEP" = 1 ]; then echo "== reusing the database in $VAR (BENCH_VAR)"; "$BIN" migrate --yes >/dev/null
else echo "== liudong generate --members $MEMBERS --mobile-share 0.07 --seed 42"; "$BIN" generate --members "$MEMBERS" --mobile-share 0.07 --seed 42 | grep -E "已生成" || true; fi
sqlite3 "$DB" "DELETE FROM reconciliation_items; DELETE FROM reconciliation_signoffs; DELETE FROM national_records; DELETE FROM national_imports; DELETE FROM inflow_ledger_entries; DELETE FROM inflow_ledger_submissions;"

echo "== the roster as a national-system export (CSV, with the usual differences and a few bad rows)"
"$BIN" generate --national-export "$WORK/national.csv" | tail -1
ROWS=$(( $(wc -l < "$WORK/national.csv") - 3 ))
head -n $(( 3 + ROWS / 5 )) "$WORK/national.csv" > "$WORK/national-fifth.csv"

# Baseline: the same CSV through the sqlite3 shell's .import into an empty table (no checks, no encryption).
s0=$(date +%s.%N)
sqlite3 "$WORK/baseline.sqlite" ".import --csv --skip 3 $WORK/national.csv raw" 2>/dev/null || sqlite3 "$WORK/baseline.sqlite" ".mode csv" ".import $WORK/national.csv raw"
base_import=$(echo "$(date +%s.%N) - $s0" | bc)

imp() { /usr/bin/time -f "%e %M" "$BIN" import national "$1" --quarter "$Q" ${2:-} --json 2>&1 >"$WORK/out.json" | tail -1; }
read -r dry_s dry_kb < <(imp "$WORK/national.csv" --dry-run)
read -r fifth_s fifth_kb < <(imp "$WORK/national-fifth.csv")
sqlite3 "$DB" "DELETE FROM national_records; DELETE FROM national_imports;"
read -r imp_s imp_kb < <(imp "$WORK/national.csv")
python3 -c "import json,sys; d=json.load(open('$WORK/out.json')); print('== import result: rows %d, new %d, updated %d, unchanged %d, rejected %d' % (d['rows'], d['new'], d['updated'], d['unchanged'], len(d['rejected'])))"
read -r again_s again_kb < <(imp "$WORK/national.csv")

# The inflow sides hand in their lists: every organization confirms what the system holds, less one in twenty.
sqlite3 "$DB" "INSERT INTO inflow_ledger_entries (quarter, org_id, id_hash, id_tail, name, phone_hash, home_org, source, created_at)
  SELECT '$Q', f.inflow_org_id, m.id_number_hash, m.id_tail, m.name, m.phone_hash, '', 'confirmed', 0 FROM flows f JOIN members m ON m.id = f.member_id
  WHERE f.inflow_org_id IS NOT NULL AND f.status IN ('away','arrived','lost') AND (abs(random()) % 20) != 0;
  INSERT INTO inflow_ledger_submissions (quarter, org_id, method, rows, by_username, at)
  SELECT '$Q', org_id, 'confirmed', COUNT(*), 'bench', 0 FROM inflow_ledger_entries GROUP BY org_id;"

s0=$(date +%s.%N)
/usr/bin/time -f "%M" -o "$WORK/rec.mem" "$BIN" reconcile --quarter "$Q" --json "$WORK/reconcile.json" > "$WORK/reconcile.txt"
rec_s=$(echo "$(date +%s.%N) - $s0" | bc)
grep -E "^  " "$WORK/reconcile.txt" | sed 's/^/   /'

# Baseline: pandas merges the same three lists (ours flowing, the inflow ledgers, the national export), read from CSV.
sqlite3 -csv -header "$DB" "SELECT m.id_number_hash AS h, m.flow_status AS status FROM members m" > "$WORK/ours.csv"
sqlite3 -csv -header "$DB" "SELECT id_hash AS h, org_id FROM inflow_ledger_entries" > "$WORK/inflow.csv"
sqlite3 -csv -header "$DB" "SELECT id_hash AS h, is_mobile FROM national_records" > "$WORK/national-h.csv"
pandas_s=$(python3 - "$WORK" <<'PY' 2>/dev/null || echo "n/a"
import sys, time
try:
    import pandas as pd
except ImportError:
    print("n/a (pip install pandas)"); sys.exit(0)
w = sys.argv[1]
t = time.time()
ours = pd.read_csv(f"{w}/ours.csv"); inflow = pd.read_csv(f"{w}/inflow.csv"); national = pd.read_csv(f"{w}/national-h.csv")
ours["flowing"] = ours["status"].isin(["away", "arrived", "lost"])
a = ours.merge(national, on="h", how="outer", indicator="n_side")
b = a.merge(inflow, on="h", how="outer", indicator="i_side")
counts = {
    "oursNotNationalFlag": int(((b.flowing == True) & (b.is_mobile == 0)).sum()),
    "nationalFlagNotOurs": int(((b.flowing == False) & (b.is_mobile == 1)).sum()),
    "oursNotNational": int((b.n_side == "left_only").sum()),
    "nationalNotOurs": int((b.n_side == "right_only").sum()),
    "oursNotInflow": int(((b.flowing == True) & (b.i_side == "left_only")).sum()),
}
print("%.2f" % (time.time() - t))
PY
)

printf '\n%-58s %10s %12s %10s\n' "" "seconds" "rows/s" "peak MB"
printf '%-58s %10.2f %12s %10s\n' "baseline: sqlite3 .import of the same CSV (no checks)" "$base_import" "$(echo "$ROWS / $base_import" | bc)" "-"
printf '%-58s %10s %12s %10s\n' "liudong import national --dry-run ($ROWS rows)" "$dry_s" "$(echo "$ROWS / $dry_s" | bc)" "$((dry_kb / 1024))"
printf '%-58s %10s %12s %10s\n' "liudong import national, first fifth ($((ROWS / 5)) rows)" "$fifth_s" "$(echo "$ROWS / 5 / $fifth_s" | bc)" "$((fifth_kb / 1024))"
printf '%-58s %10s %12s %10s\n' "liudong import national, apply ($ROWS rows)" "$imp_s" "$(echo "$ROWS / $imp_s" | bc)" "$((imp_kb / 1024))"
printf '%-58s %10s %12s %10s\n' "liudong import national, same file again (all unchanged)" "$again_s" "$(echo "$ROWS / $again_s" | bc)" "$((again_kb / 1024))"
printf '%-58s %10s %12s %10s\n' "baseline: pandas merge of the same three lists" "$pandas_s" "" ""
printf '%-58s %10.2f %12s %10s\n' "liudong reconcile --quarter $Q (whole province)" "$rec_s" "" "$(( $(cat "$WORK/rec.mem") / 1024 ))"
met() { echo "$1 > 0 && $1 <= $2" | bc | sed 's/1/met/;s/0/NOT met/'; }
printf '\ntargets (DESIGN §5): import >= 20,000 rows/s -> %s; reconciliation of 1,000,000 rows <= 30 s -> %s\n' \
  "$(echo "$ROWS / $imp_s >= 20000" | bc | sed 's/1/met/;s/0/NOT met/')" "$(met "$rec_s" 30)"
# Issue 31 item 7: the same run's ratios to its baselines.
import_ratio=$(echo "scale=2; $base_import / $imp_s" | bc)
printf 'issue 31: import at %sx the rate of sqlite3 .import (budget >= 0.3x) -> %s\n' "$import_ratio" \
  "$(echo "$import_ratio >= 0.3" | bc | sed 's/1/met/;s/0/NOT met/')"
if [ "$pandas_s" = "n/a" ]; then
  echo "issue 31: reconciliation beside pandas -> n/a (pandas not installed)"
else
  rec_ratio=$(echo "scale=2; $rec_s / $pandas_s" | bc)
  printf 'issue 31: reconciliation takes %sx the pandas merge (budget <= 1.0x) -> %s\n' "$rec_ratio" \
    "$(echo "$rec_ratio <= 1.0" | bc | sed 's/1/met/;s/0/NOT met/')"
fi
