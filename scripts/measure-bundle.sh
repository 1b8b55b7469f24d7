#!/usr/bin/env bash
# First-load size of the built app: what a browser fetches before the first screen is usable,
# raw and gzip -9, against FIRST_LOAD_BUDGET (scripts/lib.sh). Exits 1 when over the budget.
#
# The first screen (the start step) is drawn by boot.js from the page, the stylesheet,
# config.json and one language's messages (zh-CN is counted: the larger table); the app
# itself (JS glue and wasm) loads right after it is painted and is listed below it, so what
# it costs stays in view. Run scripts/build-app.sh first (or pass --build).
source "$(dirname "$0")/lib.sh"
[ "${1:-}" = "--build" ] && "$ROOT/scripts/build-app.sh" >/dev/null
[ -f dist/index.html ] || { echo "no dist/: run scripts/build-app.sh first" >&2; exit 1; }

# Prints each file's sizes; leaves the sums in total_raw and total_gz.
count() {
  total_raw=0; total_gz=0
  local f raw gz
  for f in "$@"; do
    raw=$(stat -c%s "dist/$f"); gz=$(gzip -9c "dist/$f" | wc -c)
    total_raw=$((total_raw + raw)); total_gz=$((total_gz + gz))
    printf '  %-44s %10d %10d\n' "$f" "$raw" "$gz"
  done
}

budget=$FIRST_LOAD_BUDGET
printf '%-46s %10s %10s\n' file raw gzip
count pkg/shouhou.js $(cd dist && ls pkg/snippets/*/*.js 2>/dev/null) pkg/shouhou_bg.wasm
printf '%-46s %10d %10d\n' "the app, loaded after the first screen" "$total_raw" "$total_gz"
count index.html boot.js app.css config.json i18n/zh-CN.json icon.svg
printf '%-46s %10d %10d   (budget %d gzip: %s)\n' "first load" "$total_raw" "$total_gz" "$budget" \
  "$([ "$total_gz" -le "$budget" ] && echo within || echo OVER)"
[ "$total_gz" -le "$budget" ]
