#!/usr/bin/env bash
# Intake-server throughput: request creations per second and p99 latency with wrk on
# 127.0.0.1 against the release server and a fresh SQLite file. Budget: >= 2,000/s, p99 <= 50 ms.
# Usage: scripts/bench-server.sh [seconds] [connections]
source "$(dirname "$0")/lib.sh"
seconds="${1:-10}"; connections="${2:-32}"
command -v wrk >/dev/null || { say "installing wrk"; apt-get install -y -qq wrk; }
cargo build --release -p shouhou-server -q
dir=$(mktemp -d); port_file="$dir/out"
mkdir -p "$dir/dist" && echo '<!doctype html><title>bench</title>' > "$dir/dist/index.html"
target/release/shouhou-server --addr 127.0.0.1:0 --db "$dir/db.sqlite3" --dist "$dir/dist" \
  --config static/config.json > "$port_file" 2>/dev/null &
server=$!
trap 'kill $server 2>/dev/null; rm -rf "$dir"' EXIT
for _ in $(seq 50); do grep -q listening "$port_file" && break; sleep 0.1; done
url=$(grep -o 'http://127.0.0.1:[0-9]*' "$port_file")
wrk -t2 -c"$connections" -d"${seconds}s" --latency -s tests/bench/create.lua "$url"
rows=$(python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("select count(*) from requests").fetchone()[0])' "$dir/db.sqlite3")
echo "rows stored in SQLite: $rows"
