#!/usr/bin/env bash
# Where an app's download goes: the largest functions of the wasm and its size per crate,
# measured with twiggy on the release build before wasm-opt (which strips the names that
# twiggy reads). Sizes are of the raw wasm: wasm-opt and compression shrink everything,
# roughly evenly, so the shares are what to compare between commits.
#   scripts/where-bytes.sh [app|desk, default app] [how many functions, default 25]
source "$(dirname "$0")/lib.sh"
TWIGGY_VERSION=0.8.0
if [ "$(twiggy --version 2>/dev/null | awk '{print $2}')" != "$TWIGGY_VERSION" ]; then
  say "installing twiggy $TWIGGY_VERSION (measuring only)"
  cargo install twiggy --version "$TWIGGY_VERSION" --locked
fi
app=app; case "${1:-}" in app|desk) app=$1; shift ;; esac
if [ "$app" = desk ]; then
  wasm=target/wasm32-unknown-unknown/release/shouhou-desk.wasm
  [ -f "$wasm" ] || "$ROOT/scripts/build-desk.sh" >/dev/null
else
  wasm=target/wasm32-unknown-unknown/release/shouhou.wasm
  [ -f "$wasm" ] || "$ROOT/scripts/build-app.sh" >/dev/null
fi

# The shipped wasm has neither wasm-bindgen's custom section nor the names: leave them out.
shipped() { grep -v -e "custom section" -e "names\" subsection" -e '"function names"'; }

say "largest functions (shallow size, raw wasm)"
twiggy top -n "$(( ${1:-25} + 2 ))" "$wasm" | shipped

say "size per crate (shallow sizes summed, raw wasm)"
twiggy top -n 1000000 --format csv "$wasm" | python3 -c '
import csv, re, sys
sizes, total = {}, 0
for row in csv.DictReader(sys.stdin):
    name, size = row["Name"], int(row["ShallowSize"])
    if name.startswith("custom section") or "names\" subsection" in name:
        continue
    total += size
    # The crate is the first path segment of the (demangled) name: "<yew::html::…>" -> yew.
    match = re.search(r"([A-Za-z_][A-Za-z0-9_]*)::", name)
    crate = match.group(1) if match else "(data, tables, imports, unnamed)"
    sizes[crate] = sizes.get(crate, 0) + size
for crate, size in sorted(sizes.items(), key=lambda kv: -kv[1])[:30]:
    print(f"{size:>10} {100 * size / total:5.1f}%  {crate}")
print(f"{total:>10} 100.0%  total")
'
