#!/usr/bin/env bash
# What a browser downloads from the build in dist/, per file: raw, gzip -9, and as served to a
# browser that accepts Brotli (the .br the build writes beside the file; the pages the server
# renders and config.json, which it reads from --config, as it sends them). Against the
# budgets in scripts/lib.sh; exits 1 over one.
#
# - The first screen: what the customer's start step needs — the page the server renders
#   for `/` (zh-CN, the longer; its stylesheet inline), the boot script and the icon — gated
#   on gzip as it always was (FIRST_LOAD_BUDGET).
# - The customer app: everything fetched to file a request with a photo on a first visit —
#   the three pages drawn before the app (start, guided help's offer, the form's first step),
#   the web app manifest they link (fetched on every page once the app runs or the page has
#   been only looked at for a while: boot.js gives the link its address then; the icon
#   Chromium's install check fetches with it is counted too), the boot script, the app (glue, snippets, wasm), config.json,
#   the service worker and all it precaches (the seedless page, the stylesheet, both message
#   tables, the QR encoder, the icon, every flow) — gated as served (APP_BUDGET).
# - The staff desk: everything /desk/ fetches before its first screen (its page, starter,
#   stylesheet, glue, wasm, one language's messages, config.json, the icon), gated as served
#   (DESK_BUDGET).
# - The engineer's app: everything /field/ fetches before its first screen and its service
#   worker precaches (its page, starter, stylesheet, glue, wasm, both languages' messages,
#   config.json, the icon, the worker), gated as served (FIELD_BUDGET).
# Runs the debug server (built when missing) on a free port to render the pages.
# Run scripts/build-app.sh, scripts/build-desk.sh and scripts/build-field.sh first (or pass --build).
source "$(dirname "$0")/lib.sh"
if [ "${1:-}" = "--build" ]; then
  "$ROOT/scripts/build-app.sh" >/dev/null && "$ROOT/scripts/build-desk.sh" >/dev/null \
    && "$ROOT/scripts/build-field.sh" >/dev/null
fi
[ -f dist/index.html ] || { echo "no dist/: run scripts/build-app.sh first" >&2; exit 1; }
[ -f dist/desk/index.html ] || { echo "no dist/desk/: run scripts/build-desk.sh first" >&2; exit 1; }
[ -f dist/field/index.html ] || { echo "no dist/field/: run scripts/build-field.sh first" >&2; exit 1; }
# Always built: the pages are the server's, and a stale binary would measure old pages.
cargo build -q -p shouhou-server

work=$(mktemp -d)
server_pid=""
cleanup() { [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
target/debug/shouhou-server --addr 127.0.0.1:0 --db "$work/db.sqlite3" --dist dist --config static/config.json \
  >"$work/out" 2>/dev/null &
server_pid=$!
for _ in $(seq 150); do grep -q 'listening on' "$work/out" 2>/dev/null && break; sleep 0.1; done
base=$(sed -n 's/.*listening on \(http:[^ ]*\).*/\1/p' "$work/out")
[ -n "$base" ] || { echo "the server did not start" >&2; exit 1; }

# A rendered page as a file: raw (for gzip -9, like the others) and as the server sends it to
# a browser that accepts Brotli.
page() {
  local name="$1" path="$2"
  curl -sf -H 'Accept-Language: zh-CN' "$base$path" >"$work/$name"
  curl -sf -H 'Accept-Language: zh-CN' -H 'Accept-Encoding: br' "$base$path" >"$work/$name.served"
}
page start.html /
page help.html '/help?intent=repair&product_line=network'
page contact.html '/form/contact?intent=repair&product_line=network'
# The manifest the start page links (server/src/customer/install.rs draws it).
manifest=$(sed -n 's/.*<link rel="manifest" data-href="\([^"]*\)".*/\1/p' "$work/start.html")
[ -n "$manifest" ] || { echo "the start page links no manifest" >&2; exit 1; }
page manifest.json "$manifest"
curl -sf -H 'Accept-Encoding: br' "$base/config.json" >"$work/config.json.served"

# The build's hashed names, by plain path (the page's list); the service worker's lists.
hashed() { node -e 'const f = JSON.parse(require("fs").readFileSync("dist/index.html", "utf8").match(/id="shouhou-files">([^<]*)</)[1]); console.log(f[process.argv[1]].slice(1))' "$1"; }
# The worker is minified: it is run in a bare context (its handlers only registered) and asked.
precached() { node -e 'const vm = require("vm"), w = require("fs").readFileSync("dist/sw.js", "utf8"); const self = { addEventListener() {} }; const [shell, flows] = vm.runInNewContext(`${w};[SHELL, FLOWS]`, { self, addEventListener() {} }); console.log([...shell, ...flows].join("\n"));'; }
boot=$(sed -n 's/.*<script type="module" src="\/\([^"]*\)".*/\1/p' dist/index.html)

# Prints each file's sizes; leaves the sums in total_raw, total_gz and total_served. A file is
# under dist/, or a rendered page (@name) under the work folder.
count() {
  total_raw=0; total_gz=0; total_served=0
  local f file raw gz served
  for f in "$@"; do
    case "$f" in
      @*) file="$work/${f#@}"; served=$(stat -c%s "$file.served") ;;
      *) file="dist/$f"; served=$(stat -c%s "$file"); [ -f "$file.br" ] && served=$(stat -c%s "$file.br") ;;
    esac
    raw=$(stat -c%s "$file"); gz=$(gzip -9c "$file" | wc -c)
    # config.json is the server's own file (--config), compressed as it is sent.
    [ "$f" = config.json ] && served=$(stat -c%s "$work/config.json.served")
    total_raw=$((total_raw + raw)); total_gz=$((total_gz + gz)); total_served=$((total_served + served))
    printf '  %-50s %10d %10d %10d\n' "$f" "$raw" "$gz" "$served"
  done
}
verdict() { [ "$1" -le "$2" ] && echo within || echo OVER; }

