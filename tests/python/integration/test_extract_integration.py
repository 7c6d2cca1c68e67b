"""Extraction against the REAL MinIO of load_settings() (the stack must be up)."""
from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys

import pytest
from jsonschema import Draft202012Validator
from support_cli import assert_no_incomplete_uploads, run_cli
from support_http import Cut, FileBody, MiB, Ok, Status
from support_parquet import trip_parquet, write_big_trip_parquet
from support_ports import unused_port

from etl.config import PROJECT_ROOT
from etl.extract import extract_months
from etl.extract.errors import SourceFailed, SourceNotFound
from etl.extract.transfer import TransferOptions
from etl.manifest import extracted_paths, load_manifest

pytestmark = pytest.mark.integration

SAMPLE = PROJECT_ROOT / "Data_extracted"
FAST = TransferOptions(retries=2, backoff_s=0.05, lock_timeout_s=60)
TEMPLATE = "/{YYYY}-{MM}.parquet"


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _key(month: str) -> str:
    year, mm = month.split("-")
    return f"yellow_tripdata/year={year}/month={mm}/yellow_tripdata_{month}.parquet"


def _events(stdout: str) -> list[dict]:
    return [json.loads(line) for line in stdout.splitlines()]


def _assert_schema_keys(document: dict) -> None:
    """The manifest is valid and has exactly the keys config/extracted_paths.schema.json requires, plus the store
    its runs went to (optional in the schema: older manifests have none)."""
    schema = json.loads((PROJECT_ROOT / "config" / "extracted_paths.schema.json").read_text())
    Draft202012Validator(schema).validate(document)
    assert set(document) == set(schema["required"])
    for run in document["runs"]:
        assert set(run) == {*schema["$defs"]["run"]["required"], "store"}
        for entry in run["files"]:
            assert set(entry) == set(schema["$defs"]["file"]["required"])


def _remove(minio, bucket, *keys):
    for key in keys:
        minio.remove_object(bucket, key)


def test_happy_path_cli_objects_checksums_manifests(minio, settings, cli_env, isolated_state):
    run_id = "pytest-happy-" + os.urandom(3).hex()
    result = run_cli(["--months", "2024-01..2024-02", "--sample", "--run-id", run_id, "--progress-json"], cli_env)
    assert result.returncode == 0, result.stderr
    bucket = settings.rawzone_bucket
    events = _events(result.stdout)
    assert events[0]["event"] == "run_start" and events[-1] == {
        "event": "run_done",
        "run_id": run_id,
        "status": "succeeded",
        "files": 3,
        "bytes": sum(
            (SAMPLE / n).stat().st_size
            for n in ("yellow_tripdata_2024-01.parquet", "yellow_tripdata_2024-02.parquet", "taxi_zone_lookup.csv")
        ),
        "manifest": str(isolated_state / "backup" / "extracted_paths.json"),
        "error": None,
    }
    for month in ("2024-01", "2024-02"):
        data = (SAMPLE / f"yellow_tripdata_{month}.parquet").read_bytes()
        stat = minio.stat_object(bucket, _key(month))
        assert stat.size == len(data)
        assert stat.metadata["x-amz-meta-sha256"] == _sha(data)
        assert minio.get_object(bucket, _key(month)).read() == data
        done = [e for e in events if e["event"] == "file_done" and e["month"] == month]
        assert done[0]["sha256"] == _sha(data) and done[0]["status"] in ("uploaded", "replaced", "skipped")
    assert (
        minio.stat_object(bucket, "reference/taxi_zone_lookup.csv").size
        == (SAMPLE / "taxi_zone_lookup.csv").stat().st_size
    )
    local = load_manifest()
    run = local["runs"][-1]
    assert run["run_id"] == run_id and run["status"] == "succeeded" and run["ended_at"]
    assert {f["path"] for f in run["files"]} == {f"s3a://{bucket}/{_key('2024-01')}", f"s3a://{bucket}/{_key('2024-02')}",
                                                 f"s3a://{bucket}/reference/taxi_zone_lookup.csv"}
    assert extracted_paths(run_id) == [f"s3a://{bucket}/{_key('2024-01')}", f"s3a://{bucket}/{_key('2024-02')}"]
    _assert_schema_keys(local)
    mirrored = json.loads(minio.get_object(bucket, f"_manifests/{run_id}.json").read())
    assert mirrored["runs"] == [run]
    assert json.loads(minio.get_object(bucket, "_manifests/latest.json").read())["runs"][0]["run_id"] == run_id


