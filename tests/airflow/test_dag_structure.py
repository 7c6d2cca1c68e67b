"""The etl_pipeline DAG as Airflow parses it (no services needed)."""
from pathlib import Path

import pendulum
import pytest
from airflow.models.dagbag import DagBag
from airflow.providers.standard.operators.bash import BashOperator
from airflow.serialization.serialized_objects import SerializedDAG

DAGS = Path(__file__).resolve().parents[2] / "dags"


def parse_dag():
    """A fresh parse (DagBag imports the file anew), so it sees the environment of the moment."""
    bag = DagBag(dag_folder=str(DAGS), include_examples=False)
    assert bag.import_errors == {}
    return bag.get_dag("etl_pipeline")


@pytest.fixture(scope="module")
def dag():
    return parse_dag()


def test_extract_then_clean_and_transform(dag):
    assert set(dag.task_ids) == {"choose_month", "extract", "clean_and_transform"}
    assert dag.get_task("extract").upstream_task_ids == {"choose_month"}
    assert dag.get_task("clean_and_transform").upstream_task_ids == {"extract"}


def test_monthly_without_catch_up_storm(dag):
    assert dag.timetable.summary == "0 0 1 * *"  # monthly, 00:00 UTC on the 1st
    # A cron trigger without start date: enabling the DAG runs nothing until the next 1st.
    assert type(dag.timetable).__name__ == "CronTriggerTimetable"
    assert dag.start_date is None
    assert dag.catchup is False
    assert dag.max_active_runs == 1


# The first run once the DAG is enabled: what the DAG processor computes at each parse while no scheduled run exists
# (DagModel.calculate_dagrun_date_fields: the serialized DAG's next_dagrun_info(None)), and the scheduler starts when
# its time has come. The timetable reads the clock through airflow.timetables.trigger.utcnow, pinned here.
@pytest.mark.parametrize(("now", "first_run"), [
    ("2026-12-04T02:00:00Z", "2027-01-01"),  # 3 days after a 1st: Airflow's default would run 2026-12-01 at once
    ("2026-12-01T00:03:00Z", "2027-01-01"),  # minutes after a 1st
    ("2026-12-15T12:00:00Z", "2027-01-01"),  # mid-month
    ("2026-12-31T23:59:59Z", "2027-01-01"),  # the eve of a 1st
    ("2027-02-28T06:00:00Z", "2027-03-01"),
])
def test_enabling_waits_for_the_next_1st(dag, monkeypatch, now, first_run):
    now = pendulum.parse(now)
    monkeypatch.setattr("airflow.timetables.trigger.utcnow", lambda: now)
    scheduled = SerializedDAG.from_dict(SerializedDAG.to_dict(dag))  # the DAG as the scheduler reads it
    first = scheduled.next_dagrun_info(None)
    assert first.run_after == first.logical_date == pendulum.parse(first_run), f"enabled at {now}"


# The DAG takes its retries from ETL_DAG_RETRIES (the test stack sets 0), 2 when unset or empty: each case sets
# the variable itself, so the test holds whatever environment runs it.
@pytest.mark.parametrize(("setting", "retries"), [(None, 2), ("", 2), ("0", 0), ("5", 5)])
def test_retries_come_from_etl_dag_retries(monkeypatch, setting, retries):
    if setting is None:
        monkeypatch.delenv("ETL_DAG_RETRIES", raising=False)
    else:
        monkeypatch.setenv("ETL_DAG_RETRIES", setting)
    assert {task.retries for task in parse_dag().tasks} == {retries}


def test_extract_is_a_python_task_in_the_etl_venv(dag):
    extract = dag.get_task("extract")
    assert type(extract).__name__ == "_PythonExternalDecoratedOperator"
    assert str(extract.python).endswith("python")


def test_the_transform_is_a_constant_bash_command_fed_by_environment(dag):
    transform = dag.get_task("clean_and_transform")
    assert isinstance(transform, BashOperator)
    # No template or parameter is spliced into the shell text: values come in as variables.
    assert "{{" not in transform.bash_command
    assert transform.bash_command == '"$ETL_PYTHON" -m etl.submit --run "$ETL_RUN_ID"'
    assert "xcom_pull(task_ids='extract')" in transform.env["ETL_RUN_ID"]


def test_month_and_source_are_parameters(dag):
    assert set(dag.params.keys()) >= {"month", "source"}
    assert dag.params["month"] is None


# `etl trigger --months 2024-01..2024-06` asks Airflow for a backfill (extension/core/airflow/backfill.ts): one
# run per month, independent of each other. Nothing in the DAG may let one month's failure stop the next.
def test_a_failed_month_stops_no_other(dag):
    assert not any(task.depends_on_past for task in dag.tasks)
    assert not any(task.wait_for_downstream for task in dag.tasks)
    assert dag.max_consecutive_failed_dag_runs == 0  # never auto-paused, whatever airflow.cfg says


# The backfill's window (extension/core/airflow/monthRange.ts): month M is the run of logical date 1st of M+2,
# 00:00 UTC; from_date and to_date are the first and last months' own logical dates, both ends included, and
# choose_month turns each logical date back into its month. The same computation Airflow's POST /api/v2/backfills
# makes (models/backfill.py _get_info_list: SerializedDAG.iter_dagrun_infos_between).
def test_the_backfill_window_of_2024_01_to_2024_06(dag):
    from etl.schedule import target_month

    scheduled = SerializedDAG.from_dict(SerializedDAG.to_dict(dag))
    infos = list(scheduled.iter_dagrun_infos_between(pendulum.parse("2024-03-01T00:00:00Z"),
                                                     pendulum.parse("2024-08-01T00:00:00Z")))
    assert [info.logical_date.isoformat() for info in infos] == [
        f"2024-{m:02d}-01T00:00:00+00:00" for m in range(3, 9)
    ]
    assert [target_month(None, info.logical_date) for info in infos] == [f"2024-{m:02d}" for m in range(1, 7)]
