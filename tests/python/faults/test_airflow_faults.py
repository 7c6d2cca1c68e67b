"""Fault matrix, Airflow: the clean_and_transform task's process SIGKILLed or SIGTERMed as the transform writes,
the scheduler SIGKILLed, SIGTERMed or SIGSTOPped while a task runs, the API server SIGSTOPped then, and Airflow
stopped and started again then.
On the native stack the CLI started with Airflow (ETL_DAG_RETRIES=0, as CI starts it), through the user's path:
`etl trigger --month 2024-02 --source sample`, whose rows gold already holds (the stack's sample),
so a whole run of it leaves February's rows as they were.

Each fault comes on an observable event: the task's log showing the transform's write phase; the trigger's stream
showing clean_and_transform running. Every cell leaves Airflow up and healthy (finally)."""
from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest
from support_cli import ETL_CLI, etl_cli
from support_spark_stack import alive, cmdline, parent_of, process_tree, service_pid, state_dir, wait_until

from etl.config import PROJECT_ROOT
from etl.delta_snapshot import NotADeltaTable, s3_snapshot
from etl.transform.report import QUALITY_PREFIX

HEARD_BOUND_S = 60
FEBRUARY = {"fact_trips": {"pickup_year": "2024", "pickup_month": "2"},
            "mart_daily_zone": {"pickup_year": "2024", "pickup_month": "2"},
            "mart_hourly_demand": {"pickup_year": "2024", "pickup_month": "2"},
            "quarantine/rejected_trips": {"source_year": "2024", "source_month": "2"}}


def february(minio, bucket: str) -> dict[str, tuple[int | None, int]]:
    """table -> (February's rows from the Delta log's stats, table version): no Spark, a second."""
    result = {}
    for table, partition in FEBRUARY.items():
        try:
            snapshot = s3_snapshot(minio, bucket, table)
        except NotADeltaTable:  # a fresh gold: no run has written it yet
            result[table] = (0, -1)
            continue
        result[table] = (snapshot.partition_rows(partition), snapshot.version)
    return result


def quality_report(minio, bucket: str, transform_run: str) -> dict:
    answer = minio.get_object(bucket, f"{QUALITY_PREFIX}/{transform_run}.json")
    try:
        return json.loads(answer.read())
    finally:
        answer.close()
        answer.release_conn()


def rows(gold: dict[str, tuple[int | None, int]]) -> dict[str, int | None]:
    return {table: count for table, (count, _) in gold.items()}


class Trigger:
    """`etl trigger --month 2024-02 --source sample`, its stream (stderr) read from a file as it grows."""

    def __init__(self, folder: Path, name: str):
        self.output = folder / f"{name}.out"
        with open(self.output, "w") as out:
            self.process = subprocess.Popen([*ETL_CLI, "trigger", "--month", "2024-02", "--source", "sample"],
                                            cwd=PROJECT_ROOT, stdout=out, stderr=subprocess.STDOUT, text=True)

    @property
    def text(self) -> str:
        return self.output.read_text()

    def saw(self, line: str) -> bool:
        if self.process.poll() is not None and line not in self.text:
            raise AssertionError(f"etl trigger ended (exit {self.process.returncode}) before '{line}':\n{self.text}")
        return line in self.text

    @property
    def run_id(self) -> str:
        return re.search(r"run (\S+) queued", self.text).group(1)

    def finish(self, timeout: float) -> int:
        return self.process.wait(timeout)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


def task_log(run_id: str, attempt: int = 1) -> Path:
    return (state_dir() / "airflow" / "logs" / "dag_id=etl_pipeline" / f"run_id={run_id}" /
            "task_id=clean_and_transform" / f"attempt={attempt}.log")


def writing(trigger: Trigger) -> bool:
    log = task_log(trigger.run_id) if trigger.saw("clean_and_transform running") else None
    return bool(log and log.exists() and '"event":"phase","phase":"write"' in log.read_text().replace('\\"', '"'))


def transform_run_id(run_id: str, attempt: int = 1) -> str:
    """The transform's own run id, from its run_start event in the task's log."""
    log = task_log(run_id, attempt)
    found = re.search(r'"event":"run_start","run_id":"([^"]+)"', log.read_text().replace('\\"', '"'))
    assert found, f"no run_start event in {log}"
    return found.group(1)


def dag_run_end(run_id: str) -> str | None:
    """The state Airflow's scheduler logged the DAG run ending in (`DagRun Finished: … state=success`), if it has."""
    found = re.search(rf"DagRun Finished: dag_id=etl_pipeline, [^\n]*run_id={re.escape(run_id)},[^\n]* state=(\w+)",
                      (state_dir() / "logs" / "airflow.log").read_text(errors="replace"))
    return found.group(1) if found else None


