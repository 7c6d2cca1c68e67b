"""clean_and_transform on the real stack: sample extracted into a test rawzone bucket,
spark-submitted to the standalone master (2 workers), gold written to a test bucket.
Checks rule counts, star-schema integrity, every table a Delta table, idempotent reruns,
and a corrupt input file. Buckets are removed at the end.
(Faults during the write - driver killed, MinIO stopped, a worker and its executor killed with a task running -
are cells of the fault matrix: tests/python/faults/test_transform_faults.py.)"""
from __future__ import annotations

import json
import secrets
import subprocess
from pathlib import Path

import pyarrow.compute as pc
import pytest
from support_spark_stack import download, read_table, run_submit, snapshot

from etl.config import PROJECT_ROOT
from etl.delta_snapshot import local_snapshot
from etl.manifest import manifest_path, update_manifest, utc_now

pytestmark = pytest.mark.integration
EXPECTED_REJECTS = {"pickup_outside_month": 80, "dropoff_before_pickup": 120,
                    "non_positive_distance": 400, "negative_amount": 200}
TABLES = ["fact_trips", "mart_daily_zone", "mart_hourly_demand", "quarantine/rejected_trips",
          "dim_zone", "dim_date", "dim_vendor", "dim_rate_code", "dim_payment_type"]
PARTITIONED = {"fact_trips": "pickup", "mart_daily_zone": "pickup", "mart_hourly_demand": "pickup",
               "quarantine/rejected_trips": "source"}


@pytest.fixture(scope="module")
def job_env(published_sample):
    """Environment of etl.submit: the published sample's scratch buckets and private manifest/log/lock folder."""
    return published_sample.env


@pytest.fixture(scope="module")
def gold_bucket(job_env):
    return job_env["GOLD_BUCKET"]


@pytest.fixture(scope="module")
def test_bucket(job_env):
    """The published sample's rawzone (this file's corrupt object goes there)."""
    return job_env["RAWZONE_BUCKET"]


def submit(env, name: str, *args: str):
    return run_submit(env, Path(env["STDERR_DIR"]) / f"{name}.err", *args)


def gold_copy(minio, bucket: str, tmp_path_factory, name: str) -> Path:
    return download(minio, bucket, tmp_path_factory.mktemp(name))


@pytest.fixture(scope="module")
def first_run(published_sample):
    """The publishing run and the gold it wrote (conftest.py: shared with the fault matrix)."""
    return published_sample.first, published_sample.gold_copy


def sorted_fact(root: Path):
    fact = read_table(root, "fact_trips").drop_columns(["source_path"])
    return fact.sort_by([("trip_key", "ascending")])


def test_rule_counts_add_up_to_rows_read(first_run):
    report = first_run[0].report
    assert report["rows_read"] == 40_000
    assert report["rows_read"] == report["rows_kept"] + sum(report["rejected_by_rule"].values())
    assert {k: v for k, v in report["rejected_by_rule"].items() if v} == EXPECTED_REJECTS
    for month in ("2024-01", "2024-02"):
        m = report["months"][month]
        assert m["rows_read"] == 20_000 == m["rows_kept"] + m["rows_rejected"]


def test_gold_tables_partitions_and_report(first_run, minio, gold_bucket):
    run, root = first_run
    for table in TABLES:
        assert (root / table / "_delta_log" / f"{0:020d}.json").exists(), table
    for table, prefix in PARTITIONED.items():  # one replaceWhere commit for the run's two month partitions
        table_snapshot = local_snapshot(root / table)
        months = sorted({int(p[f"{prefix}_month"]) for p in table_snapshot.files.values()})
        assert months == [1, 2], table
        assert table_snapshot.version == 0, table
    stored = json.loads((root / "_quality" / f"{run.report['run_id']}.json").read_text())
    assert stored["rows_kept"] == run.report["rows_kept"] and stored["months"] == run.report["months"]
    assert not [k for k in snapshot(minio, gold_bucket) if "__magic" in k or k.endswith("_SUCCESS")]
    assert read_table(root, "quarantine/rejected_trips").num_rows == run.report["rows_rejected"]


def lineage_events(env, run_id: str) -> list[dict]:
    """The OpenLineage events a transform run left in <backup dir>/lineage, oldest first."""
    events = [json.loads(p.read_text()) for p in (Path(env["ETL_BACKUP_DIR"]) / "lineage").glob("*.json")]
    tagged = [(next(t["value"] for t in e["run"]["facets"]["tags"]["tags"] if t["key"] == "etl.run_id"), e)
              for e in events]
    return sorted((e for tag, e in tagged if tag == run_id), key=lambda e: e["eventTime"])


