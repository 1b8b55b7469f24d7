#!/usr/bin/env bash
# Schemathesis against the debug server on loopback: every operation of /api/v1/openapi.json,
# customer and staff (signed in as a lead), with a bounded number of examples each. Fails on
# any 5xx, any answer whose status or body the document does not allow, and any malformed
# input the server accepts. Always stops the server. Prints "schemathesis: N passed, M failed"
# (operations) last.
#   scripts/schemathesis.sh [EXAMPLES_PER_OPERATION]   (default 50: about 2 minutes on 2 cores)
# The seed is fixed (16) so a run repeats; SCHEMATHESIS_SEED=… explores elsewhere.
source "$(dirname "$0")/lib.sh"
ensure_schemathesis
examples="${1:-50}"

cargo build -q -p shouhou-server
work="$(mktemp -d)"
server_pid=""
stop() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap stop EXIT

mkdir -p "$work/dist"
echo '<!doctype html><title>Shouhou</title>' > "$work/dist/index.html"
db="$work/shouhou.sqlite3"
server=target/debug/shouhou-server

# A lead, so the figures and the export are exercised too.
password="schemathesis-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
printf '%s\n' "$password" | "$server" staff add fuzz.lead --role lead --db "$db" >/dev/null

# A kiosk PIN, so that unlocking is tried against one (a wrong PIN is 401, not 404).
eval "$(echo 482916 | "$server" --hash-kiosk-pin)"
export SHOUHOU_KIOSK_PIN_HASH

# Limits far above what the run sends: the fuzzer tests the API, not the rate limits (their
# 429 is in the document all the same).
big=100000:100000
SHOUHOU_LIMIT_CREATE=$big SHOUHOU_LIMIT_LOOKUP=$big SHOUHOU_LIMIT_DEFLECTION=$big \
SHOUHOU_LIMIT_CSP_REPORT=$big SHOUHOU_LIMIT_SIGN_IN=$big SHOUHOU_LIMIT_KIOSK_PIN=$big \
SHOUHOU_LIMIT_MESSAGE=$big SHOUHOU_LIMIT_FEEDBACK=$big RUST_LOG=error \
  "$server" --addr 127.0.0.1:0 --db "$db" --dist "$work/dist" --config static/config.json \
  >"$work/stdout" 2>target/schemathesis-server.log &
server_pid=$!
addr=""
for _ in $(seq 100); do
  addr="$(sed -n 's#^shouhou-server listening on http://##p' "$work/stdout")"
  [ -n "$addr" ] && break
  sleep 0.1
done
[ -n "$addr" ] || { echo "the server did not start"; cat target/schemathesis-server.log; exit 1; }
base="http://$addr"

# Signed in as a browser on this site would be: the session cookie, and the Origin and
# Sec-Fetch-Site headers the staff routes' cross-site check reads.
token="$(curl -sS -D - -o /dev/null -H 'content-type: application/json' \
  -d "{\"login\":\"fuzz.lead\",\"password\":\"$password\"}" "$base/api/v1/staff/session" \
  | tr -d '\r' | sed -n 's/^set-cookie: __Host-shouhou_staff=\([0-9a-f]*\).*/\1/Ip')"
[ -n "$token" ] || { echo "staff sign-in failed"; exit 1; }
# Requests to look up, answer, rate and work, so that the operations on one get past 404:
# each with a photo; one received, one waiting for the customer, one resolved.
staff_post() {
  curl -sS -o /dev/null -w '%{http_code}' -H "Cookie: __Host-shouhou_staff=$token" \
    -H 'content-type: application/json' -d "$2" "$base/api/v1/staff/requests/$1/events"
}
photo_ids=()
{ printf '\xff\xd8\xff\xe0'; head -c 996 /dev/zero | tr '\0' 'B'; } >"$work/photo.jpg"
bought="$(date -d '-60 days' +%F)"
references=()
for n in 1 2 3; do
  photo_id="0f3a9c2e-1111-4c1b-9a55-6a1f0e3d2b1$n"
  photo_ids+=("$photo_id")
  photos="[{\"id\":\"$photo_id\",\"content_type\":\"image/jpeg\",\"bytes\":1000,\"width\":1600,\"height\":1200}]"
  cat >"$work/request.json" <<JSON
{"intent":"repair","product_line":"inverter","full_name":"王建国","phone":"138 1234 5678",
 "email":"wang@example.cn","purchase_date":"$bought","resolution":"repair",
 "description":"变频器上电后显示 OC1 过流故障，电机无法启动","local_date":"$(date +%F)","photos":$photos}
