"""etl_pipeline: extract one month of NYC TLC trips into rawzone, then spark-submit the
clean_and_transform job that writes the gold star schema.

Paths come from the environment `etl up --with airflow` (or docker compose) gives Airflow:
  ETL_PROJECT_ROOT  the checkout (its src/ holds the `etl` package)
  ETL_PYTHON        the ETL's venv python (PySpark, minio, ecs-logging ...), kept apart
                    from Airflow's own environment so their pins never clash
  ETL_DAG_RETRIES   retries per task (default 2)
"""
from __future__ import annotations

import os
import sys
from datetime import timedelta
from importlib.util import find_spec
from pathlib import Path

from airflow.providers.standard.operators.bash import BashOperator
from airflow.sdk import DAG, Param, get_current_context, task
from airflow.timetables.trigger import CronTriggerTimetable

ETL_ROOT = Path(os.environ.get("ETL_PROJECT_ROOT", Path(__file__).resolve().parents[1]))
ETL_PYTHON = os.environ.get("ETL_PYTHON", sys.executable)
sys.path.insert(0, str(ETL_ROOT / "src"))

from etl.contract import contract  # noqa: E402  (needs the path above)
from etl.schedule import target_month  # noqa: E402

# ETL_DAG_RETRIES: the test stack sets 0 so a failing run fails at once.
RETRIES = int(os.environ.get("ETL_DAG_RETRIES") or 2)
DEFAULT_ARGS = {"retries": RETRIES, "retry_delay": timedelta(minutes=2), "retry_exponential_backoff": True}
# Airflow's OpenLineage provider sends this DAG's own lineage events; its macros name the task's run, which the
# transform's events carry as their parent (etl.lineage.parent). Without the provider the DAG still runs.
OPENLINEAGE = "macros.OpenLineageProviderPlugin"
PARENT_LINEAGE = {
    "OPENLINEAGE_PARENT_ID": f"{{{{ {OPENLINEAGE}.lineage_parent_id(task_instance) }}}}",
    "OPENLINEAGE_ROOT_PARENT_ID": f"{{{{ {OPENLINEAGE}.lineage_root_parent_id(task_instance) }}}}",
} if find_spec("airflow.providers.openlineage") else {}


@task
def choose_month() -> str:
    """The month param when given, else the latest the TLC has published (see etl.schedule)."""
    context = get_current_context()
    return target_month(context["params"].get("month"), context.get("logical_date"))


@task.external_python(task_id="extract", python=ETL_PYTHON, expect_airflow=False)
def extract(month: str, source: str | None, etl_root: str) -> dict:
    """Runs in the ETL's venv: streams the month into rawzone and records it in Backup_data."""
    import sys

    sys.path.insert(0, f"{etl_root}/src")
    from etl.extract import DEFAULT_SOURCE, extract_months, sample_source

    # "sample": the bundled files, resolved where the task runs (checkout or container).
    template = sample_source() if source == "sample" else source or DEFAULT_SOURCE
    return extract_months(month, template).to_dict()


with DAG(
    dag_id="etl_pipeline",
    description="NYC TLC yellow taxi: extract to MinIO rawzone, then Spark clean_and_transform to gold",
    # At 00:00 UTC on the 1st; catchup=False never backfills past months. No start date, so run_immediately
    # decides the first run: timedelta(0) makes enabling the DAG wait for the next 1st. Airflow's default (False)
    # still runs the last 1st when the DAG is enabled within a tenth of a month after it, ~3 days
    # (CronTriggerTimetable._calc_first_run in airflow/timetables/trigger.py).
    schedule=CronTriggerTimetable("0 0 1 * *", timezone="UTC", run_immediately=timedelta(0)),
    catchup=False,
    max_active_runs=1,  # one extraction per month at a time (the extractor also locks per object)
    # `etl trigger --months` backfills a range, one run per month (its own max_active_runs, 1): a month that fails
    # (a check stopped it) must not stop the others. No task depends_on_past, and no auto-pause after failures
    # whatever [core] max_consecutive_failed_dag_runs_per_dag says (a paused DAG's backfill runs stay queued).
    max_consecutive_failed_dag_runs=0,
    default_args=DEFAULT_ARGS,
    params={
        "month": Param(None, type=["null", "string"], pattern=contract()["month"]["pattern"],
                       description="YYYY-MM; empty: the latest month the TLC has published"),
        "source": Param(None, type=["null", "string"],
                        description="sample (the bundled files) or a URL template with {YYYY} and {MM}; "
                                    "empty: the TLC's"),
    },
    tags=["etl", "spark"],
) as dag:
    month = choose_month()
    extracted = extract(month, "{{ params.source or '' }}", str(ETL_ROOT))
    clean_and_transform = BashOperator(
        task_id="clean_and_transform",
        # A constant command: values reach it as environment variables, never spliced into the shell text.
        bash_command='"$ETL_PYTHON" -m etl.submit --run "$ETL_RUN_ID"',
        env={
            "ETL_PYTHON": ETL_PYTHON,
            "ETL_RUN_ID": "{{ ti.xcom_pull(task_ids='extract')['run_id'] }}",
            "PYTHONPATH": str(ETL_ROOT / "src"),
            **PARENT_LINEAGE,
        },
        append_env=True,
        cwd=str(ETL_ROOT),
    )
    extracted >> clean_and_transform
