#!/usr/bin/env bash
# Builds the staff desk (desk/) in release mode into dist/desk/: its own wasm, glue, page,
# stylesheet and message tables, never part of the customer's first load. Run it after
# scripts/build-app.sh, which recreates dist/.
source "$(dirname "$0")/lib.sh"
ensure_build_tools

say "building the staff desk (release, wasm32)"
build_wasm -p shouhou-desk
rm -rf dist/desk.new && mkdir -p dist/desk.new/pkg
wasm-bindgen --target web --no-typescript --out-dir dist/desk.new/pkg --out-name shouhou_desk \
  target/wasm32-unknown-unknown/release/shouhou-desk.wasm
optimize_wasm dist/desk.new/pkg/shouhou_desk_bg.wasm dist/desk.new/pkg/shouhou_desk_bg.wasm
# The JS glue is fetched before the desk's first screen: minified, its exports (init) as they are.
terser dist/desk.new/pkg/shouhou_desk.js --module --compress --mangle --output dist/desk.new/pkg/shouhou_desk.min.js
mv dist/desk.new/pkg/shouhou_desk.min.js dist/desk.new/pkg/shouhou_desk.js
cp desk/index.html dist/desk.new/
cp -r desk/static/. dist/desk.new/
build_css dist/desk.new/desk.css
# The message tables, the customer app's shared keys and the desk's own (desk/src/messages.rs
# merges them the same way for the tests).
merge_messages desk dist/desk.new
# Served as they are to browsers that accept Brotli or gzip (the server's ServeDir looks for these).
precompress dist/desk.new wasm js css html json
rm -rf dist/desk && mv dist/desk.new dist/desk
say "built dist/desk/ ($(du -sh dist/desk | cut -f1))"
