#!/usr/bin/env bash
# Runs CMD… against a throwaway PostgreSQL cluster: Debian's packages (installed when missing),
# a temporary folder, a free loopback port, one database, plain text or TLS. Exports DATABASE_URL
# (postgres://shouhou@127.0.0.1:PORT/shouhou), PGPORT/PGHOST for psql and SHOUHOU_TEST_PG_CA (the
# CA of the cluster's certificate), runs the command,
# then stops and removes the cluster whatever happened (trap), and exits with the command's code.
# Usage: scripts/with-postgres.sh cargo test -p shouhou-server --test pg
# SHOUHOU_PG_SETTINGS adds server settings (`-c name=value …`), e.g. the desk benchmark's memory.
# SHOUHOU_PG_KEEP=DIR keeps the cluster in DIR instead: made there the first time, started again
# from it on the next run (its database as the last run left it), stopped but not removed after.
set -euo pipefail
[ "$#" -gt 0 ] || { echo "usage: $0 CMD…" >&2; exit 2; }

say() { printf '\n== %s\n' "$*" >&2; }

# Debian keeps initdb and pg_ctl under /usr/lib/postgresql/<major>/bin, off the PATH.
find_bin() {
  local name="$1" dir
  if command -v "$name" >/dev/null 2>&1; then command -v "$name"; return; fi
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    [ -x "$dir/$name" ] && { echo "$dir/$name"; return; }
  done
  return 1
}

if ! find_bin initdb >/dev/null || ! find_bin pg_ctl >/dev/null; then
  say "installing PostgreSQL (Debian's package)"
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq postgresql >/dev/null
  # The package starts its own cluster on 5432; this script never uses it.
fi
INITDB=$(find_bin initdb); PG_CTL=$(find_bin pg_ctl)
PSQL=$(find_bin psql || true)

# initdb refuses to run as root: the cluster belongs to an unprivileged user. Root runs the
# server as `postgres` (the package's user), made here when the package did not make it.
as_owner=()
if [ "$(id -u)" -eq 0 ]; then
  owner=postgres
  id -u "$owner" >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin "$owner"
  as_owner=(runuser -u "$owner" --)
fi

keep="${SHOUHOU_PG_KEEP:-}"
if [ -n "$keep" ]; then
  mkdir -p "$keep"; dir=$(cd "$keep" && pwd)
else
  dir=$(mktemp -d /tmp/shouhou-pg.XXXXXX)
fi
chmod 755 "$dir"
[ "${#as_owner[@]}" -eq 0 ] || chown "$owner" "$dir"
started=0
# From the cluster's folder: the owner may not be allowed into the caller's (a clone in /root).
as_owner_in_dir() { (cd "$dir" && "${as_owner[@]}" "$@"); }
cleanup() {
  local code=$?
  if [ "$started" = 1 ]; then
    # A kept cluster is shut down cleanly, so that its next start has nothing to recover.
    local mode=immediate; [ -z "$keep" ] || mode=fast
    as_owner_in_dir "$PG_CTL" -D "$dir/data" -m "$mode" -w stop >/dev/null 2>&1 || true
  fi
  [ -n "$keep" ] || rm -rf "$dir"
  exit "$code"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# A free port: bind port 0 and read what the kernel gave (a race with another process taking
# it before PostgreSQL does is possible, so a failed start tries again on another port).
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

if [ ! -d "$dir/data" ]; then
  as_owner_in_dir "$INITDB" -D "$dir/data" -U shouhou --auth=trust -E UTF8 --locale=C.UTF-8 \
    >"$dir/initdb.log" 2>&1 || { rm -rf "$dir/data"; cat "$dir/initdb.log" >&2; exit 1; }
fi

# TLS as well as plain text: a throwaway CA and a certificate for 127.0.0.1 signed by it, so a
# test can connect with sslmode=require and the CA as sslrootcert (SHOUHOU_TEST_PG_CA).
if ! command -v openssl >/dev/null 2>&1; then
  say "installing openssl (Debian's package)"
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq openssl >/dev/null
fi
tls="$dir/tls"
mkdir -p "$tls"
ec=(-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes)
openssl req -x509 "${ec[@]}" -days 2 -subj "/CN=Shouhou test CA" -keyout "$tls/ca.key" -out "$tls/ca.pem" \
  -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null
openssl req -new "${ec[@]}" -subj "/CN=127.0.0.1" -keyout "$tls/server.key" -out "$tls/server.csr" 2>/dev/null
printf 'subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' >"$tls/server.ext"
openssl x509 -req -in "$tls/server.csr" -CA "$tls/ca.pem" -CAkey "$tls/ca.key" -CAcreateserial -days 2 \
  -extfile "$tls/server.ext" -out "$tls/server.pem" 2>/dev/null
chmod 600 "$tls/server.key"
[ "${#as_owner[@]}" -eq 0 ] || chown -R "$owner" "$tls"
export SHOUHOU_TEST_PG_CA="$tls/ca.pem"
for attempt in 1 2 3; do
  port=$(free_port)
  # Loopback only; the socket in the temporary folder, not /var/run/postgresql (root-owned).
  # fsync stays on: the tests rely on what a real deployment does.
  if as_owner_in_dir "$PG_CTL" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
      -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c max_connections=200 -c ssl=on -c ssl_cert_file=$tls/server.pem -c ssl_key_file=$tls/server.key ${SHOUHOU_PG_SETTINGS:-}" start >/dev/null; then
    started=1; break
  fi
  tail -5 "$dir/server.log" >&2 || true
done
[ "$started" = 1 ] || { echo "PostgreSQL did not start" >&2; exit 1; }

export PGHOST=127.0.0.1 PGPORT="$port" PGUSER=shouhou
if [ -n "$PSQL" ]; then
  if [ -z "$("$PSQL" -d postgres -Atc "SELECT 1 FROM pg_database WHERE datname = 'shouhou'")" ]; then
    "$PSQL" -q -d postgres -c 'CREATE DATABASE shouhou' >/dev/null
  fi
else
  # A kept cluster has it already from its first run.
  as_owner_in_dir "$(dirname "$INITDB")/createdb" -h 127.0.0.1 -p "$port" -U shouhou shouhou \
    || [ -n "$keep" ]
fi
export DATABASE_URL="postgres://shouhou@127.0.0.1:$port/shouhou"
say "PostgreSQL $("$PG_CTL" --version | awk '{print $3}') on 127.0.0.1:$port ($DATABASE_URL)"

# Not exec: the trap must still stop the cluster after the command. In the background and
# waited for, because bash runs a trap only once its foreground command ends: a SIGTERM to
# this script (a CI timeout) is passed on to the command and the cluster still removed.
# (Its standard input is /dev/null, as for any background command of a script.)
set +e
"$@" &
child=$!
trap 'kill -TERM "$child" 2>/dev/null; wait "$child"; exit 143' TERM
trap 'kill -INT "$child" 2>/dev/null; wait "$child"; exit 130' INT
wait "$child"
code=$?
set -e
exit "$code"
