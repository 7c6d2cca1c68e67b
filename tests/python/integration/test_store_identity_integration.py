"""The store marker and the runs' stores against the REAL MinIO of load_settings() (the stack must be up).

The native and compose stacks share the manifest but not MinIO: each extraction records the store it went to
(the id in rawzone's _etl/store.json), and a transform leaves out the runs of another store instead of failing
on their first object with NoSuchKey."""
from __future__ import annotations

import json
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest
from minio.error import S3Error
from support_buckets import temporary_bucket
from support_cli import run_cli
from support_rawzone import FOREIGN_RUN

from etl.config import PROJECT_ROOT
from etl.manifest import load_manifest, manifest_path, update_manifest
from etl.store_identity import MARKER_KEY, ensure_store_id, read_store_id
from etl.transform import sources, stores
from etl.transform.errors import ForeignStoreError
from etl.transform.sources import consumed_runs, trip_files

pytestmark = pytest.mark.integration


@pytest.fixture
def fresh_bucket(admin):
    """A rawzone bucket of this test only: no marker yet."""
    yield from temporary_bucket(admin, "rawzone-pytest-store")


def test_the_marker_is_created_once_and_every_concurrent_caller_agrees(minio, fresh_bucket):
    assert read_store_id(minio, fresh_bucket) is None
    with ThreadPoolExecutor(max_workers=8) as pool:
        ids = set(pool.map(lambda _: ensure_store_id(minio, fresh_bucket), range(8)))
    assert len(ids) == 1  # one conditional put won; the others read its id
    (store_id,) = ids
    assert ensure_store_id(minio, fresh_bucket) == store_id == read_store_id(minio, fresh_bucket)
    assert json.loads(minio.get_object(fresh_bucket, MARKER_KEY).read())["id"] == store_id
    with pytest.raises(S3Error) as refused:  # the server honours If-None-Match: a second marker is refused
        minio._put_object(fresh_bucket, MARKER_KEY, b"{}", headers={"If-None-Match": "*"})  # noqa: SLF001
    assert refused.value.code == "PreconditionFailed"


def _extract(cli_env: dict[str, str], run_id: str, *extra: str) -> dict:
    result = run_cli(["--months", "2024-01", "--sample", "--run-id", run_id, *extra],
                     {**cli_env, "ETL_STACK_MODE": "native"})
    assert result.returncode == 0, result.stderr
    return next(r for r in load_manifest()["runs"] if r["run_id"] == run_id)


def test_a_real_extraction_records_its_store_and_a_foreign_run_is_left_out(minio, settings, cli_env, monkeypatch,
                                                                          caplog):
    run = _extract(cli_env, "pytest-store-here", "--no-zones")
    store_id = read_store_id(minio, settings.rawzone_bucket)
    assert run["store"] == {"id": store_id, "endpoint": settings.minio_url, "mode": "native"}
    assert _extract(cli_env, "pytest-store-again", "--no-zones")["store"]["id"] == store_id  # the marker is reused

    # The other stack's extraction of February, on the same endpoint: its objects are not in this MinIO.
    foreign = {**run, "run_id": "pytest-store-compose", "months": ["2024-02"],
               "store": {"id": "another-store", "endpoint": settings.minio_url, "mode": "compose"},
               "files": [{**run["files"][0], "month": "2024-02", "key": "nowhere.parquet",
                          "path": f"s3a://{settings.rawzone_bucket}/nowhere.parquet"}]}
    update_manifest(manifest_path(), lambda document: document["runs"].append(foreign))
    monkeypatch.setenv("RAWZONE_BUCKET", settings.rawzone_bucket)
    monkeypatch.setenv("ETL_STACK_MODE", "native")
    monkeypatch.setattr(stores, "_STORE_IDS", {})
    monkeypatch.setattr(sources, "_WARNED", set())
    with caplog.at_level("WARNING", logger="etl.transform.sources"):
        assert [f.label for f in trip_files()] == ["2024-01"]
    assert consumed_runs() == ["pytest-store-here", "pytest-store-again"]
    assert (f"left out 1 extraction run(s) stored elsewhere than where this transform reads (native, "
            f"{settings.minio_url}, bucket {settings.rawzone_bucket}): pytest-store-compose (compose, "
            f"{settings.minio_url})") in caplog.text
    with pytest.raises(ForeignStoreError, match="'pytest-store-compose' was stored elsewhere"):
        trip_files("pytest-store-compose")


def test_transforming_only_another_stores_runs_exits_2_before_spark(minio, settings, cli_env):
    """`python -m etl.submit` (what `etl transform` runs) refuses at once, saying what to do; no traceback."""
    update_manifest(manifest_path(), lambda document: document["runs"].append({
        "run_id": "pytest-store-only-compose", "step": "extract", "status": "succeeded",
        "started_at": "2026-01-01T00:00:00Z", "ended_at": "2026-01-01T00:00:01Z", "months": ["2024-02"],
        "source_template": "s", "zones_source": None, "bucket": settings.rawzone_bucket,
        "minio_endpoint": settings.minio_url, "error": None,
        "store": {"id": "another-store", "endpoint": settings.minio_url, "mode": "compose"},
        "files": [{"kind": "trips", "month": "2024-02", "path": f"s3a://{settings.rawzone_bucket}/x.parquet"}]}))
    env = {**cli_env, "ETL_STACK_MODE": "native"}
    for args in ([], ["--run", "pytest-store-only-compose"]):
        result = subprocess.run([sys.executable, "-m", "etl.submit", *args], env=env, cwd=PROJECT_ROOT,
                                capture_output=True, text=True, timeout=120)
        assert result.returncode == 2, result.stderr
        assert "Traceback" not in result.stderr and "NoSuchKey" not in result.stderr
        assert f"(compose, {settings.minio_url})" in result.stderr
        assert "`etl transform --mode compose`" in result.stderr


def test_a_spark_transform_of_every_run_says_what_it_left_out_and_reads_only_its_own(published_sample):
    """The whole path, on the transform that published the sample (conftest.py: every run of a manifest that also
    holds a run of another store): the driver's run_start names that run, the report consumes only its own."""
    done, own = published_sample.first, published_sample.env["EXTRACT_RUN"]
    start = next(e for e in done.events if e["event"] == "run_start")
    assert start["left_out"].startswith("left out 1 extraction run(s) stored elsewhere")
    assert f"{FOREIGN_RUN} (compose, " in start["left_out"]
    assert done.report["manifest_run"] is None and done.report["extract_runs"] == [own]
    assert done.report["inputs"] and all("nowhere" not in path for path in done.report["inputs"])
