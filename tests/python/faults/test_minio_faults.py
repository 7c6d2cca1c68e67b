"""Fault matrix, MinIO under a running extraction: the stack's MinIO SIGKILLed (a lost machine), SIGTERMed (a bare
shutdown nobody announced), SIGSTOPped (hung: it takes connections and never answers) or stopped and started again
through the CLI (`etl stop minio`, `etl start minio`) while a month is in transfer: its source has sent the first
MiB and holds the rest, an observable event, not a sleep.

SIGKILL and SIGTERM leave MinIO down when the extractor comes to store the month: the run fails within 60 s naming
MinIO and what to do, stores nothing of the month, marks its manifest run failed; MinIO is then started and a
rerun converges. SIGSTOP: the same within 60 s (the client's reads time out), saying MinIO does not answer; it is
then continued. Stop-then-start restarts MinIO before the month is stored: the same run stores it whole (its
client reconnects). Every cell: the month an earlier run committed is untouched, object and manifest entry."""
from __future__ import annotations

import os
import signal
import threading
import time

import pytest
from support_cli import assert_no_incomplete_uploads, etl_cli, run_cli, start_cli
from support_http import Held, MiB, Ok
from support_parquet import trip_parquet
from support_rawzone import commit_earlier_month, is_whole, manifest_of, manifest_run, month_key, object_state
from support_spark_stack import service_pid

FAULTS = ("SIGKILL", "SIGTERM", "stop-then-start", "SIGSTOP")
HEARD_WITHIN_S = 60


def etl_ok(*args: str) -> None:
    done = etl_cli(*args)
    assert done.returncode == 0, f"etl {' '.join(args)}: {done.stderr[-2000:]}"


def fault_minio(fault: str) -> None:
    """The fault at the event. After SIGKILL and SIGTERM MinIO stays down until the cell starts it; after SIGSTOP it
    stays hung until the cell continues it."""
    if fault == "stop-then-start":
        etl_ok("stop", "minio")
        etl_ok("start", "minio")
    else:
        os.kill(service_pid("minio"), getattr(signal, fault))


@pytest.mark.parametrize("fault", [
    pytest.param(f, marks=pytest.mark.cell(component="MinIO", fault=f, phase="transfer"), id=f) for f in FAULTS])
def test_minio_fault_during_a_transfer(fault, minio, settings, http_server, cli_env, isolated_state):
    year = 2060 + FAULTS.index(fault)
    committed, held_month = f"{year}-01", f"{year}-02"
    bodies = {committed: trip_parquet(tag=1, size=MiB), held_month: trip_parquet(tag=2, size=8 * MiB)}
    source, before_object, before_run = commit_earlier_month(committed, bodies[committed], minio, settings,
                                                              http_server, cli_env, isolated_state)

    release = threading.Event()
    held = Held(bodies[held_month], release)
    http_server.route(f"/{held_month}.parquet", held)
    run_id = f"minio-{fault.lower()}-{year}"
    try:
        with start_cli(["--months", held_month, *source, "--run-id", run_id], cli_env) as proc:
            try:
                assert held.holding.wait(60), "the held download did not start within 60 s"
                faulted_at = time.monotonic()
                fault_minio(fault)
            finally:
                release.set()
            _, err = proc.communicate(timeout=HEARD_WITHIN_S + 60)
            heard_in = time.monotonic() - faulted_at
    finally:
        if fault == "SIGSTOP":
            os.kill(service_pid("minio"), signal.SIGCONT)
        elif fault != "stop-then-start":
            etl_ok("start", "minio")
    faulted = manifest_run(manifest_of(isolated_state), run_id)
    print(f"MinIO {fault} mid-transfer -> extract exit {proc.returncode} in {heard_in:.1f} s: "
          f"{err.strip().splitlines()[-1] if err.strip() else ''}")
    assert heard_in < HEARD_WITHIN_S
    if fault == "stop-then-start":
        assert proc.returncode == 0, err
        assert faulted["status"] == "succeeded", faulted
        assert is_whole(object_state(minio, settings.rawzone_bucket, month_key(held_month)), bodies[held_month])
    else:
        assert proc.returncode == 1, err
        last = err.strip().splitlines()[-1]
        hint = "does not answer" if fault == "SIGSTOP" else "etl up"
        assert f"MinIO at {settings.minio_url}" in last and hint in last, last
        assert faulted["status"] == "failed", faulted
        assert object_state(minio, settings.rawzone_bucket, month_key(held_month)) is None

    # What the earlier run committed is untouched; a rerun converges.
    assert object_state(minio, settings.rawzone_bucket, month_key(committed)) == before_object
    assert manifest_run(manifest_of(isolated_state), f"committed-{year}") == before_run
    http_server.route(f"/{held_month}.parquet", Ok(bodies[held_month]))
    rerun = run_cli(["--months", f"{committed}..{held_month}", *source, "--run-id", f"rerun-{year}"], cli_env)
    assert rerun.returncode == 0, rerun.stderr
    assert all(r["status"] != "running" for r in manifest_of(isolated_state)["runs"])
    for month in (committed, held_month):
        assert is_whole(object_state(minio, settings.rawzone_bucket, month_key(month)), bodies[month]), month
        assert_no_incomplete_uploads(minio, settings.rawzone_bucket, month_key(month))
        minio.remove_object(settings.rawzone_bucket, month_key(month))
