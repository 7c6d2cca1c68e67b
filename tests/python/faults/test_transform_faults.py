"""Fault matrix, transform (and the gold it writes).

Gold survives a failed transform, on the real stack (MinIO, Spark master, 2 workers), as a user
meets the faults: the driver killed mid-write, MinIO stopped mid-write, a corrupt page inside a
valid Parquet. Each time the previous gold month reads back identical through Delta Lake (row
count, a checksum of every value, the table version). And a successful rerun of a month with
new input replaces it whole. On the published sample's scratch buckets (tests/python/conftest.py), removed at the
end."""
from __future__ import annotations

import io
import json
import os
import secrets
import signal
import subprocess
import time
import urllib.request
from dataclasses import replace
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from support_cli import etl_cli
from support_delta import delta_spark, distinct_keys, fingerprint  # noqa: F401  (fixture)
from support_spark_stack import (
    alive,
    cmdline,
    finish,
    parent_of,
    process_tree,
    run_submit,
    service_pid,
    snapshot,
    start_submit,
    state_dir,
    wait_until,
)

from etl.config import PROJECT_ROOT
from etl.extract.months import Month
from etl.extract.run import extract_months
from etl.manifest import manifest_path, update_manifest, utc_now
from etl.sample.generator import write_month
from etl.transform.executors import alive_workers
from etl.transform.unchanged import GOLD_TABLES

FAIL_BOUND_S = 60  # MinIO stopped -> the job has exited (documented: ~30 s, docs/data-model.md)
JANUARY = "pickup_year = 2024 AND pickup_month = 1"
FEBRUARY = "pickup_year = 2024 AND pickup_month = 2"
REJECTED_JANUARY = "source_year = 2024 AND source_month = 1"
UNDISTURBED: dict[str, tuple] = {}  # gold after the plain rerun of the new January (set by that test)


@pytest.fixture(scope="module")
def env(tmp_path_factory, base_settings, published_sample):
    """The published sample (conftest.py: the bundled 2024-01..02, transformed once): that gold is what every fault
    must keep. Then a NEW 2024-01 (30 000 generated rows) is extracted as run `new_run`, for the faulted runs."""
    env = dict(published_sample.env, FIRST_RUN=published_sample.env["EXTRACT_RUN"])
    settings = replace(base_settings, rawzone_bucket=env["RAWZONE_BUCKET"])
    with pytest.MonkeyPatch.context() as patch:
        for key in ("ETL_BACKUP_DIR", "ETL_LOCK_DIR", "ETL_LOG_DIR"):
            patch.setenv(key, env[key])
        new_dir = tmp_path_factory.mktemp("new-january")
        write_month(new_dir, Month(2024, 1), 30_000, seed=7)
        env["NEW_RUN"] = f"faults-new-{secrets.token_hex(3)}"
        zones = (PROJECT_ROOT / "Data_extracted" / "taxi_zone_lookup.csv").resolve().as_uri()
        extract_months("2024-01", new_dir.resolve().as_uri() + "/yellow_tripdata_{YYYY}-{MM}.parquet", zones,
                       run_id=env["NEW_RUN"], settings=settings)
    return env


def submit(env, name: str, *args: str):
    return run_submit(env, Path(env["STDERR_DIR"]) / f"{name}.err", *args)


JANUARY_TABLES = ("fact_trips", "mart_daily_zone", "quarantine/rejected_trips")  # january()'s, in its order


def january(spark, env):
    """Fingerprints of the month the faulted runs write: fact, a mart, the quarantine."""
    gold = env["GOLD_BUCKET"]
    return (fingerprint(spark, gold, "fact_trips", JANUARY), fingerprint(spark, gold, "mart_daily_zone", JANUARY),
            fingerprint(spark, gold, "quarantine/rejected_trips", REJECTED_JANUARY))


