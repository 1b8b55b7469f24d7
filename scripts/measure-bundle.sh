#!/usr/bin/env bash
# First-load size of the built app: what a browser fetches before the first screen is usable
# (page, JS, wasm, CSS, config, the messages of one language, icon), raw and gzip -9, against
# FIRST_LOAD_BUDGET (scripts/lib.sh). zh-CN is counted: the larger of the two message tables.
# Run scripts/build-app.sh first (or pass --build). Exits 1 when over the budget.
source "$(dirname "$0")/lib.sh"
[ "${1:-}" = "--build" ] && "$ROOT/scripts/build-app.sh" >/dev/null
[ -f dist/index.html ] || { echo "no dist/: run scripts/build-app.sh first" >&2; exit 1; }

budget=$FIRST_LOAD_BUDGET
total_raw=0; total_gz=0
printf '%-28s %10s %10s\n' file raw gzip
for f in index.html pkg/shouhou.js $(cd dist && ls pkg/snippets/*/*.js 2>/dev/null) pkg/shouhou_bg.wasm app.css config.json i18n/zh-CN.json icon.svg; do
  raw=$(stat -c%s "dist/$f"); gz=$(gzip -9c "dist/$f" | wc -c)
  total_raw=$((total_raw + raw)); total_gz=$((total_gz + gz))
  printf '%-28s %10d %10d\n' "$f" "$raw" "$gz"
done
printf '%-28s %10d %10d   (budget %d gzip: %s)\n' "first load" "$total_raw" "$total_gz" "$budget" \
  "$([ "$total_gz" -le "$budget" ] && echo within || echo OVER)"
[ "$total_gz" -le "$budget" ]
