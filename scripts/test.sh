#!/usr/bin/env bash
# Every test: the quick tier of `npm run check` (type check, lint, the TypeScript and Python unit tests), then the
# stack lifecycle, the integration suites (TypeScript and Python) against the real native stack, the profiles, a real
# VS Code, every benchmark at a tiny size and the compose stack. The tests live in tests/<language>/<tier>.
source "$(dirname "$0")/bootstrap.sh"

# Each step's wall time, printed as it ends and kept in test-artifacts/test-timings.txt (where CI time goes).
mkdir -p test-artifacts
timings=test-artifacts/test-timings.txt
: >"$timings"
# ETL_TEST_KEEP_GOING=1: a failed step does not stop the others; the failures are listed at the end (exit 1).
failed=()
step() {
  local t0=$SECONDS rc=0
  "$@" || rc=$?
  printf '%5d s  %s%s\n' "$((SECONDS - t0))" "$*" "$([ "$rc" = 0 ] || echo "  FAILED ($rc)")" | tee -a "$timings"
  if [ "$rc" != 0 ]; then
    [ "${ETL_TEST_KEEP_GOING:-}" = 1 ] || exit "$rc"
    failed+=("$*")
  fi
}

# The runtimes, and the tools only the tests use (code-server, Chromium: the VS Code tests).
step etl setup --tests
# The quick tier: type check, lint and the TypeScript unit tests, with the Python unit tests beside them.
step bash scripts/check.sh
# The build once, then one VSIX per platform, each checked for its target and its own DuckDB binding (~15 s).
step npm run -s test:package
# Every webview page with hostile names and values in headless Chromium: nothing from data runs (~10 s).
step npm run -s test:webview
trap 'etl down' EXIT
# Airflow's tasks write their manifest and logs to a scratch folder, not the checkout's,
# and a failing task fails at once instead of retrying for minutes. `dev`: the dev session of `etl preview`
# (its warm-up overlaps the others' start-up).
scratch="$(mktemp -d)"
stack_env=(ETL_BACKUP_DIR="$scratch/backup" ETL_LOG_DIR="$scratch/logs" ETL_DAG_RETRIES=0)
# Brings the stack up and down itself (lifecycle, error cases, no leftovers), and ends with the whole stack up
# (with stack_env, which Airflow keeps): the next `up` only finds it running, so CI starts it once.
step env "${stack_env[@]}" npm run -s test:lifecycle
step env "${stack_env[@]}" node dist/cli.js up --with elasticsearch,airflow,dev
step npm run -s test:integration
# "The team's cluster": a second native stack (own state folder, 24xxx ports, MinIO over TLS with a CA the
# test makes) reached through a profile; it starts and downs that stack itself, starts nothing in ours.
step npm run -s test:profiles
# Benchmark smoke run at a tiny size: the Runs view's first paint (core join) beside its floor.
step npm run -s bench:runs -- --runs 20
# Smoke run of the log shipper benchmark (completes and prints its ratio; no timing asserted).
step npm run -s bench:logs -- --lines 500 --latency-lines 50 --rate 50
# The Python integration tests, then the fault matrix (tests/python/faults: each cell a component × fault × phase;
# its cells join the TypeScript suites' in one table, written at the end), in one pytest session
# before the VS Code suite, whose Stop Stack / Start Stack leaves Airflow down (the Airflow cells need it): they
# share one published sample (tests/python/conftest.py), the integration tests first (they compare with it).
step npm run -s test:faults -- tests/python/integration
# The extension inside a real VS Code (code-server) and as a user through headless Chromium.
step npm run -s test:vscode
# Every benchmark once at a tiny size, so none can rot: a smoke run that completes and prints its
# ratios (no timing assertion; real figures: docs/performance.md). Scratch buckets, removed after.
step env PYTHONPATH=src "$(etl which python)" benchmarks/bench_extract.py --files 2 --size-mb 5
step env PYTHONPATH=src "$(etl which python)" benchmarks/bench_transform.py --rows 20000 --smoke
# bench_preview's smoke runs bench_sample's on the same extraction (one floor, one transform for both).
step env PYTHONPATH=src "$(etl which python)" benchmarks/bench_preview.py --smoke
step env PYTHONPATH=src "$(etl which python)" benchmarks/bench_lineage.py --runs 5 --rounds 1
# The :built variants use the bundle bootstrap.sh made (the plain ones rebuild first, for a user's edit).
step npm run -s bench:extension:built -- --objects 500
# The DAG, in Airflow's own venv: structure, then `airflow dags test` against the stack.
step env ETL_PYTHON="$(etl which python)" "$(dirname "$(etl which airflow)")/python" -m pytest -q tests/airflow
# Gold tables benchmark at a tiny size (smoke run while the native stack is up: it runs and prints its ratios).
step npm run -s bench:gold:built -- --rows 20000
# The TLS-profile benchmark at its smallest (one round: the sample month on our stack, then through a TLS
# profile on a second stack it brings up and down on 24xxx ports); prints the ratio, asserts no time.
step env ROUNDS=1 bash benchmarks/bench_profiles.sh
# Last on the native stack: no secret of .env in any process's arguments, log, manifest, quality report, lineage
# event, test artifact or log line in Elasticsearch, after all the above wrote theirs (the scratch folders too).
step env ETL_AUDIT_DIRS="$scratch/backup:$scratch/logs" npm run -s test:audit

# The compose stack on a real Docker engine, after the native stack is down (its ports free).
# `etl up --mode compose` provisions what is missing first: as root on Debian with no engine
# answering, it installs docker.io and starts dockerd, builds compose v2 from the Go module
# proxy, and makes the Debian base image with debootstrap. Image layers stay cached between runs.
# The tests use their own project (etl-spark-test) and ports (29xxx), and take it down themselves.
# `etl down` of that whole stack, tested (every process gone, every port free).
step npm run -s test:down
etl down >/dev/null 2>&1 || true  # whatever that test found, the compose steps need the native ports free
trap - EXIT
step npm run -s test:compose
# The extension in compose mode (its own suite): Start Stack shows the containers healthy, Extract and
# Transform run in the etl runner, Stop Stack leaves no container.
step npm run -s test:vscode -- --mode compose
# Stop Stack keeps the named volumes, as a user expects; the tests leave none behind.
step etl down --mode compose --volumes
# The fault matrix's one table (docs/reliability.md, test-artifacts/fault-matrix.json) from every suite's cells of
# this run: the Python matrix's, the native log shipper's and the compose containers'.
step env PYTHONPATH=src "$(etl which python)" tests/python/faults/matrix_table.py
if [ "${#failed[@]}" != 0 ]; then
  printf 'error: %d step(s) failed:\n' "${#failed[@]}" >&2
  printf '  %s\n' "${failed[@]}" >&2
  exit 1
fi
