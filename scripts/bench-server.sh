#!/usr/bin/env bash
# Intake-server throughput: request creations per second and p99 latency with wrk on
# 127.0.0.1 against the release server. Budget (ENGINEERING.md): >= 5,000/s, p99 <= 50 ms.
#   scripts/bench-server.sh [seconds] [connections]                 one server, a fresh SQLite file
#   scripts/bench-server.sh --postgres [--instances N] [s] [c]      N servers (1 by default) on one
#       fresh PostgreSQL database in a throwaway cluster (scripts/with-postgres.sh); the
#       connections are split evenly, one wrk per server, and their counts added up (p99 is the
#       worst of the servers').
source "$(dirname "$0")/lib.sh"
store=sqlite; instances=1
while [ "$#" -gt 0 ]; do
  case "$1" in
    --postgres) store=postgres; shift ;;
    --instances) instances="$2"; shift 2 ;;
    *) break ;;
  esac
done
seconds="${1:-10}"; connections="${2:-32}"
if [ "$store" = sqlite ] && [ "$instances" != 1 ]; then
  echo "several instances need --postgres: one SQLite file has one writer" >&2; exit 2
fi
# Never a database that DATABASE_URL may name outside this script: always a throwaway one.
if [ "$store" = postgres ] && [ -z "${SHOUHOU_BENCH_CLUSTER:-}" ]; then
  SHOUHOU_BENCH_CLUSTER=1 exec "$ROOT/scripts/with-postgres.sh" "$0" --postgres \
    --instances "$instances" "$seconds" "$connections"
fi
command -v wrk >/dev/null || { say "installing wrk"; apt_install wrk; }
cargo build --release -p shouhou-server -q
dir=$(mktemp -d)
mkdir -p "$dir/dist" && echo '<!doctype html><title>bench</title>' > "$dir/dist/index.html"
db="$dir/db.sqlite3"; [ "$store" = sqlite ] || db="$DATABASE_URL"
servers=()
trap 'kill "${servers[@]}" 2>/dev/null; wait 2>/dev/null; rm -rf "$dir"' EXIT
# wrk is one client from one address: the per-client create limit would answer it 429 after
# the first twenty, and more connections than a client may hold would be closed, so the bench
# measures storing, not refusing.
for i in $(seq "$instances"); do
  SHOUHOU_LIMIT_CREATE=100000000:100000000 target/release/shouhou-server --addr 127.0.0.1:0 --db "$db" --dist "$dir/dist" \
    --max-connections-per-client "$connections" \
    --config static/config.json > "$dir/out-$i" 2>"$dir/err-$i" &
  servers+=($!)
done
urls=()
for i in $(seq "$instances"); do
  for _ in $(seq 100); do grep -q listening "$dir/out-$i" && break; sleep 0.1; done
  url=$(grep -o 'http://127.0.0.1:[0-9]*' "$dir/out-$i") || { cat "$dir/err-$i" >&2; exit 1; }
  urls+=("$url")
done

# What one server spends per create, less noisy than the rate on a shared machine: CPU time
# (user + system) of the whole process and of its one writer thread (SQLite's, which every
# create goes through in turn, so its time per create caps the rate), and bytes written to
# files (/proc/<pid>/io).
cpu_ticks() { awk '{ print $14 + $15 }' "$1/stat"; }
writer_of() { { grep -l '^shouhou-writer$' /proc/"$1"/task/*/comm 2>/dev/null || true; } | head -1 | xargs -r dirname; }
# Bytes the process wrote to files, temporary ones included (whether or not they were deleted
# before reaching the disk).
written() { awk '/^write_bytes/ { print $2 }' "/proc/$1/io"; }
writer=""
if [ "$store" = sqlite ]; then
  writer=$(writer_of "${servers[0]}")
  [ -n "$writer" ] || echo "the server's writer thread was not found: no per-create figures" >&2
fi
if [ -n "$writer" ]; then
  before=("$(cpu_ticks "/proc/${servers[0]}")" "$(cpu_ticks "$writer")" "$(written "${servers[0]}")")
fi

if [ "$instances" = 1 ]; then
  wrk -t2 -c"$connections" -d"${seconds}s" --latency -s tests/bench/create.lua "${urls[0]}" | tee "$dir/wrk-1"
else
  # One wrk per server, each with its own key prefix (create.lua's is the time and thread
  # number, which two wrk started in the same second would share, turning creates into replays).
  wrks=()
  for i in $(seq "$instances"); do
    sed "s/\"bench-%d-%d-\"/\"bench-%d-$i-%d-\"/" tests/bench/create.lua > "$dir/create-$i.lua"
    grep -q "bench-%d-$i-%d-" "$dir/create-$i.lua" || { echo "create.lua's key prefix changed" >&2; exit 1; }
    wrk -t1 -c"$((connections / instances))" -d"${seconds}s" --latency -s "$dir/create-$i.lua" \
      "${urls[$((i - 1))]}" > "$dir/wrk-$i" &
    wrks+=($!)
  done
  wait "${wrks[@]}"
  for i in $(seq "$instances"); do echo "-- server $i (${urls[$((i - 1))]})"; cat "$dir/wrk-$i"; done
fi
# created/s added up over the servers, p99 the worst of them.
cat "$dir"/wrk-* | awk -v store="$store" -v n="$instances" '/^created\/s:/ { rate += $2; if ($7 > p99) p99 = $7; errors += $10 + $12 }
  END { printf "TOTAL %s x%d: created/s: %.0f   p99: %.2f ms   errors: %d\n", store, n, rate, p99, errors }'

if [ "$store" = sqlite ]; then
  rows=$(python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("select count(*) from requests").fetchone()[0])' "$db")
  echo "rows stored in SQLite: $rows"
else
  echo "rows stored in PostgreSQL: $(psql -d shouhou -Atc 'select count(*) from requests')"
fi
if [ -n "$writer" ]; then
  after=("$(cpu_ticks "/proc/${servers[0]}")" "$(cpu_ticks "$writer")" "$(written "${servers[0]}")")
  awk -v rows="$rows" -v hz="$(getconf CLK_TCK)" -v s0="${before[0]}" -v w0="${before[1]}" -v b0="${before[2]}" \
    -v s1="${after[0]}" -v w1="${after[1]}" -v b1="${after[2]}" 'BEGIN { if (rows > 0)
      printf "per create: server CPU %.0f us, writer thread %.0f us (caps the rate at %.0f/s), %.1f KB written\n",
        (s1 - s0) * 1e6 / hz / rows, (w1 - w0) * 1e6 / hz / rows, rows * hz / ((w1 - w0) > 0 ? (w1 - w0) : 1), (b1 - b0) / rows / 1000 }'
fi
