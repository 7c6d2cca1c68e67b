"""Faults as a user meets them, against the REAL MinIO: bad sources over a good month,
a killed extractor, unusable folders. Nothing good may be lost, and every error names
what is wrong."""
from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from support_cli import assert_no_incomplete_uploads, run_cli
from support_http import MiB, Ok
from support_parquet import trip_parquet

from etl.config import PROJECT_ROOT
from etl.manifest import load_manifest

pytestmark = pytest.mark.integration

SAMPLE = PROJECT_ROOT / "Data_extracted"
GOOD = SAMPLE / "yellow_tripdata_2024-01.parquet"
KEY = "yellow_tripdata/year=2024/month=01/yellow_tripdata_2024-01.parquet"


def _bad_text(folder: Path) -> None:
    (folder / "yellow_tripdata_2024-01.parquet").write_text("VendorID,tpep_pickup_datetime\n1,2024-01-01\n")


def _bad_truncated(folder: Path) -> None:
    data = GOOD.read_bytes()
    (folder / "yellow_tripdata_2024-01.parquet").write_bytes(data[: len(data) // 2])


def _bad_empty(folder: Path) -> None:
    (folder / "yellow_tripdata_2024-01.parquet").write_bytes(b"")


BAD_SOURCES = {
    "text": (_bad_text, "is not a Parquet file"),
    "truncated": (_bad_truncated, "is cut short"),
    "empty": (_bad_empty, "is empty (0 bytes)"),
}


def _object_state(minio, bucket: str, key: str) -> tuple:
    stat = minio.stat_object(bucket, key)
    body = minio.get_object(bucket, key)
    try:
        digest = hashlib.sha256(body.read()).hexdigest()
    finally:
        body.close()
        body.release_conn()
    return stat.etag, stat.last_modified, stat.size, stat.metadata.get("x-amz-meta-sha256"), digest


@pytest.mark.parametrize("kind", sorted(BAD_SOURCES))
def test_a_bad_source_keeps_the_good_month_and_the_manifest(kind, minio, settings, cli_env, isolated_state, tmp_path):
    bucket = settings.rawzone_bucket
    good = run_cli(["--months", "2024-01", "--sample", "--run-id", f"good-{kind}"], cli_env)
    assert good.returncode == 0, good.stderr
    manifest = isolated_state / "backup" / "extracted_paths.json"
    before = (_object_state(minio, bucket, KEY), manifest.read_bytes(),
              minio.stat_object(bucket, "_manifests/latest.json").etag)
    assert before[0][4] == hashlib.sha256(GOOD.read_bytes()).hexdigest()

    source = tmp_path / "downloads"
    source.mkdir()
    shutil.copy(SAMPLE / "taxi_zone_lookup.csv", source)  # a real zone table beside it, as a user's folder has
    make_bad, what = BAD_SOURCES[kind]
    make_bad(source)
    template = source.as_uri() + "/yellow_tripdata_{YYYY}-{MM}.parquet"
    bad = run_cli(["--months", "2024-01", "--source", template, "--run-id", f"bad-{kind}"], cli_env)

    assert bad.returncode == 1, bad.stderr
    last = bad.stderr.strip().splitlines()[-1]
    assert last.startswith(
        "etl extract: error: month 2024-01: the source " + template.replace("{YYYY}-{MM}", "2024-01")
    )
    assert what in last and f"{bucket}/{KEY} was left as it was" in last, last
    after = (_object_state(minio, bucket, KEY), manifest.read_bytes(),
             minio.stat_object(bucket, "_manifests/latest.json").etag)
    assert after == before  # same object (etag, time, size, sha256 of the bytes) and the same manifest bytes
    assert_no_incomplete_uploads(minio, bucket, KEY)
    assert not list((isolated_state / "locks").glob("*.part"))


def test_a_parquet_without_the_trip_columns_or_rows_is_refused(settings, http_server, cli_env, isolated_state):
    trip_schema = pq.read_schema(io.BytesIO(trip_parquet(rows=1)))
    for name, table, what in (
        ("other", pa.table({"city": ["Paris"], "population": [2_100_000]}), "lacks the trip column(s) VendorID"),
        ("norows", trip_schema.empty_table(), "holds no rows"),
    ):
        out = io.BytesIO()
        pq.write_table(table, out)
        http_server.route(f"/{name}/2031-09.parquet", Ok(out.getvalue()))
        result = run_cli(["--months", "2031-09", "--source", http_server.base_url + f"/{name}/{{YYYY}}-{{MM}}.parquet",
                          "--no-zones"], cli_env)
        assert result.returncode == 1
        last = result.stderr.strip().splitlines()[-1]
        assert "month 2031-09" in last and what in last and "nothing was stored for it" in last, last
    assert not (isolated_state / "backup" / "extracted_paths.json").exists()


def _wait_for(predicate, timeout_s: float, what: str) -> None:
    deadline = time.monotonic() + timeout_s
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


def _running_run(manifest: Path) -> dict | None:
    if not manifest.exists():
        return None
    runs = [r for r in json.loads(manifest.read_text())["runs"] if r["status"] == "running"]
    return runs[0] if runs and runs[0]["files"] else None


def test_a_killed_extractor_is_marked_failed_by_the_next_run(minio, settings, http_server, cli_env, isolated_state):
    http_server.route("/2031-10.parquet", Ok(trip_parquet(tag=10)))
    http_server.route(
        "/2031-11.parquet", Ok(trip_parquet(size=8 * MiB), delay_per_mib_s=5)
    )  # ~40 s: killed long before
    args = ["--months", "2031-10..2031-11", "--source", http_server.base_url + "/{YYYY}-{MM}.parquet", "--no-zones",
            "--run-id", "pytest-killed"]
    proc = subprocess.Popen([sys.executable, "-m", "etl.extract", *args], env=cli_env, cwd=PROJECT_ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    manifest = isolated_state / "backup" / "extracted_paths.json"
    try:
        _wait_for(lambda: _running_run(manifest) is not None, 60, "the first month to be stored")
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    left = _running_run(manifest)
    assert left["run_id"] == "pytest-killed" and left["owner"]["pid"] == proc.pid  # what a SIGKILL leaves

    nxt = run_cli(["--months", "2031-10", "--source", http_server.base_url + "/{YYYY}-{MM}.parquet", "--no-zones",
                   "--run-id", "pytest-after-kill"], cli_env)
    assert nxt.returncode == 0, nxt.stderr
    assert "run pytest-killed was left running by a process that no longer exists" in nxt.stderr
    runs = {r["run_id"]: r for r in load_manifest()["runs"]}
    killed = runs["pytest-killed"]
    assert killed["status"] == "failed" and killed["ended_at"] and "owner" not in killed
    assert f"pid {proc.pid}" in killed["error"] and "killed?" in killed["error"]
    assert [f["month"] for f in killed["files"]] == ["2031-10"]  # what it did store stays recorded
    assert runs["pytest-after-kill"]["status"] == "succeeded"
    assert runs["pytest-after-kill"]["files"][0]["status"] == "skipped"
    minio.remove_object(settings.rawzone_bucket, "yellow_tripdata/year=2031/month=10/yellow_tripdata_2031-10.parquet")


def test_a_running_extractor_is_not_marked_by_a_concurrent_run(minio, settings, http_server, cli_env, isolated_state):
    http_server.route("/2031-12.parquet", Ok(trip_parquet(tag=12)))
    http_server.route("/2032-01.parquet", Ok(trip_parquet(size=4 * MiB), delay_per_mib_s=2))
    args = ["--months", "2031-12..2032-01", "--source", http_server.base_url + "/{YYYY}-{MM}.parquet", "--no-zones",
            "--run-id", "pytest-alive"]
    proc = subprocess.Popen([sys.executable, "-m", "etl.extract", *args], env=cli_env, cwd=PROJECT_ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    manifest = isolated_state / "backup" / "extracted_paths.json"
    try:
        _wait_for(lambda: _running_run(manifest) is not None, 60, "the first month to be stored")
        other = run_cli(["--months", "2031-12", "--source", http_server.base_url + "/{YYYY}-{MM}.parquet",
                         "--no-zones"], cli_env)
        assert other.returncode == 0, other.stderr
        assert {r["run_id"]: r["status"] for r in load_manifest()["runs"]}["pytest-alive"] == "running"
    finally:
        _, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    assert {r["run_id"]: r["status"] for r in load_manifest()["runs"]}["pytest-alive"] == "succeeded"
    for month in ("2031/month=12/yellow_tripdata_2031-12", "2032/month=01/yellow_tripdata_2032-01"):
        minio.remove_object(settings.rawzone_bucket, f"yellow_tripdata/year={month}.parquet")


def test_a_missing_bucket_is_named_and_not_created_with_the_etl_key(admin, cli_env, isolated_state):
    missing = f"rawzone-missing-{os.urandom(4).hex()}"
    result = run_cli(["--months", "2024-01", "--sample", "--no-zones"], {**cli_env, "RAWZONE_BUCKET": missing})
    assert result.returncode == 1, result.stderr
    last = result.stderr.strip().splitlines()[-1]
    assert f"bucket '{missing}' does not exist" in last and "`etl up`" in last, last
    assert not admin.bucket_exists(missing)
    assert not (isolated_state / "backup" / "extracted_paths.json").exists()