def start_until(env, name: str, phase: str = "write", own_group: bool = False):
    """etl.submit of the new January, stopped reading stdout when the job announces `phase`."""
    process = start_submit(env, Path(env["STDERR_DIR"]) / f"{name}.err", "--run", env["NEW_RUN"], own_group=own_group)
    head = []
    for line in process.stdout:
        head.append(line)
        if f'"event":"phase","phase":"{phase}"' in line:  # not a previous_unfinished note naming that phase
            return process, head
    raise AssertionError(f"the job never reached its {phase} phase: {''.join(head)[-2000:]}")


def until_a_task_writes(head: list[str]) -> tuple[dict, dict]:
    """Once the write phase is announced: until an executor runs a task of it (the driver's REST API).
    Returns the job's run_start event and that executor."""
    start = next(json.loads(line) for line in head if line.startswith('{"event":"run_start"'))
    busy = wait_until(lambda: busy_executor(start["ui_url"], start["app_id"]), 60, "a running write task", 0.1)
    return start, busy


def spark_submit_in(tree: set[int]) -> int:
    found = [pid for pid in tree if "org.apache.spark.deploy.SparkSubmit" in cmdline(pid)]
    assert len(found) == 1, f"{len(found)} spark-submit JVMs among the transform's processes"
    return found[0]


def python_driver_in(tree: set[int]) -> int:
    """The driver program: the Python process spark-submit's JVM started (PythonRunner)."""
    jvm = spark_submit_in(tree)
    found = [pid for pid in tree if parent_of(pid) == jvm and "transform/__main__.py" in cmdline(pid)]
    assert len(found) == 1, f"{len(found)} Python drivers under spark-submit {jvm}"
    return found[0]


# The driver's cells, each before the first commit (commit: its own cell, after the undisturbed rerun):
# - the whole group SIGKILLed (a lost machine: etl.submit, spark-submit and the Python driver at once);
# - SIGTERM to etl.submit alone (a kill, a timeout, Airflow's on_kill): it stops the others and says where it was;
# - spark-submit's JVM alone, or the Python driver under it, SIGKILLed (the OOM killer's choice): etl.submit
#   names which died, in which phase, and what gold holds.
DRIVER_CELLS = [("Python driver", "SIGKILL", "read"), ("spark-submit (driver JVM)", "SIGKILL", "classify"),
                ("transform driver", "SIGTERM", "read"), ("transform driver", "SIGTERM", "classify"),
                ("transform driver", "SIGKILL", "write"), ("transform driver", "SIGTERM", "write")]
SAID = {
    "Python driver": "the Spark driver (spark-submit's JVM or its Python process) was ended by SIGKILL (exit 137) "
                     "during its {phase} phase",
    "spark-submit (driver JVM)": "spark-submit (the Spark driver's JVM) was killed by SIGKILL during its {phase} "
                                 "phase",
    "transform driver": "stopped by SIGTERM during its {phase} phase; spark-submit and its driver were stopped",
}
KEPT = "no table was written: gold is as the last published run left it"
LANDED = "(its commit landed as the run was stopped)"  # a table the stop message names from the Delta log
# A stop is the SIGTERM `etl stop` sends to the service's group, sent bare at the event, then the CLI's stop and
# start: one scenario, both columns of the matrix.
STOP_FAULTS = {"stop-then-start": ("SIGTERM", "stop-then-start")}


def send_fault(component: str, fault: str, process: subprocess.Popen, tree: set[int]) -> None:
    if component == "Python driver":
        os.kill(python_driver_in(tree), signal.SIGKILL)
    elif component == "spark-submit (driver JVM)":
        os.kill(spark_submit_in(tree), signal.SIGKILL)
    elif fault == "SIGKILL":
        os.killpg(process.pid, signal.SIGKILL)
    else:
        process.send_signal(signal.SIGTERM)


@pytest.mark.parametrize(("component", "fault", "phase"), [
    pytest.param(c, f, p, marks=pytest.mark.cell(component=c, fault=f, phase=p), id=f"{c.split()[0]}-{f}-{p}")
    for c, f, p in DRIVER_CELLS])
