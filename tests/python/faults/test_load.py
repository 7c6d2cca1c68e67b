"""Fault matrix, load: five `python -m etl.extract` processes at once on overlapping and distinct months, all
writing one manifest, and a real transform (one spark-submit to the stack's cluster) reading that manifest while
they run, against the REAL MinIO.

The overlap is made by events, never by sleeps: the first extraction (the zone table and one month) runs alone to
its run_done, which starts the transform; every other extraction holds one file mid-body (the source server sends
its first MiB and waits) until the transform's driver has read the manifest (its `read` phase event, which names
the files it reads). Two pairs of extractions share a month: the one that comes second waits for the other's
object lock, then finds the same bytes stored and skips the file (etl.extract.transfer).

Asserts: every extraction exits 0; the manifest is valid JSON matching config/extracted_paths.schema.json with
the 5 runs succeeded and every file of each; every object is whole (the sha256 of its body is the source's), each
shared month uploaded once and skipped once, no unfinished multipart upload; the transform succeeds and read only
whole inputs (each one stored whole, every row of it counted)."""
from __future__ import annotations

import hashlib
import json
import threading

import jsonschema
import pytest
from support_buckets import temporary_bucket
from support_cli import assert_no_incomplete_uploads, start_cli
from support_http import Held, MiB, Ok
from support_parquet import trip_parquet
from support_spark_stack import finish, parse_events, start_submit

from etl.config import PROJECT_ROOT
from etl.extract.layout import trip_key
from etl.extract.months import parse_month

TEMPLATE = "/{YYYY}-{MM}.parquet"
MANIFEST_SCHEMA = json.loads((PROJECT_ROOT / "config" / "extracted_paths.schema.json").read_text())
ZONES = (PROJECT_ROOT / "Data_extracted" / "taxi_zone_lookup.csv").read_bytes()
ZONES_KEY = "reference/taxi_zone_lookup.csv"
ROWS = 100
YEAR = 2029  # months of this test only, inside the transform's calendar (the extractor cells use 2040-2047)
MONTHS = [f"{YEAR}-{m:02d}" for m in range(1, 7)]
HELD = {MONTHS[1], MONTHS[3], MONTHS[5]}  # mid-body until the transform has read the manifest
# run id -> its months (first..last): the second and fifth months are each extracted by two runs at once.
RUNS = {"load-1": (0, 0), "load-2": (1, 2), "load-3": (1, 1), "load-4": (3, 4), "load-5": (4, 5)}
SHARED = {MONTHS[1]: ("load-2", "load-3"), MONTHS[4]: ("load-4", "load-5")}


def _key(month: str) -> str:
    return trip_key(parse_month(month))  # the product's layout: not what these cells test


def _sha256_of_object(minio, bucket: str, key: str) -> str:
    body = minio.get_object(bucket, key)
    try:
        return hashlib.sha256(body.read()).hexdigest()
    finally:
        body.close()
        body.release_conn()


def _read_until(stream, wanted, lines: list[str]) -> dict:
    """The first JSON event of `stream` that `wanted` accepts; every line read is kept in `lines`."""
    for line in stream:
        lines.append(line)
        if line.startswith("{") and wanted(event := json.loads(line)):
            return event
    raise AssertionError(f"the process ended before the awaited event; it printed: {''.join(lines)[-2000:]}")


@pytest.fixture
def gold_bucket(admin):
    yield from temporary_bucket(admin, "gold-pytest-load")


@pytest.fixture
def sources(http_server) -> tuple[dict[str, bytes], threading.Event]:
    """Each month's body served at /<month>.parquet (the held ones wait for the returned event), the zone table at
    /zones.csv."""
    bodies = {month: trip_parquet(rows=ROWS, tag=i, size=3 * MiB, month=month) for i, month in enumerate(MONTHS)}
    release = threading.Event()
    for month, body in bodies.items():
        paced = Held(body, release, delay_per_mib_s=0.2) if month in HELD else Ok(body, delay_per_mib_s=0.3)
        http_server.route(f"/{month}.parquet", paced)
    http_server.route("/zones.csv", Ok(ZONES))
    yield bodies, release
    release.set()  # a failed test never leaves a server thread waiting