def etl_lineage(env, target: str) -> dict:
    done = subprocess.run(["node", str(PROJECT_ROOT / "dist" / "cli.js"), "lineage", target, "--json"], env=env,
                          cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_the_run_leaves_openlineage_events_and_etl_lineage_reads_them(first_run, job_env):
    run, _ = first_run
    events = lineage_events(job_env, run.report["run_id"])
    assert [e["eventType"] for e in events] == ["START", "COMPLETE"]
    assert events[0]["run"]["runId"] == events[1]["run"]["runId"]
    trip_files = sorted(run.report["inputs"])
    inputs = {f"s3a://{i['namespace'].removeprefix('s3://')}/{i['name']}" for i in events[1]["inputs"]}
    assert set(trip_files) < inputs and len(inputs) == len(trip_files) + 1  # and the zone table
    assert {o["name"] for o in events[1]["outputs"]} == set(TABLES)
    # The CLI over these events: speed_mph reads exactly its three raw columns, in each trip file of the run.
    trace = etl_lineage(job_env, "fact_trips.speed_mph")["trace"]
    assert {r["field"] for r in trace["raw"]} == {"trip_distance", "tpep_pickup_datetime", "tpep_dropoff_datetime"}
    for raw in trace["raw"]:
        assert sorted(f"s3a://{d['namespace'][5:]}/{d['name']}" for d in raw["datasets"]) == trip_files
    assert trace["code"]["file"] == "src/etl/transform/columns.py"
    line = (PROJECT_ROOT / trace["code"]["file"]).read_text().splitlines()[trace["code"]["line"] - 1]
    assert 'col("speed_mph"' in line
    assert trace["downstream"] == [{"table": "mart_hourly_demand", "column": "avg_speed_mph"}]
    table = etl_lineage(job_env, "fact_trips")["trace"]
    assert table["downstreamTables"] == ["mart_daily_zone", "mart_hourly_demand"]


def commits(table_dir: Path) -> list[list[dict]]:
    return [[json.loads(line) for line in p.read_text().splitlines()]
            for p in sorted((table_dir / "_delta_log").glob("*.json"))]


def test_every_gold_table_is_a_delta_table_whose_commits_name_existing_files(first_run):
    root = first_run[1]
    for table in TABLES:
        for actions in commits(root / table):
            info = next(a["commitInfo"] for a in actions if "commitInfo" in a)
            assert info["operation"] == "WRITE" and info["operationParameters"]["mode"] == "Overwrite", table
            if table in PARTITIONED:  # a month is replaced, never the table
                assert "_month = " in info["operationParameters"]["predicate"], info
        for path in local_snapshot(root / table).paths:
            assert (root / table / path).is_file(), (table, path)


def test_fact_keys_resolve_and_no_duplicates(first_run):
    run, root = first_run
    fact = read_table(root, "fact_trips")
    assert fact.num_rows == run.report["rows_kept"]
    assert pc.count_distinct(fact["trip_key"]).as_py() == fact.num_rows
    dims = {"vendor_id": ("dim_vendor", "vendor_id"), "rate_code_id": ("dim_rate_code", "rate_code_id"),
            "payment_type_id": ("dim_payment_type", "payment_type_id"), "pickup_date_key": ("dim_date", "date_key"),
            "pickup_location_id": ("dim_zone", "location_id"), "dropoff_location_id": ("dim_zone", "location_id")}
    for column, (dim, key) in dims.items():
        missing = set(pc.unique(fact[column]).to_pylist()) - set(read_table(root, dim)[key].to_pylist())
        assert not missing, f"{column} values not in {dim}: {sorted(missing)[:5]}"


def test_rerun_replaces_exactly_those_partitions(first_run, job_env, minio, gold_bucket, tmp_path_factory):
    run = submit(job_env, "rerun", "--run", job_env["EXTRACT_RUN"])
    assert run.returncode == 0, run.stderr[-3000:]
    assert run.report["rejected_by_rule"] == first_run[0].report["rejected_by_rule"]
    root = gold_copy(minio, gold_bucket, tmp_path_factory, "gold-rerun")
    assert sorted_fact(root).equals(sorted_fact(first_run[1]))
    before, after = local_snapshot(first_run[1] / "fact_trips"), local_snapshot(root / "fact_trips")
    assert not set(before.paths) & set(after.paths)  # every month replaced whole, by new files only
    assert after.version == before.version + 1  # one commit replaced both months
    for path in before.paths:  # the superseded files wait for VACUUM, outside the snapshot
        assert (root / "fact_trips" / path).is_file()


def test_corrupt_input_names_the_object_and_leaves_gold_untouched(first_run, job_env, minio, test_bucket, gold_bucket):
    key = "yellow_tripdata/year=2024/month=03/yellow_tripdata_2024-03.parquet"
    data = (PROJECT_ROOT / "Data_extracted" / "yellow_tripdata_2024-01.parquet").read_bytes()[:100_000]  # truncated
    import io

    minio.put_object(test_bucket, key, io.BytesIO(data), len(data))
    run_id, path = f"corrupt-{secrets.token_hex(3)}", f"s3a://{test_bucket}/{key}"
    entry = {"kind": "trips", "month": "2024-03", "path": path, "bucket": test_bucket, "key": key}
    run = {"run_id": run_id, "step": "extract", "status": "succeeded", "started_at": utc_now(), "ended_at": utc_now(),
           "months": ["2024-03"], "files": [entry]}
    update_manifest(manifest_path(job_env["ETL_BACKUP_DIR"]), lambda doc: doc["runs"].append(run))
    before = snapshot(minio, gold_bucket)
    failed = submit(job_env, "corrupt", "--run", run_id)
    assert failed.returncode == 1
    assert path in failed.done["error"] and failed.done["status"] == "failed"
    assert f"etl transform: error: cannot read {path}" in failed.stderr
    assert snapshot(minio, gold_bucket) == before
    # Its lineage events say it failed, and why.
    events = lineage_events(job_env, failed.done["run_id"])
    assert [e["eventType"] for e in events] == ["START", "FAIL"]
    assert path in events[1]["run"]["facets"]["errorMessage"]["message"]
