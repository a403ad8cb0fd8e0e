#!/bin/sh
# Landed migrations are never edited: every file under a Migrations/ folder must read exactly as it did when it
# was added, and none that exists on the previous commit may be edited or removed. Add a new migration instead.
set -u
cd "$(dirname "$0")/.." || exit 1
if ! git rev-parse --git-dir >/dev/null 2>&1; then echo "migration check skipped: not a git checkout"; exit 0; fi
fail=0
previous=$(git rev-parse --verify -q HEAD~1 || true)
if [ -n "$previous" ]; then
  for f in $(git ls-tree -r --name-only "$previous" -- Sources | grep '/Migrations/.*\.swift$'); do
    if [ ! -f "$f" ]; then echo "landed migration removed: $f"; fail=1; continue; fi
    git diff --quiet "$previous" -- "$f" || { echo "landed migration edited since the previous commit: $f"; fail=1; }
  done
fi
for f in $(git ls-files -- 'Sources/*/Migrations/*.swift' 'Sources/*/*/Migrations/*.swift'); do
  added=$(git log --no-renames --diff-filter=A --format=%H -1 -- "$f")
  [ -n "$added" ] || continue
  git diff --quiet "$added" -- "$f" || { echo "landed migration edited since it was added ($added): $f"; fail=1; }
done
[ "$fail" = 0 ] && echo "migrations: none edited"
exit "$fail"
