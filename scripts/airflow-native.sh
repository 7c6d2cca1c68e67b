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

# Compose hands over .env's sign-in as ETL_AIRFLOW_USERNAME/PASSWORD (natively the CLI sets these settings
# itself): then only that user, an admin, signs in. The password goes to a 600 file the simple auth manager
# reads, and leaves the environment of Airflow's processes.
if [ -n "${ETL_AIRFLOW_USERNAME:-}" ] && [ -n "${ETL_AIRFLOW_PASSWORD:-}" ]; then
  if ! [[ "$ETL_AIRFLOW_USERNAME" =~ ^[A-Za-z0-9._-]+$ ]]; then
    echo "error: AIRFLOW_USERNAME in .env is not a plain user name: use letters, digits, '.', '_' and '-'" >&2
    exit 2
  fi
  passwords="$AIRFLOW_HOME/simple_auth_manager_passwords.json"
  (umask 077 && python -c 'import json, os, sys
json.dump({os.environ["ETL_AIRFLOW_USERNAME"]: os.environ["ETL_AIRFLOW_PASSWORD"]}, sys.stdout)' >"$passwords")
  export AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_ALL_ADMINS=False \
    AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS="$ETL_AIRFLOW_USERNAME:admin" \
    AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE="$passwords"
fi
unset ETL_AIRFLOW_PASSWORD

airflow db migrate
# Scheduler, DAG processor and API server under one supervisor (stdlib only; -I: nothing of the checkout on its
# path): one that dies is named and started again, one that keeps dying stops Airflow (src/etl/airflow_supervisor.py).
exec python -I "$ETL_PROJECT_ROOT/src/etl/airflow_supervisor.py"
