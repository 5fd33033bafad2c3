#!/usr/bin/env bash
# The fault run of issue 8 §5: `dungeon bench load --processes 2 --faults kill`
# on Postgres and Redis, and while it runs, a restart of Redis and then of
# Postgres. The bench kills -9 one worker a third of the way in and starts it
# again; at the end it checks that every acknowledged action is in the log
# exactly once and that every table replays to the states its workers reported.
#
# It restarts the machine's Redis and Postgres: run it by hand, never in
# `cargo test` or alongside other tests that use those servers.
#
#   scripts/fault-run.sh [--release] [TABLES] [SECONDS]     (defaults: 2000 60)
set -euo pipefail
cd "$(dirname "$0")/.."

profile=debug
if [ "${1:-}" = "--release" ]; then profile=release; shift; fi
tables="${1:-2000}"
seconds="${2:-60}"
database="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test}"
redis="${REDIS_URL:-redis://127.0.0.1:6379}"
bin="target/$profile/dungeon"
[ -x "$bin" ] || { echo "build first: cargo build -p bot $( [ $profile = release ] && echo --release )" >&2; exit 2; }

restart_redis() {
  echo "fault-run: restarting Redis at $(date -u +%T)" >&2
  redis-cli -h 127.0.0.1 -p 6379 shutdown nosave || true
  sleep 1
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log
}

restart_postgres() {
  echo "fault-run: restarting Postgres at $(date -u +%T)" >&2
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -n | tail -1)" main restart
}

# The set-up comes first and takes a while at 2,000 tables; the faults are
# timed from when the workers start (the bench says so on stderr).
log="$(mktemp)"
"$bin" bench load --tables "$tables" --players 5 --rate 1 --duration "$seconds" \
  --processes 2 --faults kill --database "$database" --redis "$redis" 2> >(tee "$log" >&2) &
bench=$!
until grep -q "workers running" "$log" 2>/dev/null; do
  kill -0 "$bench" 2>/dev/null || { wait "$bench"; exit $?; }
  sleep 0.2
done
sleep $((seconds / 2))
restart_redis
sleep $((seconds / 5))
restart_postgres
wait "$bench"
status=$?
rm -f "$log"
exit $status
