#!/usr/bin/env bash
# Builds everything and serves Shouhou at http://127.0.0.1:8080 (SQLite in data/).
# Extra arguments go to the server, e.g. scripts/run.sh --addr 127.0.0.1:9000 --db /tmp/s.sqlite3
source "$(dirname "$0")/lib.sh"
"$ROOT/scripts/build-app.sh"
"$ROOT/scripts/build-desk.sh"
"$ROOT/scripts/build-field.sh"
say "building the intake server (release)"
cargo build --release -p shouhou-server
exec target/release/shouhou-server --dist dist --config static/config.json "$@"
