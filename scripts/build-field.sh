#!/usr/bin/env bash
# Builds the engineer's app (field/) in release mode into dist/field/: its own wasm, glue,
# page, stylesheet, message tables and service worker, never part of the customer's or the
# desk's download. Run it after scripts/build-app.sh, which recreates dist/.
source "$(dirname "$0")/lib.sh"
ensure_build_tools

say "building the engineer's app (release, wasm32)"
build_wasm -p shouhou-field
rm -rf dist/field.new && mkdir -p dist/field.new/pkg dist/field.new/i18n
wasm-bindgen --target web --no-typescript --out-dir dist/field.new/pkg --out-name shouhou_field \
  target/wasm32-unknown-unknown/release/shouhou-field.wasm
optimize_wasm dist/field.new/pkg/shouhou_field_bg.wasm dist/field.new/pkg/shouhou_field_bg.wasm
terser dist/field.new/pkg/shouhou_field.js --module --compress --mangle --output dist/field.new/pkg/shouhou_field.min.js
mv dist/field.new/pkg/shouhou_field.min.js dist/field.new/pkg/shouhou_field.js
cp field/index.html field/static/field.js dist/field.new/
# The customer app's form styles (the same controls and signature pad), then the app's own.
cat static/app.css field/static/field.extra.css > dist/field.new/field.css
build_css dist/field.new/field.css
# The message tables, the customer app's shared keys (field/app-messages.json) and its own.
merge_messages field dist/field.new
# The service worker precaches every file the app has (its page as /field/) and names its
# cache after them: a new build, a new cache.
files=$(cd dist/field.new && find . -type f ! -name index.html | sed 's|^\./|/field/|' | sort)
build_id=$(cd dist/field.new && find . -type f | sort | xargs cat | sha256sum | cut -c1-16)
shell_files=$(node -e 'console.log(JSON.stringify(process.argv[1].split("\n").filter(Boolean)))' "$files")
sed -e "s/__BUILD_ID__/$build_id/" -e "s|/\*SHELL_FILES\*/\[\]|$shell_files|" field/static/sw.js > dist/field.new/sw.full.js
terser dist/field.new/sw.full.js --compress --mangle --output dist/field.new/sw.js
rm dist/field.new/sw.full.js
precompress dist/field.new wasm js css html json
rm -rf dist/field && mv dist/field.new dist/field
say "built dist/field/ ($(du -sh dist/field | cut -f1))"