def airflow_transform() -> tuple[int, int]:
    """(etl.submit, the Airflow task process running it): the task runner is titled `airflow worker -- <ti id>`."""
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and "-m etl.submit" in cmdline(int(entry.name)):
            submit = int(entry.name)
            try:
                runner = parent_of(submit)
            except OSError:
                continue
            if cmdline(runner).startswith("airflow worker -- ") and "LocalExecutor" not in cmdline(runner):
                return submit, runner
    raise AssertionError("no etl.submit under an Airflow task process")


def airflow_status() -> tuple[str, str]:
    """Airflow's state and URL as `etl status` shows them (`● Airflow  running  <pid>  <url>`)."""
    status = etl_cli("status", timeout=60)
    words = next((ln.split() for ln in status.stdout.splitlines() if re.search(r"\bAirflow\b", ln)), [])
    return (words[2], words[-1]) if len(words) > 3 else ("missing", "")


def airflow_state() -> str:
    return airflow_status()[0]


def airflow_note() -> str:
    """The line `etl status` prints under Airflow (`    ↳ …`, what its supervisor restarted), or ''."""
    status = etl_cli("status", timeout=60)
    lines = status.stdout.splitlines()
    row = next((i for i, ln in enumerate(lines) if re.search(r"\bAirflow\b", ln)), len(lines))
    after = lines[row + 1] if row + 1 < len(lines) else ""
    return after.strip()[2:] if after.strip().startswith("↳") else ""


def healthy(url: str) -> bool:
    """Airflow's health answer (what `etl status` asks): the metadata DB and the scheduler healthy."""
    try:
        with urllib.request.urlopen(f"{url}/api/v2/monitor/health", timeout=5) as answer:
            health = json.load(answer)
    except OSError:
        return False
    return health["metadatabase"]["status"] == health["scheduler"]["status"] == "healthy"


def restore_airflow(url: str) -> None:
    """Airflow up and healthy, as the cells found it: started again as it was (start_airflow) if it is not."""
    try:
        wait_until(lambda: healthy(url), 60, "Airflow healthy again", every=1)
    except AssertionError:
        etl_cli("stop", "airflow", timeout=120)
        start_airflow()


# What Airflow's tasks take from the environment `etl start airflow` runs in: its manifest, logs, locks, retries.
AIRFLOW_STATE = ("ETL_BACKUP_DIR", "ETL_LOG_DIR", "ETL_LOCK_DIR", "ETL_DAG_RETRIES")
STARTED_WITH: dict[str, str | None] = {}


def start_airflow() -> None:
    """`etl start airflow` with the settings Airflow was first started with (by `etl up`), not this test's tmp
    folders (tests/python/conftest.py isolated_state): its tasks then read the manifest they were given."""
    given = {key: value for key, value in STARTED_WITH.items() if value is not None}
    up = etl_cli("start", "airflow", timeout=300, env=given, unset=tuple(k for k in STARTED_WITH if k not in given))
    assert up.returncode == 0, up.stderr[-2000:]


def process_environ(pid: int) -> dict[str, str]:
    pairs = Path(f"/proc/{pid}/environ").read_bytes().decode(errors="replace").split("\0")
    return dict(pair.split("=", 1) for pair in pairs if "=" in pair)


@pytest.fixture(scope="module")
def airflow_up() -> str:
    """Airflow's URL; these cells need the native stack with Airflow up."""
    state, url = airflow_status()
    assert state == "running", f"Airflow is {state}: these cells need the native stack with `etl up --with airflow`"
    environ = process_environ(service_pid("airflow"))
    STARTED_WITH.update({key: environ.get(key) for key in AIRFLOW_STATE})
    return url


def cells(component: str, phase: str, faults: tuple[str, ...] = ("SIGKILL", "SIGTERM")):
    return pytest.mark.parametrize("fault", [
        pytest.param(f, marks=pytest.mark.cell(component=component, fault=f, phase=phase), id=f) for f in faults])