def test_driver_fault_mid_run_leaves_every_table_whole_and_says_which_moved(component, fault, phase, env,
                                                                          delta_spark):
    before = january(delta_spark, env)
    assert before[0].rows > 0
    name = f"driver-{component.split()[0]}-{fault}-{phase}"
    process, head = start_until(env, name, phase, own_group=True)
    try:
        if phase == "write":
            until_a_task_writes(head)
        tree = process_tree(process.pid)
        faulted_at = time.monotonic()
        send_fault(component, fault, process, tree)
        rest, _ = process.communicate(timeout=FAIL_BOUND_S)
        heard_in = time.monotonic() - faulted_at
        wait_until(lambda: not alive(tree), 30, f"the transform's processes {sorted(tree)} ending")
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    written = [json.loads(ln)["table"] for ln in head + rest.splitlines()
               if '"table_written"' in ln and '"unchanged":true' not in ln]
    if (component, fault) == ("transform driver", "SIGKILL"):
        assert process.returncode == -signal.SIGKILL  # nobody is left to speak: the next run must say what moved,
        # a commit that landed just before the kill included (its event unsaid: CI saw it, the quarantine's)
        written = assert_the_next_run_tells(env, name, killed=next(json.loads(ln) for ln in head
                                                                   if '"run_start"' in ln), said=written)
    else:
        # SIGTERM is a graceful stop: a write whose Spark job ends during the shutdown still commits (whole), and
        # the message must name it. The other faults come before the write phase.
        said = (Path(env["STDERR_DIR"]) / f"{name}.err").read_text().strip().splitlines()[-1]
        print(f"{component} {fault} at {phase} -> exit {process.returncode} in {heard_in:.1f} s: {said}")
        assert process.returncode == (128 + signal.SIGTERM if fault == "SIGTERM" else 1), said
        assert said.startswith(f"etl transform: error: {SAID[component].format(phase=phase)}"), said
        # A commit whose event the stop cut off is named from the Delta log (etl.submit's commits_not_reported).
        landed = [table for table in GOLD_TABLES if f" {table} {LANDED}" in said]
        named = all(f" {table} 2024-01" in said for table in written)
        assert said.endswith(KEPT) if not written + landed else named, said
        written += landed
        assert heard_in < FAIL_BOUND_S
    after = january(delta_spark, env)
    for table, was, now in zip(JANUARY_TABLES, before, after, strict=True):
        if table in written:  # committed whole, one version on
            assert (now.version, now.rows > 0) == (was.version + 1, True), f"{table}: {was} -> {now}"
        else:
            assert now == was, f"{table} moved but nothing said so: {was} -> {now}"  # rows, checksum, version
    assert fingerprint(delta_spark, env["GOLD_BUCKET"], "fact_trips", FEBRUARY).rows > 0


def assert_the_next_run_tells(env, name: str, killed: dict, said: list[str]) -> list[str]:
    """The next transform names the run that died (etl.transform.unfinished), before Spark starts, with the tables
    it had committed (at least those its events `said`): that run is stopped (SIGTERM) once it has said so.
    Returns the tables named, for the caller to check against gold."""
    stderr_file = Path(env["STDERR_DIR"]) / f"{name}-next.err"
    process = start_submit(env, stderr_file, "--run", env["NEW_RUN"], own_group=True)
    try:
        note = next((json.loads(ln) for ln in process.stdout if '"previous_unfinished"' in ln or '"run_start"' in ln),
                    None)
        process.send_signal(signal.SIGTERM)
        process.communicate(timeout=FAIL_BOUND_S)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    assert note and note["event"] == "previous_unfinished", f"the next run did not name the dead one: {note}"
    assert (note["run_id"], note["phase"]) == (killed["run_id"], "write"), note
    assert set(said) <= set(note["written"]), note
    text = stderr_file.read_text()
    assert f"etl transform: note: the previous transform, run {killed['run_id']} " in text, text[-2000:]
    tail = (f"it had committed {', '.join(note['written'])}; the other tables are as the run before it left them"
            if note["written"] else "it had committed no table: gold is as the run before it left it")
    assert tail in text, text[-2000:]
    print(f"transform driver SIGKILL at write -> the next run says it had committed {note['written'] or 'nothing'}")
    return note["written"]


