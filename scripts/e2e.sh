#!/usr/bin/env bash
# The browser end-to-end layer, held to running every test it has: Playwright with CI set, so
# a focused test (`test.only`) fails the run (forbidOnly in tests/e2e/playwright.config.mjs)
# instead of quietly running alone; a skipped test counts as failed; and the tests that ran must
# be as many as `--list` finds, so none silently did not run. Prints "e2e: N passed, M failed"
# last (M includes the skipped and the missing) and exits non-zero when M > 0.
#   scripts/e2e.sh [Playwright arguments, e.g. a spec file]
# Expects the release builds (scripts/build-app.sh, scripts/build-desk.sh, scripts/build-field.sh)
# and the debug server.
source "$(dirname "$0")/lib.sh"
ensure_browser
config=tests/e2e/playwright.config.mjs
report=target/e2e-report.json
export CI=1

# What there is to run: "Total: N tests in M files" (a focused test fails here already).
listed=$( (npx playwright test --config "$config" --list "$@" || true) \
  | sed -n 's/^Total: \([0-9]*\) tests\{0,1\} in .*/\1/p')
listed=${listed:-0}

rm -f "$report"
run=0
npx playwright test --config "$config" "$@" || run=$?

if [ -f "$report" ]; then
  read -r passed failed skipped ran < <(node -e '
    const { stats, errors = [] } = require(process.argv[1]);
    const ran = stats.expected + stats.unexpected + stats.flaky;
    console.log(stats.expected, stats.unexpected + stats.flaky + errors.length, stats.skipped, ran);' "$ROOT/$report")
else
  passed=0; failed=1; skipped=0; ran=0
fi
missing=$((listed - ran - skipped))
[ "$missing" -ge 0 ] || missing=0
[ "$skipped" -eq 0 ] || echo "e2e: $skipped skipped test(s): every test runs (remove the skip or the test)"
[ "$missing" -eq 0 ] || echo "e2e: $missing of $listed listed test(s) did not run"
[ "$listed" -gt 0 ] || { echo "e2e: no tests found"; failed=$((failed + 1)); }
[ "$run" -eq 0 ] || [ "$failed" -gt 0 ] || failed=1
failed=$((failed + skipped + missing))
echo "e2e: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
