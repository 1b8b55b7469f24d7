#!/usr/bin/env bash
# Autosave latency (keystroke -> journal, keystroke -> IndexedDB commit) in headless Chromium,
# at full speed and with the CPU slowed x4, against the release build. Budget: 20 ms.
source "$(dirname "$0")/lib.sh"
ensure_build_tools; ensure_browser
"$ROOT/scripts/build-app.sh" >/dev/null
cargo build --release -p shouhou-server -q
node tests/bench/autosave.mjs 60 1
node tests/bench/autosave.mjs 60 4