@cells("Airflow task", "write")
def test_task_killed_mid_write_fails_the_run_and_its_transform_dies_with_it(fault, airflow_up, minio, base_settings,
                                                                           tmp_path):
    """SIGKILL: the task's process dies without its on_kill: etl.submit (and the spark-submit JVM under it) die
    with it (etl.lifeline). SIGTERM (a task cancelled, a worker shut down): Airflow runs the operator's on_kill,
    which stops the command's process group. Either way nothing publishes after Airflow has reported it failed."""
    gold = base_settings.gold_bucket
    before = february(minio, gold)
    trigger = Trigger(tmp_path, f"task-{fault}")
    doomed: set[int] = set()
    try:
        wait_until(lambda: writing(trigger), 120, "the transform's write phase in the task's log", every=0.1)
        submit, runner = airflow_transform()
        doomed = process_tree(submit)  # etl.submit, the spark-submit JVM, the Python driver
        os.kill(runner, getattr(signal, fault))
        killed_at = time.monotonic()
        code = trigger.finish(HEARD_BOUND_S)
        heard = time.monotonic() - killed_at
        at_failure = february(minio, gold)
        wait_until(lambda: not alive(doomed), 15, f"the transform's processes {sorted(doomed)} ending")
    finally:
        trigger.stop()
        for pid in alive(doomed):
            os.kill(pid, signal.SIGKILL)
    print(f"task {fault} at the write -> etl trigger exit {code} in {heard:.1f} s; {len(doomed)} processes ended")
    assert code == 1, trigger.text
    assert f"error: run {trigger.run_id} failed" in trigger.text
    assert "clean_and_transform failed" in trigger.text, trigger.text
    logged = task_log(trigger.run_id).read_text().replace('\\"', '"')
    assert '"event":"table_written"' not in logged, "a table committed before the kill: it did not come mid-write"
    # Whole months only (the same rows: the same input), and nothing published once the failure was reported.
    assert rows(at_failure) == rows(before), (before, at_failure)
    assert february(minio, gold) == at_failure, "the transform published after Airflow reported it failed"
    # The killed run never finished: no quality report of it (an orphaned transform used to publish one and gold,
    # seconds after Airflow had said failed).
    report = f"{QUALITY_PREFIX}/{transform_run_id(trigger.run_id)}.json"
    assert not [o for o in minio.list_objects(gold, prefix=report)], f"the killed transform published {report}"


# (process, title it runs under, fault): the scheduler dies, shuts down or hangs; the API server hangs.
SUPERVISED = [("scheduler", "airflow scheduler", "SIGKILL"), ("scheduler", "airflow scheduler", "SIGTERM"),
              ("scheduler", "airflow scheduler", "SIGSTOP"), ("API server", "airflow api_server", "SIGSTOP")]
# How the supervisor's line says it ended (a SIGTERMed scheduler may also exit, or hang and be killed as silent).
ENDED = {"SIGKILL": "was killed by SIGKILL", "SIGTERM": r"was killed by SIGTERM|exited with status \d+|stopped "
         r"heartbeating for \d+ s and was killed by its supervisor",
         "SIGSTOP": r"stopped (?:heartbeating|answering) for \d+ s and was killed by its supervisor"}


@pytest.mark.parametrize("process,title,fault", [
    pytest.param(name, title, f, marks=pytest.mark.cell(component=f"Airflow {name}", fault=f, phase="task"),
                 id=f"{name.split()[0]}-{f}") for name, title, f in SUPERVISED])
def test_a_process_killed_or_hung_during_a_task_is_restarted_and_the_run_succeeds(process, title, fault, airflow_up,
                                                                                  minio, base_settings, tmp_path):
    """The supervisor (etl.airflow_supervisor) names the dead scheduler and starts it again; the task goes on (it
    reports to the API server) and the new scheduler ends the run: success, gold as an undisturbed run leaves it.
    A SIGTERMed scheduler shuts down first (its executor waits for the task it runs). A SIGSTOPped one is a hung
    scheduler: alive, silent; the supervisor kills it once it has missed its heartbeats. A SIGSTOPped API server
    hangs every call to it, the task's and `etl trigger`'s: the supervisor kills it once it has not answered for
    40 s, `etl trigger` waits it out (saying so) and follows the run to its end. These runs are also the reruns the
    task cells above converge by."""
    gold = base_settings.gold_bucket
    before = february(minio, gold)
    log = state_dir() / "logs" / "airflow.log"
    start = log.stat().st_size
    supervisor = service_pid("airflow")
    trigger = Trigger(tmp_path, f"{process.split()[0]}-{fault}")
    try:
        wait_until(lambda: trigger.saw("clean_and_transform running"), 120, "clean_and_transform running", 0.1)
        # The title first: parent_of reads /proc, and a short-lived process of the tree may have ended meanwhile.
        victim = next(pid for pid in process_tree(supervisor) if (cmdline(pid).startswith(title) or
                      f"bin/{title}" in cmdline(pid)) and parent_of(pid) == supervisor)
        os.kill(victim, getattr(signal, fault))
        killed_at = time.monotonic()
        said = re.compile(rf"Airflow's {process} \(pid {victim}\) ({ENDED[fault]}); started it again")
        wait_until(lambda: said.search(log.read_bytes()[start:].decode(errors="replace")), HEARD_BOUND_S,
                   f"the supervisor naming the {process} in the Airflow log", 0.2)
        named = time.monotonic() - killed_at
        wait_until(lambda: airflow_state() == "running", HEARD_BOUND_S, "`etl status`: Airflow running", every=2)
        note = airflow_note()  # what a user who asks sees, not only the log
        code = trigger.finish(120)
        took = time.monotonic() - killed_at
    finally:
        trigger.stop()
        restore_airflow(airflow_up)
    print(f"{process} {fault} during the task -> named in {named:.1f} s, run ended in {took:.1f} s (exit {code})")
    assert code == 0, trigger.text
    assert f"run {trigger.run_id}: success" in trigger.text
    assert note.startswith(f"Airflow's {process} (pid {victim}) "), note
    assert "its supervisor started it again" in note, note
    if fault == "SIGSTOP":
        assert "heartbeating for" in note if process == "scheduler" else "answering for" in note, note
    if process == "API server":  # `etl trigger` said it waits, and that Airflow answers again
        assert "cannot reach Airflow at" in trigger.text and "(TimeoutError): waiting up to 120 s" in trigger.text
        assert re.search(r"Airflow answers again, after \d+ s without an answer; following run", trigger.text)
    after = february(minio, gold)
    # Gold as an undisturbed run leaves it: February's rows are the ones this run's report counted, and those gold
    # held before when an earlier run of the same sample had published them.
    month = quality_report(minio, gold, transform_run_id(trigger.run_id))["months"]["2024-02"]
    assert (after["fact_trips"][0], after["quarantine/rejected_trips"][0]) == \
        (month["rows_kept"], month["rows_rejected"]), (month, after)
    assert after["mart_daily_zone"][0] > 0 and after["mart_hourly_demand"][0] > 0, after
    assert before["fact_trips"][0] == 0 or rows(after) == rows(before), (before, after)
    assert after["fact_trips"][1] > before["fact_trips"][1], "the run committed February again"
    # The dead scheduler's idle workers are stopped: what is left in Airflow's group is the supervisor's tree.
    wait_until(lambda: not orphans(supervisor), 30, "no process of the dead scheduler left")