@pytest.mark.parametrize("fault", [
    pytest.param(f, marks=pytest.mark.cell(component="MinIO", fault=STOP_FAULTS.get(f, f), phase="write"), id=f)
    for f in ("SIGKILL", "stop-then-start")])
def test_minio_gone_mid_write_fails_fast_naming_minio_and_keeps_the_month(fault, env, delta_spark, base_settings):
    before = january(delta_spark, env)
    process, head = start_until(env, f"minio-{fault}", own_group=True)
    stopped_at = None
    try:
        # SIGKILL: a lost MinIO. Stop-then-start: the stop `etl stop minio` makes (SIGTERM to its process group),
        # sent at the event itself (on a loaded machine the CLI's own start-up could outlast the write); the CLI
        # then finds it stopped and tidies its record.
        os.killpg(service_pid("minio"), signal.SIGKILL if fault == "SIGKILL" else signal.SIGTERM)
        stopped_at = time.monotonic()
        if fault == "stop-then-start":
            stop = etl_cli("stop", "minio", timeout=60)
            assert stop.returncode == 0, stop.stderr
        run = finish(process, Path(env["STDERR_DIR"]) / f"minio-{fault}.err", "".join(head),
                     timeout=FAIL_BOUND_S + 60)
        took = time.monotonic() - stopped_at
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        up = etl_cli("start", "minio", timeout=120)
        assert up.returncode == 0, up.stderr[-2000:]
    assert run.returncode == 1
    assert took < FAIL_BOUND_S, f"the job took {took:.0f} s to fail after MinIO went"
    print(f"MinIO {fault} -> the job exited in {took:.1f} s")
    error = run.done["error"]
    assert f"MinIO at {base_settings.minio_url} stopped answering during" in error, error
    assert "start MinIO" in error and "o1" not in error.split(";")[0]
    assert f"etl transform: error: MinIO at {base_settings.minio_url}" in run.stderr
    assert january(delta_spark, env) == before


def corrupt_page(data: bytes) -> bytes:
    """The sample file with garbage over its first data page header: footer and magic stay valid."""
    offset = pq.ParquetFile(io.BytesIO(data)).metadata.row_group(0).column(1).data_page_offset
    return data[:offset] + b"\xff" * 64 + data[offset + 64:]


def test_corrupt_page_names_the_object_and_keeps_gold(env, minio):
    raw, gold = env["RAWZONE_BUCKET"], env["GOLD_BUCKET"]
    key = "yellow_tripdata/year=2024/month=04/yellow_tripdata_2024-04.parquet"
    data = corrupt_page((PROJECT_ROOT / "Data_extracted" / "yellow_tripdata_2024-01.parquet").read_bytes())
    minio.put_object(raw, key, io.BytesIO(data), len(data))
    run_id, path = f"corrupt-page-{secrets.token_hex(3)}", f"s3a://{raw}/{key}"
    entry = {"kind": "trips", "month": "2024-04", "path": path, "bucket": raw, "key": key}
    manifest_run = {"run_id": run_id, "step": "extract", "status": "succeeded", "started_at": utc_now(),
                    "ended_at": utc_now(), "months": ["2024-04"], "files": [entry]}
    update_manifest(manifest_path(env["ETL_BACKUP_DIR"]), lambda doc: doc["runs"].append(manifest_run))
    before = snapshot(minio, gold)
    failed = submit(env, "corrupt-page", "--run", run_id)
    assert failed.returncode == 1
    assert failed.done["error"].startswith(f"cannot read {path}"), failed.done["error"]
    assert "An error occurred while calling" not in failed.done["error"]
    assert snapshot(minio, gold) == before


