#!/usr/bin/env bash
# Runs every benchmark end to end on one PostgreSQL server and prints everything (also kept in
# $BENCH_LOG). Databases on that server (nothing else there is touched):
#   $BENCH_DATABASE_URL      the seeded database, dropped and re-created   (default …/motcua_bench)
#   …/motcua_bench_cmd       a demo-seeded database for the command benchmark, dropped and re-created
#   …/motcua_bench_pgbench   pgbench's own database (the baseline), re-initialized by pgbench -i
# Environment:
#   BENCH_DATABASE_URL  default postgres://postgres@127.0.0.1:5432/motcua_bench
#   SEED_COUNT          dossiers to generate (default 1000000)
#   BENCH_CLIENTS       concurrent clients of the command benchmark (default 16,64)
#   BENCH_DURATION      seconds per measured command run (default 20)
#   BENCH_QUEUE_RUNS    runs per queue (default 200); BENCH_NAIVE_RUNS for the naive baseline (default 10)
#   COMMANDS_ON_SEED    1 (default): also run the command benchmark on the seeded database, after the queues
#   LOAD_CONNECTIONS    HTTP load: connections (default 64); LOAD_DURATION seconds (default 60);
#                       run with 1 and with 2 API processes (…/motcua_bench_load, dropped and re-created)
#   PGBENCH             pgbench binary (default: pgbench in PATH)
set -euo pipefail
cd "$(dirname "$0")/.."

DB="${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/motcua_bench}"
SERVER="${DB%/*}"
CMD_DB="$SERVER/motcua_bench_cmd"
export BENCH_PGBENCH_URL="$SERVER/motcua_bench_pgbench"
COUNT="${SEED_COUNT:-1000000}"
LOG="${BENCH_LOG:-${TMPDIR:-/tmp}/motcua-bench-$(date +%Y%m%d-%H%M%S).log}"

command -v node >/dev/null || { echo "node (>= 22.18, type stripping) is required" >&2; exit 1; }
command -v "${PGBENCH:-pgbench}" >/dev/null || { echo "pgbench is required (PGBENCH=/path/to/pgbench)" >&2; exit 1; }

run() {
  echo
  echo "=== $* ==="
  node "$@"
}

{
  echo "motcua benchmarks — $(date -u +%Y-%m-%dT%H:%M:%SZ) — $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB"
  echo "node $(node --version); server $SERVER"
  started=$SECONDS
  run bench/seed-dossiers.ts --db "$DB" --count "$COUNT" --recreate
  run bench/queues.ts --db "$DB" --proposed
  run bench/commands.ts --db "$CMD_DB" --recreate --what-if
  if [ "${COMMANDS_ON_SEED:-1}" = "1" ]; then
    run bench/commands.ts --db "$DB"
  fi
  for workers in 1 2; do
    run bench/load.ts --db "$SERVER/postgres" --connections "${LOAD_CONNECTIONS:-64}" \
      --duration "${LOAD_DURATION:-60}" --workers "$workers"
  done
  echo
  echo "all benchmarks done in $((SECONDS - started)) s; log: $LOG"
} 2>&1 | tee "$LOG"
