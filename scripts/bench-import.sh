#!/usr/bin/env bash
# The product archive's import at scale: a CSV of N units (1,000,000 by default) checked
# (dry run) and imported through POST /api/v1/staff/products/import by a signed-in lead,
# against the release server on a fresh store; prints each pass's time. Budget: 1,000,000
# rows in <= 60 s.
#   scripts/bench-import.sh [rows]               a fresh SQLite file
#   scripts/bench-import.sh --postgres [rows]    a fresh database in a throwaway cluster
source "$(dirname "$0")/lib.sh"
store=sqlite
if [ "${1:-}" = --postgres ]; then store=postgres; shift; fi
rows="${1:-1000000}"
if [ "$store" = postgres ] && [ -z "${SHOUHOU_BENCH_CLUSTER:-}" ]; then
  SHOUHOU_BENCH_CLUSTER=1 exec "$ROOT/scripts/with-postgres.sh" "$0" --postgres "$rows"
fi
cargo build --release -p shouhou-server -q
dir=$(mktemp -d)
mkdir -p "$dir/dist" && echo '<!doctype html><title>bench</title>' > "$dir/dist/index.html"
db="$dir/db.sqlite3"; [ "$store" = sqlite ] || db="$DATABASE_URL"
server=""
trap '[ -n "$server" ] && kill "$server" 2>/dev/null; wait 2>/dev/null; rm -rf "$dir"' EXIT

# Units of every line, dates and owners as a lead's export has them.
python3 - "$rows" "$dir/units.csv" <<'PY'
import sys, random
n, path = int(sys.argv[1]), sys.argv[2]
lines = ["inverter", "appliance", "network", "bank-terminal", "property"]
models = {"inverter": ["ACS580", "MD500"], "appliance": ["BCD-470", "KFR-35"], "network": ["S5735", "AC6508"],
          "bank-terminal": ["GT-2000", "ATM-9"], "property": ["Block A", "Block B"]}
random.seed(7)
with open(path, "w", encoding="utf-8") as out:
    out.write("serial_number,product_line,model,configuration,produced_on,delivered_on,warranty_months,owner\n")
    for i in range(n):
        line = lines[i % len(lines)]
        year, month, day = 2020 + i % 6, 1 + i % 12, 1 + i % 28
        out.write(f"SN{i:09d},{line},{random.choice(models[line])},标准配置 {i % 7},"
                  f"{year}-{month:02d}-{day:02d},{year}-{month:02d}-{min(day + 1, 28):02d},{12 + i % 3 * 12},某某分公司 {i % 500}\n")
PY
echo "CSV: $rows rows, $(du -h "$dir/units.csv" | cut -f1)"

echo bench-import-password | target/release/shouhou-server staff add bench --role lead --db "$db" >/dev/null
target/release/shouhou-server --addr 127.0.0.1:0 --db "$db" --dist "$dir/dist" --config static/config.json \
  > "$dir/out" 2>"$dir/err" &
server=$!
for _ in $(seq 100); do grep -q listening "$dir/out" && break; sleep 0.1; done
url=$(grep -o 'http://127.0.0.1:[0-9]*' "$dir/out") || { cat "$dir/err" >&2; exit 1; }
curl -sf -c "$dir/cookies" -H 'Content-Type: application/json' -H "Origin: $url" \
  -d '{"login":"bench","password":"bench-import-password"}' "$url/api/v1/staff/session" >/dev/null

import() {  # $1: dry_run true|false
  curl -sS -b "$dir/cookies" -H "Origin: $url" -H 'Content-Type: text/csv' --data-binary @"$dir/units.csv" \
    -o "$dir/answer" -w '%{http_code} %{time_total}\n' "$url/api/v1/staff/products/import?dry_run=$1"
}
for pass in "dry run:true" "import:false" "dry run on the imported:true" "import again (all updates):false"; do
  read -r code seconds < <(import "${pass##*:}")
  summary=$(python3 -c 'import json,sys; a=json.load(open(sys.argv[1])); print("rows %d, imported %d, updated %d, errors %d" % (a["rows"], a["imported"], a["updated"], len(a["errors"])))' "$dir/answer" 2>/dev/null || head -c 300 "$dir/answer")
  printf '%-40s HTTP %s  %7.2f s  %s\n' "${pass%%:*} ($store)" "$code" "$seconds" "$summary"
done
echo "server's peak memory: $(grep VmHWM /proc/$server/status | awk '{print $2/1024 " MB"}')"