@pytest.mark.cell(component="Airflow (its three processes)", fault="stop-then-start", phase="task")
def test_airflow_stopped_during_a_task_runs_it_again_once_started(airflow_up, minio, base_settings, tmp_path):
    """`etl stop airflow` as the transform writes (a user stopping the stack, a laptop shut): `etl trigger` names
    Airflow at once, nothing of the task outlives the stop (its transform dies with it, etl.lifeline), and once
    `etl start airflow` runs, the new scheduler finds the task orphaned and runs it again (a new attempt, not a
    retry: CI's ETL_DAG_RETRIES=0): the DAG run ends in success with February's rows as an undisturbed run."""
    gold = base_settings.gold_bucket
    before = february(minio, gold)
    trigger = Trigger(tmp_path, "airflow-stop")
    try:
        wait_until(lambda: writing(trigger), 120, "the transform's write phase in the task's log", every=0.1)
        doomed = process_tree(airflow_transform()[0])
        stopped_at = time.monotonic()
        stop = etl_cli("stop", "airflow", timeout=120)
        assert stop.returncode == 0, stop.stderr[-2000:]
        code = trigger.finish(HEARD_BOUND_S)
        heard = time.monotonic() - stopped_at
        wait_until(lambda: not alive(doomed), 15, f"the transform's processes {sorted(doomed)} ending")
        start_airflow()
        ended = wait_until(lambda: dag_run_end(trigger.run_id), 240, "the DAG run ending after the start", every=1)
    finally:
        trigger.stop()
        restore_airflow(airflow_up)
    print(f"Airflow stopped during the task -> etl trigger exit {code} in {heard:.1f} s; the run ended {ended}")
    assert code == 1, trigger.text
    assert "cannot reach Airflow at" in trigger.text and "`etl start airflow`" in trigger.text, trigger.text
    assert f"while following run {trigger.run_id}: the run is not finished, and not lost" in trigger.text
    assert heard < HEARD_BOUND_S
    assert ended == "success"
    month = quality_report(minio, gold, transform_run_id(trigger.run_id, attempt=2))["months"]["2024-02"]
    after = february(minio, gold)
    assert (after["fact_trips"][0], after["quarantine/rejected_trips"][0]) == \
        (month["rows_kept"], month["rows_rejected"]), (month, after)
    assert before["fact_trips"][0] == 0 or rows(after) == rows(before), (before, after)


def orphans(supervisor: int) -> list[int]:
    group = os.getpgid(supervisor)
    ours = process_tree(supervisor)
    return [int(e.name) for e in Path("/proc").iterdir() if e.name.isdigit() and int(e.name) not in ours
            and _group(int(e.name)) == group]


def _group(pid: int) -> int | None:
    try:
        return int((Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[2])
    except (OSError, IndexError):
        return None