def test_rerun_skips_unchanged_and_replaces_changed(minio, settings, http_server):
    bucket, month = settings.rawzone_bucket, "2031-01"
    url = http_server.route("/2031-01.parquet", Ok(trip_parquet(tag=1)))
    template = http_server.base_url + TEMPLATE
    first = extract_months(month, template, None, settings=settings, options=FAST)
    before = minio.stat_object(bucket, _key(month))
    second = extract_months(month, template, None, settings=settings, options=FAST)
    after = minio.stat_object(bucket, _key(month))
    assert [f["status"] for f in first.files] == ["uploaded"] and [f["status"] for f in second.files] == ["skipped"]
    assert (after.etag, after.last_modified) == (before.etag, before.last_modified)
    second_version = trip_parquet(tag=2)
    http_server.route("/2031-01.parquet", Ok(second_version))
    third = extract_months(month, template, None, settings=settings, options=FAST)
    assert [f["status"] for f in third.files] == ["replaced"]
    assert minio.stat_object(bucket, _key(month)).metadata["x-amz-meta-sha256"] == _sha(second_version)
    assert third.files[0]["source_url"] == url
    _remove(minio, bucket, _key(month))


def test_server_error_then_success_is_retried(minio, settings, http_server):
    data = trip_parquet(size=300_000)
    http_server.route("/2031-02.parquet", Status(500), Status(503), Ok(data))
    result = extract_months("2031-02", http_server.base_url + TEMPLATE, None, settings=settings, options=FAST)
    assert result.status == "succeeded" and result.files[0]["sha256"] == _sha(data)
    assert http_server.hits["/2031-02.parquet"] == 3
    assert minio.stat_object(settings.rawzone_bucket, _key("2031-02")).size == len(data)
    _remove(minio, settings.rawzone_bucket, _key("2031-02"))


def test_cut_mid_body_stores_nothing(minio, settings, http_server, cli_env, isolated_state):
    data = trip_parquet(size=24 * MiB)  # > one 16 MiB part
    http_server.route("/2031-03.parquet", Cut(data, at=20 * MiB))
    result = run_cli(["--months", "2031-03", "--source", http_server.base_url + TEMPLATE, "--no-zones",
                      "--retries", "1", "--backoff", "0", "--run-id", "pytest-cut"], cli_env)
    assert result.returncode == 1
    last = result.stderr.strip().splitlines()[-1]
    assert "month 2031-03" in last and "failed after 2 attempts" in last and "rerun" in last
    assert http_server.hits["/2031-03.parquet"] == 2
    assert list(minio.list_objects(settings.rawzone_bucket, prefix="yellow_tripdata/year=2031/month=03/")) == []
    assert_no_incomplete_uploads(minio, settings.rawzone_bucket, _key("2031-03"))
    # Nothing was stored, so nothing is recorded: the manifest was never written.
    assert not (isolated_state / "backup" / "extracted_paths.json").exists()
    assert not list((isolated_state / "locks").glob("*.part"))  # the staging file went too


def test_not_found_names_month_and_url(settings, http_server, cli_env, isolated_state):
    template = http_server.base_url + "/missing/{YYYY}-{MM}.parquet"
    result = run_cli(["--months", "2031-04", "--source", template, "--no-zones"], cli_env)
    assert result.returncode == 1
    last = result.stderr.strip().splitlines()[-1]
    assert "month 2031-04" in last and "404" in last and http_server.base_url + "/missing/2031-04.parquet" in last
    with pytest.raises(SourceNotFound):
        extract_months("2031-04", template, None, settings=settings, options=FAST)
    assert not (isolated_state / "backup" / "extracted_paths.json").exists()  # nothing stored, nothing recorded


def test_permanent_server_error_gives_up(settings, http_server):
    http_server.route("/2031-05.parquet", Status(500))
    with pytest.raises(SourceFailed, match="failed after 3 attempts"):
        extract_months("2031-05", http_server.base_url + TEMPLATE, None, settings=settings, options=FAST)


def test_minio_down_names_endpoint(cli_env):
    closed_port = unused_port()
    env = dict(cli_env, MINIO_API_PORT=str(closed_port))
    result = run_cli(["--months", "2024-01", "--sample"], env, timeout=60)
    assert result.returncode == 1
    last = result.stderr.strip().splitlines()[-1]
    assert f"127.0.0.1:{closed_port}" in last and "etl up" in last


