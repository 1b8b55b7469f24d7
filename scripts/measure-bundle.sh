#!/usr/bin/env bash
# What a browser downloads from the build in dist/, per file: raw, gzip -9, and as served to a
# browser that accepts Brotli (the .br the build writes beside the file; config.json, which the
# server reads from --config, gzipped as it sends it). Against the budgets in
# scripts/lib.sh; exits 1 over one.
#
# - The first load: what the customer's first screen needs (the page, boot.js, the
#   stylesheet, config.json, one language's messages — zh-CN, the larger — and the icon),
#   gated on gzip as it always was (FIRST_LOAD_BUDGET).
# - The customer app (JS glue, snippets, wasm), loaded after the first screen: reported.
# - The staff desk: everything /desk/ fetches before its first screen (its page, starter,
#   stylesheet, glue, wasm, one language's messages, config.json, the icon), gated as served
#   (DESK_BUDGET).
# Run scripts/build-app.sh and scripts/build-desk.sh first (or pass --build).
source "$(dirname "$0")/lib.sh"
if [ "${1:-}" = "--build" ]; then
  "$ROOT/scripts/build-app.sh" >/dev/null && "$ROOT/scripts/build-desk.sh" >/dev/null
fi
[ -f dist/index.html ] || { echo "no dist/: run scripts/build-app.sh first" >&2; exit 1; }
[ -f dist/desk/index.html ] || { echo "no dist/desk/: run scripts/build-desk.sh first" >&2; exit 1; }

# Prints each file's sizes; leaves the sums in total_raw, total_gz and total_served.
count() {
  total_raw=0; total_gz=0; total_served=0
  local f raw gz served
  for f in "$@"; do
    raw=$(stat -c%s "dist/$f"); gz=$(gzip -9c "dist/$f" | wc -c)
    # config.json is the server's own file (--config), gzipped as it is sent.
    served=$raw; [ -f "dist/$f.br" ] && served=$(stat -c%s "dist/$f.br")
    [ "$f" = config.json ] && served=$gz
    total_raw=$((total_raw + raw)); total_gz=$((total_gz + gz)); total_served=$((total_served + served))
    printf '  %-44s %10d %10d %10d\n' "$f" "$raw" "$gz" "$served"
  done
}
verdict() { [ "$1" -le "$2" ] && echo within || echo OVER; }

printf '%-46s %10s %10s %10s\n' file raw gzip served
count pkg/shouhou.js $(cd dist && ls pkg/snippets/*/*.js 2>/dev/null) pkg/shouhou_bg.wasm
printf '%-46s %10d %10d %10d\n' "the app, loaded after the first screen" "$total_raw" "$total_gz" "$total_served"
count index.html boot.js app.css config.json i18n/zh-CN.json icon.svg
first_gz=$total_gz
printf '%-46s %10d %10d %10d   (budget %d gzip: %s)\n' "first load" "$total_raw" "$total_gz" "$total_served" \
  "$FIRST_LOAD_BUDGET" "$(verdict "$first_gz" "$FIRST_LOAD_BUDGET")"
count desk/index.html desk/desk.js desk/desk.css desk/pkg/shouhou_desk.js desk/pkg/shouhou_desk_bg.wasm \
  desk/i18n/zh-CN.json config.json icon.svg
desk_served=$total_served
printf '%-46s %10d %10d %10d   (budget %d served: %s)\n' "the staff desk" "$total_raw" "$total_gz" "$total_served" \
  "$DESK_BUDGET" "$(verdict "$desk_served" "$DESK_BUDGET")"
[ "$first_gz" -le "$FIRST_LOAD_BUDGET" ] && [ "$desk_served" -le "$DESK_BUDGET" ]