JSON
  reference="$(curl -sS -H "Idempotency-Key: schemathesis-seed-$n" \
    -F "request=@$work/request.json;type=application/json" \
    -F "photo=@$work/photo.jpg;type=image/jpeg;filename=$photo_id" "$base/api/v1/requests" \
    | python3 -c 'import json, sys; print(json.load(sys.stdin)["reference"])')"
  references+=("$reference")
done
staff_post "${references[1]}" '{"kind":"status","status":"in_progress"}' >/dev/null
staff_post "${references[1]}" '{"kind":"status","status":"waiting_customer"}' >/dev/null
staff_post "${references[2]}" '{"kind":"status","status":"in_progress"}' >/dev/null
[ "$(staff_post "${references[2]}" '{"kind":"status","status":"resolved"}')" = 201 ] \
  || { echo "seeding the requests failed"; exit 1; }

# The token as the document's `staff_session` cookie scheme, so Schemathesis knows it is the
# credential (and sends it where the document says) rather than an unexplained header; and
# the seeded references, contacts and photo most of the time, generated ones otherwise.
cat >"$work/schemathesis.toml" <<TOML
[auth.openapi.staff_session]
api_key = "$token"

[dictionaries.references]
values = ["${references[0]}", "${references[1]}", "${references[2]}"]
[dictionaries.contacts]
values = ["13812345678", "wang@example.cn"]
[dictionaries.photos]
values = ["${photo_ids[0]}", "${photo_ids[1]}", "${photo_ids[2]}"]

# The checks this layer runs: the server's errors, the statuses and bodies the document
# gives, and what it must refuse; the others off. Set here rather than with --checks, which
# would override the one operation below.
[checks]
content_type_conformance.enabled = false
response_headers_conformance.enabled = false
positive_data_acceptance.enabled = false
missing_required_header.enabled = false
unsupported_method.enabled = false
allow_header_conformance.enabled = false
use_after_free.enabled = false
ensure_resource_availability.enabled = false
ignored_auth.enabled = false
object_level_authorization.enabled = false

# An import's body is a file as it is: every byte string is one (a header of unknown columns,
# a row too short), and its problems come back by line in a 200, as the archive promises.
# There is no body to reject as not of the document's type, so that one check is off there.
[[operations]]
include-path = "/api/v1/staff/products/import"
checks.negative_data_rejection.enabled = false

[parameters]
"path.reference" = { dictionary = "references", probability = 0.8 }
"query.contact" = { dictionary = "contacts", probability = 0.8 }
"body.contact" = { dictionary = "contacts", probability = 0.8 }
"path.photo" = { dictionary = "photos", probability = 0.8 }
TOML

mkdir -p target/schemathesis
rm -f target/schemathesis/junit.xml
say "schemathesis $SCHEMATHESIS_VERSION against $base ($examples examples per operation)"
started=$SECONDS
status=0
# Signing out would end the session the other staff operations run under.
# From the temporary folder, where Schemathesis leaves its cache.
# A request may take 5 s: every answer here takes well under one, and the desk's live stream
# (GET /api/v1/staff/stream), which never ends, is read until then on each of its examples
# (at 20 s it was six of the layer's seven minutes).
# One worker: with two threads, Python 3.11's ast.parse (which Hypothesis calls to describe its
# strategies) can fail inside CPython ("AST constructor recursion depth mismatch"), an error
# of the fuzzer's own that would fail the run for nothing the server did.
(cd "$work" && "$SCHEMATHESIS_VENV/bin/schemathesis" --no-color --config-file schemathesis.toml \
  run "$base/api/v1/openapi.json" \
  --url "$base" \
  --max-examples "$examples" \
  --phases examples,coverage,fuzzing \
  --exclude-operation-id sign_out \
  --header "Origin: $base" --header "Sec-Fetch-Site: same-origin" \
  --workers 1 --seed "${SCHEMATHESIS_SEED:-16}" --request-timeout 5 \
  --report junit --report-junit-path "$ROOT/target/schemathesis/junit.xml") \
  || status=$?
echo "schemathesis took $((SECONDS - started)) s"

if grep -q '"level":"ERROR"' target/schemathesis-server.log; then
  echo "the server logged errors (target/schemathesis-server.log):"
  grep '"level":"ERROR"' target/schemathesis-server.log | head -5
  status=1
fi

# Operations passed and failed, from the JUnit report.
read -r passed failed < <(python3 - target/schemathesis/junit.xml <<'PY' 2>/dev/null || echo "0 1"
import sys, xml.etree.ElementTree as ET
cases = list(ET.parse(sys.argv[1]).getroot().iter("testcase"))
bad = sum(1 for c in cases if c.find("failure") is not None or c.find("error") is not None)
print(len(cases) - bad, bad)
PY
)
[ "$status" -eq 0 ] || [ "$failed" -gt 0 ] || failed=1
echo "schemathesis: $passed passed, $failed failed"
exit "$status"
