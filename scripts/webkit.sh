#!/usr/bin/env bash
# The WebKit layer: the customer's journey (tests/webkit) in real WebKit — Debian's
# WebKitWebDriver and its MiniBrowser under a virtual X display (xvfb-run), driven over
# WebDriver by selenium-webdriver, against the debug server serving the release build.
# Prints "webkit: N passed, M failed" last and exits non-zero when M > 0.
# Expects the release build of the app (scripts/build-app.sh) and the debug server.
source "$(dirname "$0")/lib.sh"
ensure_webkit
port=$(free_port)
log=target/webkit-driver.log
mkdir -p target
# One driver for the layer; -a picks a free display. Loopback only.
xvfb-run -a WebKitWebDriver --host=127.0.0.1 --port="$port" >"$log" 2>&1 &
xvfb=$!
# Under `set -e` a failing command in this trap would end the layer with 1: the driver may be
# gone already (pkill finds no child), which is no failure of the tests.
stop_driver() { pkill -P "$xvfb" 2>/dev/null || true; kill "$xvfb" 2>/dev/null || true; wait "$xvfb" 2>/dev/null || true; }
trap stop_driver EXIT
for _ in $(seq 100); do
  curl -sf "http://127.0.0.1:$port/status" >/dev/null && break
  sleep 0.1
done
export WEBKIT_DRIVER_URL="http://127.0.0.1:$port" WEBKIT_BROWSER="$WEBKIT_MINIBROWSER"
report=target/webkit-report.tap
run=0
node --test --test-reporter=tap --test-concurrency=1 --test-timeout=180000 tests/webkit/ | tee "$report" || run=$?
passed=$(sed -n 's/^# pass \([0-9]*\)$/\1/p' "$report" | tail -1)
failed=$(sed -n 's/^# fail \([0-9]*\)$/\1/p' "$report" | tail -1)
skipped=$(sed -n 's/^# skipped \([0-9]*\)$/\1/p' "$report" | tail -1)
passed=${passed:-0}; failed=$(( ${failed:-0} + ${skipped:-0} ))
[ "$passed" -gt 0 ] || [ "$failed" -gt 0 ] || failed=1
[ "$run" -eq 0 ] || [ "$failed" -gt 0 ] || failed=1
echo "webkit: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
