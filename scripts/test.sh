#!/usr/bin/env bash
# Every test: type check, lint, unit tests, the stack lifecycle test, then the integration
# tests (TypeScript and Python) against the real native stack.
source "$(dirname "$0")/bootstrap.sh"

# The runtimes, and the tools only the tests use (code-server, Chromium: the VS Code tests).
etl setup --tests
npm run -s typecheck
npm run -s lint
npm run -s test:unit
# Brings the stack up and down itself: lifecycle, error cases, no leftovers.
npm run -s test:lifecycle

trap 'etl down' EXIT
# Airflow's tasks write their manifest and logs to a scratch folder, not the checkout's,
# and a failing task fails at once instead of retrying for minutes. `dev`: the dev session of `etl preview`
# (its warm-up overlaps the others' start-up).
scratch="$(mktemp -d)"
ETL_BACKUP_DIR="$scratch/backup" ETL_LOG_DIR="$scratch/logs" ETL_DAG_RETRIES=0 etl up --with elasticsearch,airflow,dev
npm run -s test:integration
# "The team's cluster": a second native stack (own state folder, 24xxx ports, MinIO over TLS with a CA the
# test makes) reached through a profile; it starts and downs that stack itself, starts nothing in ours.
npm run -s test:profiles
# Benchmark smoke run at a tiny size: the Runs view's first paint (core join) beside its floor.
npm run -s bench:runs -- --runs 20
# Smoke run of the log shipper benchmark (completes and prints its ratio; no timing asserted).
npm run -s bench:logs -- --lines 500 --latency-lines 50 --rate 50
# The extension inside a real VS Code (code-server) and as a user through headless Chromium.
npm run -s test:vscode
"$(etl which python)" -m pytest -q
# Every benchmark once at a tiny size, so none can rot: a smoke run that completes and prints its
# ratios (no timing assertion; real figures: docs/performance.md). Scratch buckets, removed after.
PYTHONPATH=src "$(etl which python)" scripts/bench_extract.py --files 2 --size-mb 5
PYTHONPATH=src "$(etl which python)" scripts/bench_transform.py --rows 20000
PYTHONPATH=src "$(etl which python)" scripts/bench_sample.py
PYTHONPATH=src "$(etl which python)" scripts/bench_preview.py --smoke
npm run -s bench:extension -- --objects 500
# The DAG, in Airflow's own venv: structure, then `airflow dags test` against the stack.
ETL_PYTHON="$(etl which python)" "$(dirname "$(etl which airflow)")/python" -m pytest -q tests/airflow
# Gold tables benchmark at a tiny size (smoke run while the native stack is up: it runs and prints its ratios).
npm run -s bench:gold -- --rows 20000
# The TLS-profile benchmark at its smallest (one round: the sample month on our stack, then through a TLS
# profile on a second stack it brings up and down on 24xxx ports); prints the ratio, asserts no time.
ROUNDS=1 bash scripts/bench_profiles.sh

# The compose stack on a real Docker engine, after the native stack is down (its ports free).
# `etl up --mode compose` provisions what is missing first: as root on Debian with no engine
# answering, it installs docker.io and starts dockerd, builds compose v2 from the Go module
# proxy, and makes the Debian base image with debootstrap. Image layers stay cached between runs.
# The tests use their own project (etl-spark-test) and ports (29xxx), and take it down themselves.
etl down
trap - EXIT
npm run -s test:compose
# The extension in compose mode (its own suite): Start Stack shows the containers healthy, Extract and
# Transform run in the etl runner, Stop Stack leaves no container.
npm run -s test:vscode -- --mode compose
# Stop Stack keeps the named volumes, as a user expects; the tests leave none behind.
etl down --mode compose --volumes
