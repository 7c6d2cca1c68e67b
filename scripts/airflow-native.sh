#!/usr/bin/env bash
# Native Airflow for `etl up --with airflow`: the parts of `airflow standalone` a
# single machine needs (metadata DB, scheduler, DAG processor, API server + UI).
# The log-serving processes standalone adds listen on every interface, so they are
# left out: with the LocalExecutor the UI reads task logs from the local files.
# Configuration arrives through AIRFLOW__* variables set by the CLI.
set -euo pipefail
airflow db migrate
airflow scheduler --skip-serve-logs &
airflow dag-processor &
exec airflow api-server --host "$AIRFLOW__API__HOST" --port "$AIRFLOW__API__PORT"
