"""etl_pipeline: extract one month of NYC TLC trips into rawzone, then spark-submit the
clean_and_transform job that writes the gold star schema.

Paths come from the environment `etl up --with airflow` (or docker compose) gives Airflow:
  ETL_PROJECT_ROOT  the checkout (its src/ holds the `etl` package)
  ETL_PYTHON        the ETL's venv python (PySpark, minio, ecs-logging ...), kept apart
                    from Airflow's own environment so their pins never clash
"""
from __future__ import annotations

import os
import sys
from datetime import datetime, timedelta
from pathlib import Path

from airflow.providers.standard.operators.bash import BashOperator
from airflow.sdk import DAG, Param, get_current_context, task

ETL_ROOT = Path(os.environ.get("ETL_PROJECT_ROOT", Path(__file__).resolve().parents[1]))
ETL_PYTHON = os.environ.get("ETL_PYTHON", sys.executable)
sys.path.insert(0, str(ETL_ROOT / "src"))

from etl.schedule import target_month  # noqa: E402  (needs the path above)

DEFAULT_ARGS = {"retries": 2, "retry_delay": timedelta(minutes=2), "retry_exponential_backoff": True}


@task
def choose_month() -> str:
    """The month param when given, else the run's data interval (see etl.schedule)."""
    context = get_current_context()
    return target_month(context["params"].get("month"), context.get("data_interval_start"))


@task.external_python(task_id="extract", python=ETL_PYTHON, expect_airflow=False)
def extract(month: str, source: str | None, etl_root: str) -> dict:
    """Runs in the ETL's venv: streams the month into rawzone and records it in Backup_data."""
    import sys

    sys.path.insert(0, f"{etl_root}/src")
    from etl.extract import DEFAULT_SOURCE, extract_months

    return extract_months(month, source or DEFAULT_SOURCE).to_dict()


with DAG(
    dag_id="etl_pipeline",
    description="NYC TLC yellow taxi: extract to MinIO rawzone, then Spark clean_and_transform to gold",
    schedule="@monthly",
    start_date=datetime(2024, 1, 1),
    catchup=False,  # no backfill storm when the DAG is first enabled
    max_active_runs=1,  # one extraction per month at a time (the extractor also locks per object)
    default_args=DEFAULT_ARGS,
    params={
        "month": Param(None, type=["null", "string"], pattern=r"^\d{4}-(0[1-9]|1[0-2])$", description="YYYY-MM; empty: the run's month"),
        "source": Param(None, type=["null", "string"], description="URL template with {YYYY} and {MM}; empty: the TLC's"),
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
        },
        append_env=True,
        cwd=str(ETL_ROOT),
    )
    extracted >> clean_and_transform
