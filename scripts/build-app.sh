#!/usr/bin/env bash
# Builds the browser app in release mode into dist/: wasm, its JS glue, the page, static files.
source "$(dirname "$0")/lib.sh"
ensure_build_tools

say "building the app (release, wasm32)"
cargo build --release --target wasm32-unknown-unknown -p shouhou --bin shouhou
rm -rf dist.new && mkdir -p dist.new/pkg
wasm-bindgen --target web --no-typescript --out-dir dist.new/pkg --out-name shouhou \
  target/wasm32-unknown-unknown/release/shouhou.wasm
wasm-opt -Oz --strip-debug --strip-producers dist.new/pkg/shouhou_bg.wasm -o dist.new/pkg/shouhou_bg.wasm
cp index.html dist.new/
cp -r static/. dist.new/
# Served as-is to browsers that accept gzip (the server's ServeDir looks for these).
find dist.new -type f \( -name '*.wasm' -o -name '*.js' -o -name '*.css' -o -name '*.html' -o -name '*.json' -o -name '*.svg' \) \
  -exec gzip -9 -k -n {} \;
rm -rf dist && mv dist.new dist
say "built dist/ ($(du -sh dist | cut -f1))"
