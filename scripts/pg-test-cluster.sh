#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for tests and benchmarks, on 127.0.0.1 only.
#
#   scripts/pg-test-cluster.sh start DIR [PORT]   initdb DIR, start it, create database turnstate;
#                                                 prints the connection URL on stdout (also in DIR/url)
#   scripts/pg-test-cluster.sh stop DIR           stop it (the caller removes DIR)
#
# PostgreSQL refuses to run as root: as root the cluster belongs to the `postgres` system user
# (created when missing). The port defaults to 55432; when it is taken the next free one up to
# 55452 is used. Exits 3 when no PostgreSQL server binaries are installed.
set -euo pipefail

find_bindir() {
  if command -v pg_config >/dev/null 2>&1 && [ -x "$(pg_config --bindir)/initdb" ]; then pg_config --bindir; return; fi
  local dir
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [ -x "$dir/initdb" ]; then echo "$dir"; return; fi
  done
  if command -v initdb >/dev/null 2>&1; then dirname "$(command -v initdb)"; return; fi
  return 1
}

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

cmd="${1:-}"
dir="${2:-}"
[ -n "$cmd" ] && [ -n "$dir" ] || { echo "usage: $0 start|stop DIR [PORT]" >&2; exit 2; }
bindir="$(find_bindir)" || { echo "no PostgreSQL server binaries (install Debian's postgresql package)" >&2; exit 3; }

as_owner=()
if [ "$(id -u)" = "0" ]; then
  if ! id postgres >/dev/null 2>&1; then useradd --system --no-create-home --shell /usr/sbin/nologin postgres; fi
  as_owner=(runuser -u postgres --)
fi

case "$cmd" in
  start)
    mkdir -p "$dir"
    if [ "$(id -u)" = "0" ]; then
      chown postgres "$dir"
      runuser -u postgres -- test -x "$dir" || { echo "the postgres user cannot reach $dir (make its parent directories traversable)" >&2; exit 1; }
    fi
    port="${3:-${TURNSTATE_PG_PORT:-55432}}"
    last=$((port + 20))
    while ! port_free "$port"; do
      port=$((port + 1))
      [ "$port" -le "$last" ] || { echo "no free port near 55432" >&2; exit 4; }
    done
    user="$("${as_owner[@]}" id -un)"
    "${as_owner[@]}" "$bindir/initdb" -D "$dir/data" -U "$user" --auth=trust -E UTF8 --locale=C >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; exit 1; }
    "${as_owner[@]}" "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
      -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c max_connections=200" start >/dev/null \
      || { cat "$dir/server.log" >&2; exit 1; }
    "${as_owner[@]}" "$bindir/createdb" -h 127.0.0.1 -p "$port" -U "$user" turnstate
    url="postgres://$user@127.0.0.1:$port/turnstate"
    echo "$url" >"$dir/url"
    echo "$url"
    ;;
  stop)
    [ -d "$dir/data" ] || exit 0
    "${as_owner[@]}" "$bindir/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
    ;;
  *)
    echo "usage: $0 start|stop DIR [PORT]" >&2
    exit 2
    ;;
esac