def test_rerun_of_a_month_with_new_input_replaces_it_whole(env, delta_spark):
    gold = env["GOLD_BUCKET"]
    february = fingerprint(delta_spark, gold, "fact_trips", FEBRUARY)
    run = submit(env, "new-january", "--run", env["NEW_RUN"])
    assert run.returncode == 0, run.stderr[-3000:]
    new = run.report["months"]["2024-01"]
    assert new["rows_read"] == 30_000
    fact = fingerprint(delta_spark, gold, "fact_trips", JANUARY)
    assert fact.rows == new["rows_kept"]  # the old month's rows are gone, not added to
    assert distinct_keys(delta_spark, gold, "fact_trips", "trip_key", JANUARY) == fact.rows
    assert fingerprint(delta_spark, gold, "quarantine/rejected_trips", REJECTED_JANUARY).rows == new["rows_rejected"]
    after_february = fingerprint(delta_spark, gold, "fact_trips", FEBRUARY)
    assert (after_february.rows, after_february.checksum) == (february.rows, february.checksum)
    UNDISTURBED["january"] = january(delta_spark, env)  # what a faulted run of the same input must converge to


JANUARY_TABLES = {"fact_trips": JANUARY, "mart_daily_zone": JANUARY, "quarantine/rejected_trips": REJECTED_JANUARY}


@pytest.mark.parametrize("fault", [
    pytest.param(f, marks=pytest.mark.cell(component="transform driver", fault=f, phase="commit"), id=f)
    for f in ("SIGKILL", "SIGTERM")])
def test_driver_stopped_between_commits_leaves_every_table_whole(fault, env, delta_spark):
    """Right after its first January commit, the whole group SIGKILLed (nobody left to speak), or etl.submit
    SIGTERMed (it stops the job, and says which tables had committed: those whose commit lands during the shutdown
    too). The tables committed hold the new run whole, the others the previous run whole; none half. Runs after the
    undisturbed rerun of the same input, so every table must read back as that rerun left it, whichever side of the
    fault its commit fell."""
    assert "january" in UNDISTURBED, "runs after the undisturbed rerun of the new January (same file, above)"
    gold = env["GOLD_BUCKET"]
    name = f"driver-{fault}-commit"
    before = {table: fingerprint(delta_spark, gold, table, where) for table, where in JANUARY_TABLES.items()}
    process, head = start_until(env, name, "write", own_group=True)
    committed, rest = [], ""
    try:
        for line in process.stdout:  # the first commit of a January table (a dimension may be skipped: unchanged)
            head.append(line)
            event = json.loads(line) if line.startswith('{"event":"table_written"') else {}
            if event.get("table") in JANUARY_TABLES and not event.get("unchanged"):
                if fault == "SIGKILL":
                    os.killpg(process.pid, signal.SIGKILL)
                else:
                    process.send_signal(signal.SIGTERM)
                committed.append(event["table"])
                break
        rest, _ = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    assert committed, f"the run ended before its first commit: {''.join(head)[-2000:]}"
    assert not any('"event":"run_done"' in line for line in head), "the fault came after the run ended"
    after = {table: fingerprint(delta_spark, gold, table, where) for table, where in JANUARY_TABLES.items()}
    for table in JANUARY_TABLES:
        assert (after[table].rows, after[table].checksum) == (before[table].rows, before[table].checksum), table
    moved = sorted(table for table in JANUARY_TABLES if after[table].version != before[table].version)
    print(f"driver {fault} after committing {committed[0]} -> January tables moved: {moved}")
    assert committed[0] in moved
    if fault == "SIGKILL":
        assert process.returncode == -signal.SIGKILL
        return
    said = (Path(env["STDERR_DIR"]) / f"{name}.err").read_text().strip().splitlines()[-1]
    print(f"  said: {said}")
    assert process.returncode == 128 + signal.SIGTERM, said
    assert said.startswith(f"etl transform: error: {SAID['transform driver'].format(phase='write')}"), said
    # Every January table that moved is named as committed (a commit during the shutdown included), and no other:
    # with its months when its event came, else as found in the Delta log (stopped between the commit and its event).
    written = {json.loads(ln)["table"] for ln in head + rest.splitlines()
               if '"table_written"' in ln and '"unchanged":true' not in ln}
    for table in moved:
        named = f" {table} 2024-01" if table in written else f" {table} {LANDED}"
        assert named in said, (table, said)


