"""`airflow dags test etl_pipeline` for one sample month against the real native stack
(MinIO, Spark master + 2 workers): both tasks succeed, gold holds the month, and the lineage events of the DAG
(Airflow's OpenLineage provider) and of the transform are linked."""
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
AIRFLOW = Path(sys.executable).with_name("airflow")
SAMPLE = (ROOT / "Data_extracted").as_uri() + "/yellow_tripdata_{YYYY}-{MM}.parquet"

GOLD_PROBE = """
import json, sys
from minio import Minio
from etl.config import load_settings
from etl.delta_snapshot import s3_snapshot
s = load_settings()
client = Minio(s.minio_endpoint, s.minio_access_key, s.minio_secret_key, secure=False)
snapshot = s3_snapshot(client, s.gold_bucket, sys.argv[1])
print(json.dumps({"version": snapshot.version, "files": snapshot.files}))
"""


def etl_python() -> str:
    python = os.environ.get("ETL_PYTHON")
    assert python, "ETL_PYTHON must name the ETL venv's python (scripts/test.sh sets it)"
    return python


def gold_snapshot(table: str) -> dict:
    """The table's current Delta snapshot (version, data file -> partition values)."""
    out = subprocess.run([etl_python(), "-c", GOLD_PROBE, table], check=True, capture_output=True, text=True,
                         env={**os.environ, "PYTHONPATH": str(ROOT / "src")})
    return json.loads(out.stdout)


def lineage_events(folder: Path) -> list[dict]:
    return [json.loads(line) for file in sorted(folder.glob("*.json")) for line in file.read_text().splitlines()]


@pytest.mark.integration
def test_dags_test_runs_extract_then_transform_and_gold_holds_the_month(tmp_path):
    airflow_lineage = tmp_path / "airflow-lineage"
    airflow_lineage.mkdir()
    env = {**os.environ, "ETL_PROJECT_ROOT": str(ROOT), "ETL_BACKUP_DIR": str(tmp_path / "backup"),
           # Airflow's OpenLineage provider, as scripts/airflow-native.sh configures it.
           "AIRFLOW__OPENLINEAGE__TRANSPORT": json.dumps({"type": "file",
                                                          "log_file_path": str(airflow_lineage / "etl_pipeline")})}
    conf = json.dumps({"month": "2024-01", "source": SAMPLE})
    started = time.monotonic()
    result = subprocess.run([str(AIRFLOW), "dags", "test", "etl_pipeline", "--conf", conf],
                            env=env, capture_output=True, text=True, timeout=1500)
    seconds = time.monotonic() - started
    output = result.stdout + result.stderr
    print(f"airflow dags test took {seconds:.0f} s")
    assert result.returncode == 0, output[-4000:]

    from airflow.models.dagrun import DagRun
    from airflow.utils.session import create_session

    with create_session() as session:
        run = session.query(DagRun).filter(DagRun.dag_id == "etl_pipeline").order_by(DagRun.id.desc()).first()
        states = {ti.task_id: ti.state for ti in run.get_task_instances(session=session)}
        assert run.state == "success", output[-4000:]
    assert states == {"choose_month": "success", "extract": "success", "clean_and_transform": "success"}

    manifest = json.loads((tmp_path / "backup" / "extracted_paths.json").read_text())
    assert [(r["status"], r["months"]) for r in manifest["runs"]] == [("succeeded", ["2024-01"])]

    snapshot = gold_snapshot("fact_trips")  # what a Delta reader sees now, not every file in the folder
    january = [path for path, part in snapshot["files"].items()
               if (part["pickup_year"], part["pickup_month"]) == ("2024", "1")]
    assert january and all(p.startswith("pickup_year=2024/pickup_month=1/") for p in january), snapshot

    # The DAG's own lineage (Airflow's OpenLineage provider) and the transform's, linked: the transform's run names
    # the Airflow task's run as its parent and the DAG run as its root.
    airflow_events = lineage_events(airflow_lineage)
    task = [e for e in airflow_events if e["job"]["name"] == "etl_pipeline.clean_and_transform"]
    assert {e["eventType"] for e in task} >= {"START", "COMPLETE"}, [(e["job"]["name"], e["eventType"])
                                                                     for e in airflow_events]
    dag_run = {e["run"]["runId"] for e in airflow_events if e["job"]["name"] == "etl_pipeline"}
    assert len(dag_run) == 1, airflow_events
    transform = [e for e in lineage_events(tmp_path / "backup" / "lineage")
                 if e["job"]["name"] == "clean_and_transform"]
    assert [e["eventType"] for e in sorted(transform, key=lambda e: e["eventTime"])] == ["START", "COMPLETE"]
    for event in transform:
        parent = event["run"]["facets"]["parent"]
        assert parent["job"]["name"] == "etl_pipeline.clean_and_transform"
        assert parent["run"]["runId"] == task[0]["run"]["runId"]
        assert parent["root"]["job"]["name"] == "etl_pipeline"
        assert {parent["root"]["run"]["runId"]} == dag_run
