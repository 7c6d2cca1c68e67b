"""What the quality report records so the VS Code Runs view can join runs: tables written, the DAG run."""
from __future__ import annotations

from etl.transform.job import Write, airflow_context, tables_written


def test_tables_written_with_the_months_each_replaced():
    writes = [
        Write("fact_trips", months={"2024-02": None, "2024-01": None}),
        Write("mart_daily_zone", months={"2024-03": None}),
        Write("dim_zone", None),
    ]
    assert tables_written(writes) == {"dim_zone": [], "fact_trips": ["2024-01", "2024-02"],
                                      "mart_daily_zone": ["2024-03"]}


def test_a_write_of_several_months_is_labelled_by_its_months():
    assert Write("fact_trips", months={"2024-01": None}).label == "fact_trips 2024-01"
    assert Write("fact_trips", months={"2024-02": None, "2024-01": None}).label == "fact_trips 2024-01, 2024-02"
    twelve = {f"2025-{m:02d}": None for m in range(12, 0, -1)}
    assert Write("fact_trips", months=twelve).label == "fact_trips 2025-01..2025-12 (12 months)"
    assert Write("dim_zone", None).label == "dim_zone"


def test_airflow_context_from_the_bash_operators_variables(monkeypatch):
    monkeypatch.delenv("AIRFLOW_CTX_DAG_RUN_ID", raising=False)
    assert airflow_context() is None
    monkeypatch.setenv("AIRFLOW_CTX_DAG_RUN_ID", "manual__2026-01-01T00:00:00+00:00")
    monkeypatch.setenv("AIRFLOW_CTX_DAG_ID", "etl_pipeline")
    monkeypatch.setenv("AIRFLOW_CTX_TASK_ID", "clean_and_transform")
    monkeypatch.setenv("AIRFLOW_CTX_TRY_NUMBER", "2")
    assert airflow_context() == {"dag_id": "etl_pipeline", "dag_run_id": "manual__2026-01-01T00:00:00+00:00",
                                 "task_id": "clean_and_transform", "try_number": "2"}
