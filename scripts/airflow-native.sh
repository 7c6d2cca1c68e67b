#!/usr/bin/env bash
# Native Airflow for `etl up --with airflow`: the parts of `airflow standalone` a
# single machine needs (metadata DB, scheduler, DAG processor, API server + UI).
# The log-serving processes standalone adds listen on every interface, so they are
# left out: with the LocalExecutor the UI reads task logs from the local files.
# Configuration arrives through AIRFLOW__* variables set by the CLI.
set -euo pipefail

# The OpenLineage provider's events: files in ETL_AIRFLOW_LINEAGE_DIR (beside the transform's), and the lineage
# server too when OPENLINEAGE_URL is set, in the transport the transform uses (etl.lineage.emitter, run with the
# ETL's python); an AIRFLOW__OPENLINEAGE__TRANSPORT given by the user wins. A folder that cannot be made leaves
# Airflow without lineage events, never without Airflow.
if [ -z "${AIRFLOW__OPENLINEAGE__TRANSPORT:-}" ] && [ -n "${ETL_AIRFLOW_LINEAGE_DIR:-}" ]; then
  if mkdir -p "$ETL_AIRFLOW_LINEAGE_DIR" && AIRFLOW__OPENLINEAGE__TRANSPORT="$(
    PYTHONPATH="$ETL_PROJECT_ROOT/src" "$ETL_PYTHON" -c '
import json, os, pathlib
from etl.lineage.emitter import transport_config
print(json.dumps(transport_config("etl_pipeline", pathlib.Path(os.environ["ETL_AIRFLOW_LINEAGE_DIR"]),
                                  os.environ.get("OPENLINEAGE_URL"), os.environ.get("OPENLINEAGE_API_KEY"))))')"; then
    export AIRFLOW__OPENLINEAGE__TRANSPORT
  else
    echo "warning: no lineage transport for $ETL_AIRFLOW_LINEAGE_DIR: the DAG's lineage events are off" >&2
    export AIRFLOW__OPENLINEAGE__DISABLED=true
  fi
fi

airflow db migrate
airflow scheduler --skip-serve-logs &
airflow dag-processor &
exec airflow api-server --host "$AIRFLOW__API__HOST" --port "$AIRFLOW__API__PORT"