printf '%-52s %10s %10s %10s\n' file raw gzip served
count @start.html "$boot" icon.svg
first_gz=$total_gz
printf '%-52s %10d %10d %10d   (budget %d gzip: %s)\n' "the first screen" "$total_raw" "$total_gz" "$total_served" \
  "$FIRST_LOAD_BUDGET" "$(verdict "$first_gz" "$FIRST_LOAD_BUDGET")"
# shellcheck disable=SC2046 # one file name a line, none with spaces
# Read first, so an unreadable worker fails the gate rather than leaving its files uncounted.
precached_files=$(precached)
count @start.html @help.html @contact.html @manifest.json icons/any-192.png "$boot" "$(hashed /pkg/shouhou.js)" "$(hashed /pkg/shouhou_bg.wasm)" \
  config.json sw.js $(grep -v -e '^pkg/shouhou' -e '^config.json$' -e "^$boot\$" <<<"$precached_files" | sort -u)
app_served=$total_served
printf '%-52s %10d %10d %10d   (budget %d served: %s)\n' "the customer app, a request with a photo" "$total_raw" "$total_gz" \
  "$total_served" "$APP_BUDGET" "$(verdict "$app_served" "$APP_BUDGET")"
count desk/index.html desk/desk.js desk/desk.css desk/pkg/shouhou_desk.js desk/pkg/shouhou_desk_bg.wasm \
  desk/i18n/zh-CN.json config.json icon.svg
desk_served=$total_served
printf '%-52s %10d %10d %10d   (budget %d served: %s)\n' "the staff desk" "$total_raw" "$total_gz" "$total_served" \
  "$DESK_BUDGET" "$(verdict "$desk_served" "$DESK_BUDGET")"
# shellcheck disable=SC2046 # one file name a line, none with spaces
count field/index.html field/field.js field/field.css field/pkg/shouhou_field.js field/pkg/shouhou_field_bg.wasm \
  $(cd dist && find field/pkg/snippets -type f ! -name '*.br' ! -name '*.gz' | sort) \
  field/i18n/zh-CN.json field/i18n/en.json config.json icon.svg field/sw.js
field_served=$total_served
printf '%-52s %10d %10d %10d   (budget %d served: %s)\n' "the engineer's app" "$total_raw" "$total_gz" "$total_served" \
  "$FIELD_BUDGET" "$(verdict "$field_served" "$FIELD_BUDGET")"
[ "$first_gz" -le "$FIRST_LOAD_BUDGET" ] && [ "$app_served" -le "$APP_BUDGET" ] && [ "$desk_served" -le "$DESK_BUDGET" ] \
  && [ "$field_served" -le "$FIELD_BUDGET" ]