def test_concurrent_extractions_of_one_month_are_safe(minio, settings, http_server, cli_env):
    data = trip_parquet(size=20 * MiB)
    http_server.route("/2031-06.parquet", Ok(data, delay_per_mib_s=0.05))  # ~1 s per download: runs overlap
    args = ["--months", "2031-06", "--source", http_server.base_url + TEMPLATE, "--no-zones", "--progress-json"]
    procs = [subprocess.Popen([sys.executable, "-m", "etl.extract", *args], env=cli_env, cwd=PROJECT_ROOT,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outputs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [err for _, err in outputs]
    statuses = sorted(e["status"] for out, _ in outputs for e in _events(out) if e["event"] == "file_done")
    assert statuses == ["skipped", "uploaded"]
    stat = minio.stat_object(settings.rawzone_bucket, _key("2031-06"))
    assert stat.size == len(data) and stat.metadata["x-amz-meta-sha256"] == _sha(data)
    assert _sha(minio.get_object(settings.rawzone_bucket, _key("2031-06")).read()) == _sha(data)  # 2 parts, in order
    assert_no_incomplete_uploads(minio, settings.rawzone_bucket, _key("2031-06"))
    assert len(load_manifest()["runs"]) == 2  # both runs recorded, none lost
    _remove(minio, settings.rawzone_bucket, _key("2031-06"))


# Runs a command and prints its peak RSS (KiB). The command is forked from this small
# process, not from pytest: a forked child starts with its parent's resident pages and
# ru_maxrss survives exec, so forking from pytest would count pytest's memory too.
PEAK_RSS = ("import os, subprocess, sys; p = subprocess.Popen(sys.argv[1:]); _, st, ru = os.wait4(p.pid, 0); "
            "print(ru.ru_maxrss); sys.exit(os.waitstatus_to_exitcode(st))")


def test_memory_stays_flat_on_a_500_mb_file(minio, settings, http_server, cli_env, tmp_path):
    size = write_big_trip_parquet(tmp_path / "big.parquet", 500 * MiB)
    http_server.route("/2031-07.parquet", FileBody(tmp_path / "big.parquet"))
    proc = subprocess.run([sys.executable, "-c", PEAK_RSS, sys.executable, "-m", "etl.extract", "--months", "2031-07",
                           "--no-zones", "--source", http_server.base_url + TEMPLATE], env=cli_env, cwd=PROJECT_ROOT,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    peak_mb = int(proc.stdout.split()[-1]) / 1024
    print(f"peak RSS of extracting 500 MiB: {peak_mb:.0f} MB")
    assert minio.stat_object(settings.rawzone_bucket, _key("2031-07")).size == size
    _remove(minio, settings.rawzone_bucket, _key("2031-07"))
    assert peak_mb < 250


def test_local_source_without_zone_table_names_both_ways_out(tmp_path, minio, settings, cli_env, isolated_state):
    """file:// trips with no taxi_zone_lookup.csv beside them: the error names --zones and --no-zones."""
    trips = "yellow_tripdata_2024-01.parquet"
    (tmp_path / trips).write_bytes((SAMPLE / trips).read_bytes())
    template = f"file://{tmp_path}/yellow_tripdata_{{YYYY}}-{{MM}}.parquet"
    result = run_cli(["--months", "2024-01", "--source", template], cli_env)
    assert result.returncode == 1
    last = result.stderr.strip().splitlines()[-1]
    assert f"file://{tmp_path}/taxi_zone_lookup.csv" in last, last
    assert "--zones <url-or-path>" in last and "--no-zones" in last, last
    assert not (isolated_state / "backup" / "extracted_paths.json").exists()  # nothing stored, nothing recorded

    # The way out --zones: a local path, resolved and recorded as a file:// URL.
    zones_copy = tmp_path / "elsewhere" / "zones.csv"
    zones_copy.parent.mkdir()
    zones_copy.write_bytes((SAMPLE / "taxi_zone_lookup.csv").read_bytes())
    run_id = "pytest-zones-" + os.urandom(3).hex()
    result = run_cli(["--months", "2024-01", "--source", template, "--zones", str(zones_copy), "--run-id", run_id],
                     cli_env)
    assert result.returncode == 0, result.stderr
    runs = load_manifest(isolated_state / "backup" / "extracted_paths.json")["runs"]
    run = next(r for r in runs if r["run_id"] == run_id)
    assert run["zones_source"] == zones_copy.as_uri()
    assert [f["kind"] for f in run["files"]].count("zones") == 1
