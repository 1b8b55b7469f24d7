#!/usr/bin/env bash
# Page load against the release build: navigation -> first input usable at CPU x1 and x4,
# then Lighthouse (mobile preset, median of 3): performance, TBT, TTI, LCP, accessibility.
# Timings are reported, never asserted: compare within one run (scores move with CPU load).
source "$(dirname "$0")/lib.sh"
ensure_build_tools; ensure_browser
"$ROOT/scripts/build-app.sh" >/dev/null
cargo build --release -p shouhou-server -q
# Lighthouse is for measuring only: installed on demand, pinned, outside the test install.
LIGHTHOUSE_VERSION=13.5.0
if [ "$(node -p 'require("lighthouse/package.json").version' 2>/dev/null)" != "$LIGHTHOUSE_VERSION" ]; then
  say "installing lighthouse $LIGHTHOUSE_VERSION (measuring only)"
  npm install --no-save --no-audit --no-fund "lighthouse@$LIGHTHOUSE_VERSION"
fi
scripts/measure-bundle.sh || true
node tests/bench/load.mjs 7 1
node tests/bench/load.mjs 7 4
node tests/bench/lighthouse.mjs 3