@pytest.mark.cell(component="extractor ×5 + transform", fault="concurrency", phase="transfer")
def test_five_extractions_and_a_transform_lose_nothing(minio, settings, http_server, cli_env, isolated_state,
                                                       gold_bucket, sources, tmp_path):
    bodies, release = sources
    bucket = settings.rawzone_bucket
    for month in MONTHS:  # a leftover of an earlier session would turn an upload into a skip
        minio.remove_object(bucket, _key(month))
    env = {**cli_env, "ETL_STACK_MODE": "native"}
    source = ["--source", http_server.base_url + TEMPLATE]
    first_args = ["--zones", http_server.base_url + "/zones.csv", "--progress-json"]
    extractions = {run_id: start_cli(["--months", f"{MONTHS[first]}..{MONTHS[last]}", *source, "--run-id", run_id,
                                      *(first_args if run_id == "load-1" else ["--no-zones"])], env)
                   for run_id, (first, last) in RUNS.items()}
    try:
        zones_run = extractions["load-1"]
        _read_until(zones_run.stdout, lambda e: e["event"] == "run_done", [])
        job_env = {**env, "GOLD_BUCKET": gold_bucket, "ETL_LINEAGE": "off"}
        transform = start_submit(job_env, tmp_path / "submit.err", "--run-id", "load-transform")
        head: list[str] = []
        try:
            read = _read_until(transform.stdout, lambda e: e.get("phase") == "read", head)
            still_running = [run_id for run_id, proc in extractions.items() if proc.poll() is None]
        finally:
            release.set()
        job = finish(transform, tmp_path / "submit.err", "".join(head), timeout=180)
        outcomes = {run_id: proc.communicate(timeout=120) for run_id, proc in extractions.items()}
    finally:
        for proc in extractions.values():
            if proc.poll() is None:
                proc.kill()
                proc.communicate()
    assert len(still_running) == 4, f"the transform read the manifest after extractions ended: {still_running}"
    for run_id, proc in extractions.items():
        assert proc.returncode == 0, f"{run_id}: {outcomes[run_id][1][-2000:]}"

    # The manifest: valid, every run succeeded with each of its files, each entry the source's bytes.
    document = json.loads((isolated_state / "backup" / "extracted_paths.json").read_text())
    jsonschema.validate(document, MANIFEST_SCHEMA)
    runs = {run["run_id"]: run for run in document["runs"]}
    assert sorted(runs) == sorted(RUNS)
    sources_sha = {month: hashlib.sha256(body).hexdigest() for month, body in bodies.items()}
    sources_sha[None] = hashlib.sha256(ZONES).hexdigest()
    for run_id, run in runs.items():
        assert run["status"] == "succeeded" and run["error"] is None and "owner" not in run, run
        expected = ([None] if run_id == "load-1" else []) + _months(run_id)
        assert [f["month"] for f in run["files"]] == expected, run_id
        for entry in run["files"]:
            assert entry["sha256"] == sources_sha[entry["month"]], (run_id, entry["month"])
    for month, (one, other) in SHARED.items():
        statuses = sorted(next(f["status"] for f in runs[r]["files"] if f["month"] == month) for r in (one, other))
        assert statuses == ["skipped", "uploaded"], (month, statuses)

    # Rawzone: every object whole, nothing half-uploaded.
    for month in MONTHS:
        assert _sha256_of_object(minio, bucket, _key(month)) == sources_sha[month], month
        assert_no_incomplete_uploads(minio, bucket, _key(month))
    assert _sha256_of_object(minio, bucket, ZONES_KEY) == sources_sha[None]

    # The transform: succeeded, read the files the manifest listed when it started, each whole, every row.
    assert job.returncode == 0, job.stderr[-3000:]
    report = job.report
    assert report["status"] == "succeeded"
    assert report["inputs"] == read["files"]
    month_of = {f"s3a://{bucket}/{_key(month)}": month for month in MONTHS}
    assert f"s3a://{bucket}/{_key(MONTHS[0])}" in report["inputs"]
    assert set(report["inputs"]) <= set(month_of), report["inputs"]
    for path in report["inputs"]:
        assert _sha256_of_object(minio, bucket, _key(month_of[path])) == sources_sha[month_of[path]], path
    assert report["rows_read"] == ROWS * len(report["inputs"])
    assert report["rows_kept"] == report["rows_read"], report["rejected_by_rule"]
    assert not [e for e in parse_events("".join(head)) if e["event"] == "run_failed"]

    for month in MONTHS:
        minio.remove_object(bucket, _key(month))


def _months(run_id: str) -> list[str]:
    first, last = RUNS[run_id]
    return MONTHS[first:last + 1]
