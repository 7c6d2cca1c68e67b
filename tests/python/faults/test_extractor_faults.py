"""Fault matrix, extractor: SIGKILL, SIGTERM, SIGINT (Ctrl-C) and stop-then-start (SIGSTOP, then SIGCONT) of a
running `python -m etl.extract`, each while a file is mid-transfer and right as the run commits (its last file
stored, the manifest being written), against the REAL MinIO.

Each fault is triggered on an observable event, never after a sleep: "transfer" when the source server has sent
the first MiB of a file and holds the rest (the body is surely mid-flight), "commit" on the progress event of the
last file stored. Every cell asserts:
- what an earlier run committed is untouched (its object byte for byte, its manifest entry);
- nothing half-written: an object of the faulted run is whole (its size and sha256) or absent, the manifest parses
  and matches its schema;
- the user hears what happened within 60 s (the exit code and last line; after SIGKILL, the next run names the
  dead run);
- a rerun converges: every month stored whole, no unfinished multipart upload, no run left "running"."""
from __future__ import annotations

import json
import signal
import threading
import time

import pytest
from support_cli import assert_no_incomplete_uploads, run_cli, start_cli
from support_http import Held, MiB, Ok
from support_parquet import trip_parquet
from support_rawzone import commit_earlier_month, is_whole, manifest_of, manifest_run, month_key, object_state

FAULTS = ("SIGKILL", "SIGTERM", "SIGINT", "stop-then-start")
PHASES = ("transfer", "commit")
# The last line a fault leaves, and the exit code: None for a process that cannot say anything (SIGKILL).
HEARD = {"SIGTERM": (143, "stopped by SIGTERM"), "SIGINT": (130, "interrupted"), "SIGKILL": (-9, None),
         "stop-then-start": (0, "succeeded")}


def _wait_for_event(proc, event: str, count: int) -> None:
    """Reads the progress events until `count` of `event` were printed (the trigger of the commit phase)."""
    seen = 0
    for line in proc.stdout:
        if line.startswith("{") and json.loads(line).get("event") == event:
            seen += 1
            if seen == count:
                return
    raise AssertionError(f"the extraction ended before {count} {event} events")


def _send(proc, fault: str) -> None:
    if fault == "stop-then-start":
        proc.send_signal(signal.SIGSTOP)
        time.sleep(3)  # the fault's length (the trigger was the event); the run must then go on
        proc.send_signal(signal.SIGCONT)
    else:
        proc.send_signal(getattr(signal, fault))


CELLS = [(fault, phase) for phase in PHASES for fault in FAULTS]


@pytest.mark.parametrize(("fault", "phase"), [
    pytest.param(f, p, marks=pytest.mark.cell(component="extractor", fault=f, phase=p), id=f"{f}-{p}")
    for f, p in CELLS])
def test_extractor(fault, phase, minio, settings, http_server, cli_env, isolated_state):
    year = 2040 + CELLS.index((fault, phase))
    committed, held_month, other_month = (f"{year}-{m:02d}" for m in (1, 2, 3))
    bodies = {month: trip_parquet(tag=i, size=(20 if month == held_month else 1) * MiB)
              for i, month in enumerate((committed, held_month, other_month))}
    source, before_object, before_run = commit_earlier_month(committed, bodies[committed], minio, settings,
                                                              http_server, cli_env, isolated_state)

    release = threading.Event()
    held = Held(bodies[held_month], release, delay_per_mib_s=0.5)
    http_server.route(f"/{held_month}.parquet", held if phase == "transfer" else Ok(bodies[held_month]))
    http_server.route(f"/{other_month}.parquet", Ok(bodies[other_month]))
    run_id = f"faulted-{year}"
    with start_cli(["--months", f"{held_month}..{other_month}", *source, "--parallel", "2", "--progress-json",
                    "--run-id", run_id], cli_env) as proc:
        try:
            if phase == "transfer":
                assert held.holding.wait(60), "the held download did not start within 60 s"
            else:
                _wait_for_event(proc, "file_done", 2)
            faulted_at = time.monotonic()
            _send(proc, fault)
        finally:
            release.set()
        _, err = proc.communicate(timeout=60)
        heard_in = time.monotonic() - faulted_at
    code, last_line = HEARD[fault]
    finished_anyway = phase == "commit" and proc.returncode in (0, -signal.SIGTERM, -signal.SIGINT)
    if not finished_anyway:  # at "commit" the run may have ended before the signal: then it succeeded whole
        assert proc.returncode == code, err
        if last_line:
            assert last_line in err.strip().splitlines()[-1], err
    assert heard_in < 60

    # Nothing committed earlier changed; nothing half-written now.
    assert object_state(minio, settings.rawzone_bucket, month_key(committed)) == before_object
    document = manifest_of(isolated_state)
    assert manifest_run(document, f"committed-{year}") == before_run
    for month in (held_month, other_month):
        state = object_state(minio, settings.rawzone_bucket, month_key(month))
        assert state is None or is_whole(state, bodies[month]), month

    # A rerun converges, and after a SIGKILL it names the run the dead process left.
    http_server.route(f"/{held_month}.parquet", Ok(bodies[held_month]))
    rerun = run_cli(["--months", f"{committed}..{other_month}", *source, "--run-id", f"rerun-{year}"], cli_env)
    assert rerun.returncode == 0, rerun.stderr
    faulted = manifest_run(manifest_of(isolated_state), run_id)
    if fault == "SIGKILL" and faulted and faulted["status"] == "failed":
        assert f"run {run_id} was left running by a process that no longer exists" in rerun.stderr
    document = manifest_of(isolated_state)
    assert all(r["status"] != "running" for r in document["runs"]), [r["run_id"] for r in document["runs"]]
    for month in (committed, held_month, other_month):
        assert is_whole(object_state(minio, settings.rawzone_bucket, month_key(month)), bodies[month]), month
        assert_no_incomplete_uploads(minio, settings.rawzone_bucket, month_key(month))
        minio.remove_object(settings.rawzone_bucket, month_key(month))
