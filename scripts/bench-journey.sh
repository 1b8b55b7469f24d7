#!/usr/bin/env bash
# The shared peer benchmark (/work/shared/bench/peer, or $PEER_BENCH), with Shouhou's release
# build as its third page: copied to target/peer-bench (shared/ may be read-only), its journey
# timed across pages, then run. By default only the journey rows (about 3 minutes); `--full`
# runs every row (about 8 minutes); other arguments go to bench.mjs (`--journey-runs 7`).
#
# The copy's one change: a journey that crosses pages (Shouhou's start step, guided help's offer
# and the form's first step are three addresses; boot.js shows them in one document, the
# browser in three when it navigates) is timed from the first page's navigation, not from the
# last one's (`performance.now()` restarts with each document, which flattered a
# multi-page journey). Never quote the row without it.
#
# Needs scripts/build-app.sh and `cargo build --release -p shouhou-server` first.
source "$(dirname "$0")/lib.sh"
PEER_BENCH="${PEER_BENCH:-/work/shared/bench/peer}"
[ -x target/release/shouhou-server ] || { echo "run cargo build --release -p shouhou-server first" >&2; exit 1; }
[ -f dist/index.html ] || { echo "run scripts/build-app.sh first" >&2; exit 1; }

only=(--only-journey)
if [ "${1:-}" = "--full" ]; then only=(); shift; fi

rm -rf target/peer-bench
cp -r "$PEER_BENCH" target/peer-bench
node -e '
  const fs = require("fs"), file = process.argv[1];
  let text = fs.readFileSync(file, "utf8");
  const swap = (from, to) => {
    if (!text.includes(from)) { console.error(`bench.mjs changed: "${from.trim()}" not found`); process.exit(1); }
    text = text.replace(from, to);
  };
  swap("    await page.goto(`http://127.0.0.1:${v.port}/`, { waitUntil: \"commit\" });\n",
    "    await page.goto(`http://127.0.0.1:${v.port}/`, { waitUntil: \"commit\" });\n" +
    "    // A journey may cross pages: times are from the first page'"'"'s navigation start.\n" +
    "    const origin0 = await page.evaluate(() => performance.timeOrigin);\n");
  swap("    const t = await page.evaluate(() => performance.now());\n    await field.click();",
    "    const t = await page.evaluate(() => performance.timeOrigin + performance.now()) - origin0;\n    await field.click();");
  fs.writeFileSync(file, text);
' target/peer-bench/bench.mjs
cd target/peer-bench
npm ci --no-audit --no-fund >/dev/null
npm run build >/dev/null
SHOUHOU_DIR="$ROOT" node bench.mjs "${only[@]}" "$@"
