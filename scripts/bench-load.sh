#!/usr/bin/env bash
# Page load against the release build: navigation -> first input usable, CPU x1 and x4.
source "$(dirname "$0")/lib.sh"
ensure_build_tools; ensure_browser
"$ROOT/scripts/build-app.sh" >/dev/null
cargo build --release -p shouhou-server -q
scripts/measure-bundle.sh
node tests/bench/load.mjs 7 1
node tests/bench/load.mjs 7 4
