#!/usr/bin/env bash
# Runs every test: native (core, server), the server on PostgreSQL, wasm in headless Chromium,
# Schemathesis against the API's OpenAPI document, browser end-to-end in Chromium and WebKit.
# Installs what is missing first. Prints each layer's counts; exits non-zero on any failure.
source "$(dirname "$0")/lib.sh"
ensure_build_tools
ensure_browser
ensure_aiosmtpd
ensure_nginx
ensure_webkit
export CHROMEDRIVER=/usr/bin/chromedriver

mkdir -p target
declare -A passed failed
status=0

# Sums the "test result: … N passed; M failed" lines cargo prints.
cargo_counts() {
  awk '/^test result:/ { for (i = 1; i <= NF; i++) { if ($(i) ~ /^passed/) p += $(i-1); if ($(i) ~ /^failed/) f += $(i-1) } }
       END { printf "%d %d\n", p, f }' "$1"
}

# How long each layer and gate took, for the summary: the whole run is to stay under 30 minutes.
timings=()
took() { timings+=("$(printf '  %-60s %5d s' "$1" $((SECONDS - $2)))"); }
timed() { local name="$1" start=$SECONDS; shift; "$@"; local rc=$?; took "$name" "$start"; return $rc; }

run_layer() {
  local layer="$1" start=$SECONDS; shift
  say "$layer"
  local log="target/test-$layer.log"
  if "$@" 2>&1 | tee "$log"; then :; else status=1; fi
  took "$layer" "$start"
}

# Gates (formatting, lints, the first-load budget) count as tests: a failed gate fails the
# run, and the layers still run so one push shows every problem.
passed[gates]=0; failed[gates]=0
gate() {
  local name="$1"; shift
  say "gate: $name"
  if timed "gate: $name" "$@"; then passed[gates]=$((passed[gates] + 1)); else failed[gates]=$((failed[gates] + 1)); status=1; echo "GATE FAILED: $name"; fi
}
gate "cargo fmt --check" cargo fmt --all --check
gate "clippy, native crates" cargo clippy -q --all-targets -p shouhou-core -p shouhou-server -p shouhou-flows -p shouhou-layers -p shouhou-web -- -D warnings
# The three browser apps in one run: their shared crates (web-sys, yew, core) are checked once.
gate "clippy, the app, the desk and the engineer's app (wasm)" cargo clippy -q --all-targets --target wasm32-unknown-unknown -p shouhou -p shouhou-desk -p shouhou-field -- -D warnings

gate "the troubleshooting flows (static/flows)" cargo run -q -p shouhou-flows -- check static/flows

run_layer native cargo test --no-fail-fast -p shouhou-core -p shouhou-server -p shouhou-flows -p shouhou-layers -p shouhou-web -p shouhou-desk -p shouhou-field
read -r passed[native] failed[native] < <(cargo_counts target/test-native.log)

# The server's whole suite again on PostgreSQL: a throwaway cluster (installed when missing),
# a fresh database per test, plus the two-instance tests plain `cargo test` lists as ignored.
run_layer postgres "$ROOT/scripts/with-postgres.sh" env SHOUHOU_TEST_STORE=postgres cargo test --no-fail-fast -p shouhou-server -- --include-ignored
read -r passed[postgres] failed[postgres] < <(cargo_counts target/test-postgres.log)

run_layer wasm cargo test --no-fail-fast -p shouhou --target wasm32-unknown-unknown
read -r passed[wasm] failed[wasm] < <(cargo_counts target/test-wasm.log)

# The builds the later layers share; a failed build is counted, and those layers then fail.
gate "release builds of the app, the desk and the engineer's app, the server for end-to-end tests" \
  bash -c '"$1/scripts/build-app.sh" && "$1/scripts/build-desk.sh" && "$1/scripts/build-field.sh" && cargo build -p shouhou-server' _ "$ROOT"
# Schemathesis against the debug server: every operation of /api/v1/openapi.json, customer
# and staff, a bounded number of examples each (under a minute here).
run_layer schemathesis "$ROOT/scripts/schemathesis.sh"
read -r passed[schemathesis] failed[schemathesis] < <(
  sed -n 's/^schemathesis: \([0-9]*\) passed, \([0-9]*\) failed$/\1 \2/p' target/test-schemathesis.log \
    | tail -1 | grep . || echo "0 1")
gate "byte budgets: the first load, the desk and the engineer's app (scripts/lib.sh)" "$ROOT/scripts/measure-bundle.sh"
# Every test it finds runs: a focused or skipped test, or one that did not run, is a failure.
run_layer e2e "$ROOT/scripts/e2e.sh"
read -r passed[e2e] failed[e2e] < <(
  sed -n 's/^e2e: \([0-9]*\) passed, \([0-9]*\) failed$/\1 \2/p' target/test-e2e.log \
    | tail -1 | grep . || echo "0 1")

# The customer's journey again in WebKit (the engine of every iPhone browser).
run_layer webkit "$ROOT/scripts/webkit.sh"
read -r passed[webkit] failed[webkit] < <(
  sed -n 's/^webkit: \([0-9]*\) passed, \([0-9]*\) failed$/\1 \2/p' target/test-webkit.log \
    | tail -1 | grep . || echo "0 1")
total_passed=0; total_failed=0
echo
echo "Test layers:"
for layer in gates native postgres wasm schemathesis e2e webkit; do
  printf '  %-12s %4d passed, %d failed\n' "$layer" "${passed[$layer]}" "${failed[$layer]}"
  total_passed=$((total_passed + passed[$layer])); total_failed=$((total_failed + failed[$layer]))
done
[ "$total_failed" -eq 0 ] || status=1
[ "${passed[native]}" -gt 0 ] && [ "${passed[postgres]}" -gt 0 ] && [ "${passed[wasm]}" -gt 0 ] && [ "${passed[schemathesis]}" -gt 0 ] && [ "${passed[e2e]}" -gt 0 ] && [ "${passed[webkit]}" -gt 0 ] || status=1
echo
echo "Time taken (the whole run is to stay under 30 minutes):"
printf '%s\n' "${timings[@]}"
printf '  %-60s %5d s\n' "in all, installs included" "$SECONDS"
echo "$total_passed passed, $total_failed failed"
exit "$status"