@pytest.mark.parametrize("fault", [
    pytest.param(f, marks=pytest.mark.cell(component="Spark master", fault=STOP_FAULTS.get(f, f), phase="write"),
                 id=f)
    for f in ("SIGKILL", "stop-then-start")])
def test_master_killed_mid_write_fails_fast_naming_it_and_no_table_is_half_written(fault, env, delta_spark,
                                                                                   base_settings):
    """The master dies (SIGKILL), or is stopped and started again, as the write begins. The application keeps the
    executors it was granted, so tables may still commit until the driver's watchdog finds the master silent (10 s)
    and cancels the rest: the run then fails naming the master and the tables it had committed. Whatever the timing,
    every table holds the rows of a whole run of this input (those of the undisturbed rerun before this cell), and
    only the tables named committed moved."""
    assert "january" in UNDISTURBED, "runs after the undisturbed rerun of the new January (same file, above)"
    gold = env["GOLD_BUCKET"]
    before = {table: fingerprint(delta_spark, gold, table, where) for table, where in JANUARY_TABLES.items()}
    process, head = start_until(env, f"master-{fault}", own_group=True)
    try:
        if fault == "SIGKILL":
            os.kill(service_pid("spark-master"), signal.SIGKILL)
        else:  # `etl stop spark-master`'s SIGTERM at the event itself, then the CLI's stop and start
            os.killpg(service_pid("spark-master"), signal.SIGTERM)
        killed_at = time.monotonic()
        if fault == "stop-then-start":
            for verb in ("stop", "start"):
                done = etl_cli(verb, "spark-master", timeout=180)
                assert done.returncode == 0, done.stderr[-2000:]
        run = finish(process, Path(env["STDERR_DIR"]) / f"master-{fault}.err", "".join(head),
                     timeout=FAIL_BOUND_S + 60)
        took = time.monotonic() - killed_at
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        up = etl_cli("start", "spark-master", timeout=180)
        assert up.returncode == 0, up.stderr[-2000:]
    # The stack recovers on its own: both workers register again with the restarted master.
    wait_until(lambda: alive_workers(base_settings.spark_ui_url) == 2, 120, "both workers back with the new master")
    after = {table: fingerprint(delta_spark, gold, table, where) for table, where in JANUARY_TABLES.items()}
    for table in JANUARY_TABLES:
        assert (after[table].rows, after[table].checksum) == (before[table].rows, before[table].checksum), table
    moved = sorted(table for table in JANUARY_TABLES if after[table].version != before[table].version)
    print(f"Spark master {fault} at the write -> exit {run.returncode} in {took:.1f} s; tables moved: {moved}")
    if run.returncode == 0:  # every commit landed before the watchdog's bound: a whole run, nothing to report
        assert moved == sorted(JANUARY_TABLES)
        return
    assert run.returncode == 1
    assert took < FAIL_BOUND_S, f"the job took {took:.0f} s to fail after the master died"
    error = run.done["error"]
    assert f"the Spark master at {base_settings.spark_master_url} stopped answering during" in error, error
    assert "start it (`etl up`) and run again" in error
    # Its labels: "fact_trips 2024-01" (a table's months) or a whole table's name.
    labels = error.split("this run had committed ")[1].split(";")[0].split(", ") if moved else []
    assert sorted({label.split(" ")[0] for label in labels} & set(JANUARY_TABLES)) == moved, error


