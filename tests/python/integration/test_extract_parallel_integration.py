"""Several files in flight at once (--parallel), against the REAL MinIO: the progress stays
well-formed, the manifest records the run's files in its order, a failure stops new files while the
one in flight finishes, and an interrupt stores nothing partial."""
from __future__ import annotations

import hashlib
import json
import signal
import threading

import pytest
from support_cli import assert_no_incomplete_uploads, run_cli, start_cli
from support_http import Held, MiB, Ok
from support_parquet import trip_parquet

from etl.manifest import load_manifest

pytestmark = pytest.mark.integration

TEMPLATE = "/{YYYY}-{MM}.parquet"


def _key(month: str) -> str:
    year, mm = month.split("-")
    return f"yellow_tripdata/year={year}/month={mm}/yellow_tripdata_{month}.parquet"


def _events(stdout: str) -> list[dict]:
    return [json.loads(line) for line in stdout.splitlines()]  # every line is one whole JSON object


def _index(events: list[dict], event: str, month: str) -> int:
    return next(i for i, e in enumerate(events) if e["event"] == event and e.get("month") == month)


def test_two_files_in_flight_overlap_and_are_recorded_in_run_order(minio, settings, http_server, cli_env,
                                                                     isolated_state):
    slow, fast = trip_parquet(size=3 * MiB, tag=1), trip_parquet(tag=2)
    http_server.route("/2033-01.parquet", Ok(slow, delay_per_mib_s=0.7))  # ~2 s: the second file ends first
    http_server.route("/2033-02.parquet", Ok(fast))
    result = run_cli(["--months", "2033-01..2033-02", "--source", http_server.base_url + TEMPLATE, "--no-zones",
                      "--parallel", "2", "--progress-json", "--run-id", "pytest-parallel"], cli_env)
    assert result.returncode == 0, result.stderr
    events = _events(result.stdout)
    assert events[0]["event"] == "run_start" and events[-1]["event"] == "run_done"
    assert events[-1]["status"] == "succeeded" and events[-1]["files"] == 2
    assert _index(events, "file_start", "2033-02") < _index(events, "file_done", "2033-01")  # in flight together
    assert _index(events, "file_done", "2033-02") < _index(events, "file_done", "2033-01")
    run = next(r for r in load_manifest()["runs"] if r["run_id"] == "pytest-parallel")
    assert [f["month"] for f in run["files"]] == ["2033-01", "2033-02"]  # the run's order, not the finishing order
    for month, data in (("2033-01", slow), ("2033-02", fast)):
        stat = minio.stat_object(settings.rawzone_bucket, _key(month))
        assert stat.metadata["x-amz-meta-sha256"] == hashlib.sha256(data).hexdigest()
        minio.remove_object(settings.rawzone_bucket, _key(month))


def test_a_failed_file_stops_new_files_and_the_one_in_flight_finishes(minio, settings, http_server, cli_env,
                                                                      isolated_state):
    slow = trip_parquet(size=3 * MiB, tag=3)
    http_server.route("/2033-03.parquet", Ok(slow, delay_per_mib_s=0.7))  # in flight when 2033-04 fails
    http_server.route("/2033-05.parquet", Ok(trip_parquet(tag=5)))  # 2033-04 has no route: 404
    result = run_cli(["--months", "2033-03..2033-05", "--source", http_server.base_url + TEMPLATE, "--no-zones",
                      "--parallel", "2", "--progress-json", "--run-id", "pytest-parallel-fail"], cli_env)
    assert result.returncode == 1
    last = result.stderr.strip().splitlines()[-1]
    assert "month 2033-04" in last and "404" in last, last
    events = _events(result.stdout)
    assert events[-1]["event"] == "run_done" and events[-1]["status"] == "failed" and events[-1]["files"] == 1
    assert not [e for e in events if e.get("month") == "2033-05"]  # never started
    run = next(r for r in load_manifest()["runs"] if r["run_id"] == "pytest-parallel-fail")
    assert run["status"] == "failed" and [f["month"] for f in run["files"]] == ["2033-03"]
    assert minio.stat_object(settings.rawzone_bucket, _key("2033-03")).size == len(slow)
    minio.remove_object(settings.rawzone_bucket, _key("2033-03"))


def test_an_interrupt_stops_the_files_in_flight_and_stores_nothing_partial(minio, settings, http_server, cli_env,
                                                                            isolated_state):
    # The server holds both bodies after their first MiB until the interrupt has been sent, so it surely comes
    # mid-transfer; the rest then goes slowly (~10 s a file): the extract stops each at its next read, long before.
    release = threading.Event()
    months = ("2033-06", "2033-07")
    held = {month: Held(trip_parquet(size=20 * MiB), release, delay_per_mib_s=0.5) for month in months}
    for month, behaviour in held.items():
        http_server.route(f"/{month}.parquet", behaviour)
    with start_cli(["--months", "2033-06..2033-07", "--source", http_server.base_url + TEMPLATE, "--no-zones",
                    "--parallel", "2", "--progress-json"], cli_env) as proc:
        try:
            for month, behaviour in held.items():
                assert behaviour.holding.wait(60), f"month {month}: its download did not start within 60 s"
            proc.send_signal(signal.SIGINT)
        finally:
            release.set()  # nothing stays held, whatever happened above
        out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "interrupted" in err.strip().splitlines()[-1]
    assert _events(out)[-1]["event"] == "run_done"
    for month in months:
        assert list(minio.list_objects(settings.rawzone_bucket, prefix=_key(month))) == []
        assert_no_incomplete_uploads(minio, settings.rawzone_bucket, _key(month))
    assert not (isolated_state / "backup" / "extracted_paths.json").exists()  # nothing stored, nothing recorded
    assert not list((isolated_state / "locks").glob("*.part"))
