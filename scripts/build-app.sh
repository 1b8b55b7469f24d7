#!/usr/bin/env bash
# Builds the browser app in release mode into dist/: wasm, its JS glue, the page, static files.
source "$(dirname "$0")/lib.sh"
ensure_build_tools

say "building the app (release, wasm32)"
build_wasm -p shouhou --bin shouhou
rm -rf dist.new && mkdir -p dist.new/pkg
wasm-bindgen --target web --no-typescript --out-dir dist.new/pkg --out-name shouhou \
  target/wasm32-unknown-unknown/release/shouhou.wasm
optimize_wasm dist.new/pkg/shouhou_bg.wasm dist.new/pkg/shouhou_bg.wasm
# The JS glue is on the first load too; its exports (init) stay as they are.
terser dist.new/pkg/shouhou.js --module --compress --mangle --output dist.new/pkg/shouhou.min.js
mv dist.new/pkg/shouhou.min.js dist.new/pkg/shouhou.js
cp index.html dist.new/
cp -r static/. dist.new/
# The boot script is on the first load: minified like the glue.
terser dist.new/boot.js --module --compress --mangle --output dist.new/boot.min.js
mv dist.new/boot.min.js dist.new/boot.js
# The QR encoder for receipts: fetched only when a receipt is shown.
mkdir -p dist.new/vendor
terser node_modules/qrcode-generator/dist/qrcode.mjs --module --compress --mangle --output dist.new/vendor/qrcode.mjs
# The stylesheet is on the first load (the server's pages carry it inline): the shared tokens
# in front, boot.js's states after, minified.
cat dist.new/boot.css >> dist.new/app.css && rm dist.new/boot.css
build_css dist.new/app.css
# The page itself: without its comment lines and indentation.
node -e '
  const fs = require("fs"), file = process.argv[1];
  const lines = fs.readFileSync(file, "utf8").split("\n").map((l) => l.trim()).filter((l) => l && !l.startsWith("//"));
  fs.writeFileSync(file, lines.join("\n") + "\n");
' dist.new/index.html
# The message tables are fetched at start too, and the service worker precaches every flow:
# without indentation (1.7 KB less Brotli over the seven flows).
node -e '
  const fs = require("fs");
  for (const file of process.argv.slice(1)) fs.writeFileSync(file, JSON.stringify(JSON.parse(fs.readFileSync(file, "utf8"))));
' dist.new/i18n/*.json dist.new/flows/*.json
# Every file the page references gets a name with its content's hash, so browsers keep it for
# good (the server sends such names `immutable`) and a new build is new names: wasm-bindgen's
# snippets (the glue's imports rewritten), the glue, the wasm, the stylesheet, the boot script,
# the message tables, the flows (their plain names stay too: the server and the desk read
# those) and the QR encoder. The page lists them (`shouhou-files`, read by boot.js and the app),
# and the service worker precaches them with the seedless page.
node scripts/hash-files.mjs dist.new
# The service worker is on the first load as well: minified once its lists are filled in (they
# are marked by comments).
terser dist.new/sw.js --compress --mangle --output dist.new/sw.min.js
mv dist.new/sw.min.js dist.new/sw.js
# The service worker carries the build's id: a new build is a new worker, offered to the customer.
build_id=$(cat dist.new/index.html dist.new/sw.js | sha256sum | cut -c1-16)
sed -i "s/__BUILD_ID__/$build_id/" dist.new/sw.js
# Served as they are to browsers that accept Brotli or gzip (the server's ServeDir looks for these).
precompress dist.new wasm js mjs css html json svg
rm -rf dist && mv dist.new dist
say "built dist/ ($(du -sh dist | cut -f1))"
