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