def busy_executor(ui_url: str, app_id: str) -> dict | None:
    """An executor of the app running a task now (the driver's REST API), if any; None while the API is slow."""
    try:
        with urllib.request.urlopen(f"{ui_url}/api/v1/applications/{app_id}/executors", timeout=5) as answer:
            executors = json.load(answer)
    except OSError:  # TimeoutError included: a loaded driver answers late; asked again
        return None
    return next((e for e in executors if e["id"] != "driver" and e["activeTasks"] > 0), None)


def executor_process(app_id: str, executor_id: str) -> tuple[int, int]:
    """The executor's JVM (found by its arguments) and its parent, the worker that launched it."""
    for entry in Path("/proc").iterdir():
        try:
            args = (entry / "cmdline").read_bytes().split(b"\0")
            status = (entry / "status").read_text()
        except (OSError, ValueError):
            continue
        words = [a.decode(errors="replace") for a in args]
        if "--app-id" in words and app_id in words and words[words.index("--executor-id") + 1] == executor_id:
            return int(entry.name), int(status.split("PPid:")[1].split()[0])
    raise AssertionError(f"no process for executor {executor_id} of {app_id}")


def worker_named(pid: int) -> str:
    for record in (state_dir() / "pids").glob("spark-worker-*.json"):
        if json.loads(record.read_text())["pid"] == pid:
            return record.stem
    raise AssertionError(f"process {pid} is not one of the stack's workers")


@pytest.mark.parametrize("fault", [
    pytest.param(f, marks=pytest.mark.cell(component="Spark worker + executor", fault=STOP_FAULTS.get(f, f),
                                           phase="write"), id=f)
    for f in ("SIGKILL", "stop-then-start")])
def test_a_worker_killed_with_a_task_running_costs_a_retry_not_the_run_nor_a_row(fault, env, delta_spark,
                                                                                  base_settings):
    """The worker whose executor runs a write task goes: SIGKILL to both (a lost machine), or `etl stop`'s SIGTERM
    to its group (the worker and its executor) at the event, then the CLI's stop and start while the job goes on.
    Spark runs the task again on the other worker, Delta commits only the files of tasks that finished; the run
    succeeds with the gold an undisturbed run wrote, and the restarted worker is back in the cluster."""
    gold = env["GOLD_BUCKET"]
    process, head = start_until(env, f"worker-{fault}", own_group=True)
    worker, started = "", False
    try:
        start, busy = until_a_task_writes(head)
        executor, parent = executor_process(start["app_id"], busy["id"])
        worker = worker_named(parent)
        if fault == "SIGKILL":
            os.kill(parent, signal.SIGKILL)
            os.kill(executor, signal.SIGKILL)
        else:
            os.killpg(parent, signal.SIGTERM)
            for verb in ("stop", "start"):
                done = etl_cli(verb, worker, timeout=180)
                assert done.returncode == 0, done.stderr[-2000:]
            started = True
        run = finish(process, Path(env["STDERR_DIR"]) / f"worker-{fault}.err", "".join(head), timeout=300)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        if worker and not started:
            up = etl_cli("start", worker, timeout=180)
            assert up.returncode == 0, up.stderr[-2000:]
    assert run.returncode == 0, run.stderr[-3000:]
    new = run.report["months"]["2024-01"]
    fact = fingerprint(delta_spark, gold, "fact_trips", JANUARY)
    assert (new["rows_read"], fact.rows) == (30_000, new["rows_kept"])
    assert distinct_keys(delta_spark, gold, "fact_trips", "trip_key", JANUARY) == fact.rows, "a retried task twice"
    if "january" in UNDISTURBED:  # the whole file ran: the same rows and values as the undisturbed run
        assert [(f.rows, f.checksum) for f in january(delta_spark, env)] == \
            [(f.rows, f.checksum) for f in UNDISTURBED["january"]]
    wait_until(lambda: alive_workers(base_settings.spark_ui_url) == 2, 120, "both workers in the cluster")
