#!/usr/bin/env bash
# The retention schedule at scale (issue 24): fills a fresh store with N requests spread over a
# year (server/examples/bench_fill.rs, as scripts/bench-desk.sh does), starts the release server
# with `privacy.retain_months` at RETAIN months (so the older part of the year is past its
# retention), and times the pass the server makes at start: how long it takes, how many
# requests it erases, the server's memory, and how the desk answers meanwhile (the inbox's
# first page, timed every half second while the pass runs). Then checks the pass against the
# store: every closed request past the cutoff erased, none other.
#   scripts/bench-retention.sh [N] [RETAIN] [sqlite|postgres]   N = 1000000, RETAIN = 6, sqlite
source "$(dirname "$0")/lib.sh"
count="${1:-1000000}"; retain="${2:-6}"; which="${3:-sqlite}"

# PostgreSQL: a throwaway cluster, as scripts/bench-desk.sh makes it.
if [ "$which" = postgres ] && [ -z "${SHOUHOU_BENCH_CLUSTER:-}" ]; then
  SHOUHOU_BENCH_CLUSTER=1 SHOUHOU_PG_SETTINGS="-c shared_buffers=2GB" \
    exec "$ROOT/scripts/with-postgres.sh" "$0" "$count" "$retain" postgres
fi
bench_build_fill

dir=$(mktemp -d)
server=""
trap '[ -z "$server" ] || kill "$server" 2>/dev/null; wait 2>/dev/null; rm -rf "$dir"' EXIT
if [ "$which" = sqlite ]; then db="$dir/retention.sqlite3"; else db="$DATABASE_URL"; fi
python3 -c 'import json,sys; c=json.load(open("static/config.json")); c["privacy"]["retain_months"]=int(sys.argv[1]); json.dump(c, open(sys.argv[2], "w"), ensure_ascii=False)' \
  "$retain" "$dir/config.json"

say "filling $which with $count requests"
fill_start=$(date +%s)
target/release/examples/bench_fill "$db" "$count"
say "filled in $(( $(date +%s) - fill_start )) s"
# The closed requests whose closing is before CUTOFF, erased (1) or not (0), counted by the
# database itself: what the pass is checked against.
closed_sql() {
  local erased; erased=$([ "$2" = 1 ] && echo "IS NOT NULL" || echo "IS NULL")
  echo "SELECT count(*) FROM requests r WHERE r.status = 'closed' AND r.erased_at $erased AND
    (SELECT max(EPOCH) FROM events e WHERE e.request_id = r.id AND e.kind = 'status' AND e.status = 'closed') $1"
}
query() {
  if [ "$which" = sqlite ]; then
    python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone()[0])' \
      "$db" "${1//EPOCH/unixepoch(e.at)}"
  else
    psql -d shouhou -Atc "${1//EPOCH/extract(epoch from e.at::timestamptz)}"
  fi
}
due=$(query "$(closed_sql "< $(date -d "-$retain months" +%s)" 0)")
say "$due closed requests are past $retain months"
[ "$due" -gt 0 ] || { echo "nothing is past the cutoff: fill more, or retain fewer months" >&2; exit 1; }

bench_add_lead "$db"
start_ms=$(date +%s%3N)
# The server's cutoff: its start, less the months (its pass begins within a second or two).
cutoff=$(date -d "$(date -d "@$(( start_ms / 1000 ))" '+%F %T') $retain months ago" +%s)
bench_serve "$dir" "$db" "$dir/config.json"

# The desk while the pass runs: the inbox's first page every half second, and the server's
# memory, until the pass says it is done.
: > "$dir/inbox"; peak=0
while ! grep -q 'personal data of closed requests erased\|retention pass failed' "$dir/err"; do
  curl -s -o /dev/null -w '%{time_total}\n' -b "$dir/cookie" "$url/api/v1/staff/requests" >> "$dir/inbox"
  rss=$(awk '/VmRSS/ { print $2 }' "/proc/$server/status")
  [ "$rss" -gt "$peak" ] && peak=$rss
  kill -0 "$server" 2>/dev/null || { cat "$dir/err" >&2; exit 1; }
  sleep 0.5
done
done_ms=$(date +%s%3N)
grep -q 'retention pass failed' "$dir/err" && { grep 'retention' "$dir/err" >&2; exit 1; }
erased=$(grep -o '"erased":[0-9]*' "$dir/err" | head -1 | cut -d: -f2)
# Nothing closed before the server's cutoff is left, and nothing closed well after it (a
# minute's slack for when the pass began) was erased.
left=$(query "$(closed_sql "< $cutoff" 0)")
wrong=$(query "$(closed_sql "> $(( cutoff + 60 ))" 1)")

echo
echo "### retention on $which: $count requests, retain_months $retain"
echo
echo "- closed past the cutoff before the pass: $due; erased by the pass: $erased; left after: $left; erased though closed after the cutoff: $wrong"
awk -v ms=$(( done_ms - start_ms )) -v peak="$peak" -v n="$(wc -l < "$dir/inbox")" 'BEGIN {
  printf "- the pass: %.1f s from the server'"'"'s start (its log line), server memory at most %.0f MB\n", ms / 1000, peak / 1024 }'
sort -n "$dir/inbox" | awk '{ t[NR] = $1 * 1000 } END {
  if (NR == 0) { print "- the desk meanwhile: the pass ended before the first inbox call"; exit }
  printf "- the desk meanwhile (inbox, first page, %d calls): p50 %.1f ms, p95 %.1f ms, max %.1f ms\n",
    NR, t[int((NR + 1) / 2)], t[int(NR * 0.95 + 0.5)], t[NR] }'
[ "$left" = 0 ] && [ "$wrong" = 0 ] || { echo "the pass did not erase exactly the requests past the cutoff" >&2; exit 1; }
