"""etl.airflow_supervisor: how an end is told, when restarts become a crash loop, which processes are a dead
scheduler's leftovers, a silent scheduler, DAG processor or API server, the health probe, and the restart loop on
real (tiny) processes."""
from __future__ import annotations

import functools
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from etl.airflow_supervisor import Health, StartLimit, Supervisor, health_probe, how_it_ended, idle_orphans, silent_for
from etl.config import PROJECT_ROOT


def test_how_it_ended():
    assert how_it_ended(-signal.SIGKILL) == "was killed by SIGKILL"
    assert how_it_ended(-signal.SIGTERM) == "was killed by SIGTERM"
    assert how_it_ended(1) == "exited with status 1"
    assert how_it_ended(-200) == "was killed by signal 200"


def test_ends_soon_after_the_start_in_a_row_are_a_crash_loop():
    limit = StartLimit(starts=3, start_s=30)
    assert [limit.allows("scheduler", lived) for lived in (2, 5)] == [True, True]
    assert limit.allows("API server", 1)  # counted per process
    assert limit.allows("scheduler", 600)  # it had started: a crash, and the count starts again
    assert [limit.allows("scheduler", lived) for lived in (2, 2, 2)] == [True, True, False]


def test_killed_again_and_again_after_starting_is_never_a_loop():
    limit = StartLimit(starts=3, start_s=30)
    assert all(limit.allows("scheduler", 45) for _ in range(10))


GROUP = ME = 100


def test_idle_orphans_are_the_dead_schedulers_idle_processes_only():
    table = {ME: (1, GROUP),
             101: (ME, GROUP), 102: (ME, GROUP), 103: (ME, GROUP),  # the three
             108: (101, GROUP),  # the live scheduler's worker
             104: (1, GROUP),  # a dead scheduler's idle worker: re-parented to init
             105: (1, GROUP), 106: (105, GROUP),  # one still running a task (its task runner, 106)
             107: (1, 555),  # another group's
             109: (ME, GROUP)}  # re-parented to this process (when it is pid 1)
    assert idle_orphans(table, ME, GROUP, {101, 102, 103}) == [104, 109]


def test_a_process_that_keeps_dying_stops_the_supervisor(capsys):
    argv = {"scheduler": [sys.executable, "-c", "import sys; sys.exit(3)"],
            "API server": [sys.executable, "-c", "import time; time.sleep(60)"]}
    supervisor = Supervisor(argv, StartLimit(starts=3, start_s=30))
    try:
        for name in argv:
            supervisor.start(name)
        outcomes = []
        deadline = time.monotonic() + 30
        while (not outcomes or outcomes[-1]) and time.monotonic() < deadline:
            supervisor.children["scheduler"].wait(10)
            outcomes.append(supervisor.check())
        server = supervisor.children["API server"]
        assert outcomes == [True, True, False]
        assert server.poll() is None  # untouched until the stop
    finally:
        supervisor.stop()
    assert server.returncode == -signal.SIGTERM
    said = capsys.readouterr().err
    assert said.count("exited with status 3; started it again") == 2
    assert "exited with status 3, 3 times in a row within 30 s of its start; stopping Airflow" in said
    assert "stopping Airflow" in said and "`etl start airflow` starts it again" in said


def test_its_children_end_when_the_supervisor_is_sigkilled(tmp_path):
    """Nothing of Airflow outlives a SIGKILLed supervisor (its three get SIGTERM from the kernel)."""
    code = ("import sys; from etl.airflow_supervisor import Supervisor; "
            "s = Supervisor({'API server': [sys.executable, '-c', 'import time; time.sleep(60)']}); "
            "print(s.start('API server').pid, flush=True); import time; time.sleep(60)")
    supervisor = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True,
                                  env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT / "src")})
    child = int(supervisor.stdout.readline())
    supervisor.kill()
    supervisor.wait()
    deadline = time.monotonic() + 10
    while running(child) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not running(child), "the child outlived its SIGKILLed supervisor"


def running(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


SCHEDULER = ("import os, subprocess, sys, time; "
             "worker = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(120)']); "
             "print(os.getpid(), worker.pid, flush=True); time.sleep(120)")
SUPERVISOR = ("import sys; from etl.airflow_supervisor import Supervisor, run; "
              f"sys.exit(run(Supervisor({{'scheduler': [sys.executable, '-c', {SCHEDULER!r}]}})))")


def test_a_killed_scheduler_is_restarted_and_a_stop_leaves_nothing_of_the_group():
    """A scheduler SIGKILLed leaves its worker behind (re-parented out of the group); the supervisor starts it
    again, and SIGTERM stops the new one and the old one's worker: nothing of the group is left."""
    supervisor = subprocess.Popen([sys.executable, "-c", SUPERVISOR], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  text=True, start_new_session=True,
                                  env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT / "src")})
    try:
        scheduler, worker = map(int, supervisor.stdout.readline().split())
        os.kill(scheduler, signal.SIGKILL)
        again, _ = map(int, supervisor.stdout.readline().split())  # started again
        assert again != scheduler  # its worker, left behind, may be swept meanwhile: stopped either way
        supervisor.terminate()
        assert supervisor.wait(30) == 0
        deadline = time.monotonic() + 10
        while group_members(supervisor.pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not group_members(supervisor.pid)
    finally:
        if supervisor.poll() is None:
            os.killpg(supervisor.pid, signal.SIGKILL)
        for pid in group_members(supervisor.pid):
            os.kill(pid, signal.SIGKILL)
    assert f"Airflow's scheduler (pid {scheduler}) was killed by SIGKILL; started it again (pid {again})" in \
        supervisor.stderr.read()


def group_members(group: int) -> list[int]:
    members = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                state, _, pgid = (entry / "stat").read_text().rsplit(")", 1)[1].split()[:3]
            except (OSError, ValueError):
                continue
            if int(pgid) == group and state != "Z":
                members.append(int(entry.name))
    return members


T0 = datetime(2026, 12, 6, 3, 0, tzinfo=UTC)


def test_silence_counts_from_the_last_heartbeat_or_the_start_when_later():
    assert silent_for(T0, T0 - timedelta(minutes=5), T0 + timedelta(seconds=41)) == 41
    # Just restarted: the endpoint still names the previous scheduler's last beat; the new one's start counts.
    assert silent_for(T0 - timedelta(minutes=5), T0, T0 + timedelta(seconds=10)) == 10
    assert silent_for(None, T0 - timedelta(hours=1), T0) == 0  # Airflow cannot tell: never taken for silence


SLEEPER = [sys.executable, "-c", "import time; time.sleep(60)"]


def test_a_silent_scheduler_is_killed_and_started_again_and_a_beating_one_is_left(capsys):
    health = {"now": Health(answered=False)}
    supervisor = Supervisor({"scheduler": SLEEPER}, health=lambda: health["now"], silent_s=40)
    try:
        first = supervisor.start("scheduler")
        supervisor.check_alive()  # no answer from Airflow's health endpoint
        health["now"] = Health(True, {"scheduler": datetime.now(UTC)})
        supervisor.check_alive()  # beating
        assert first.poll() is None
        supervisor.started_at["scheduler"] -= timedelta(minutes=5)
        health["now"] = Health(True, {"scheduler": datetime.now(UTC) - timedelta(seconds=45)})
        supervisor.check_alive()
        assert first.wait(10) == -signal.SIGKILL
        assert supervisor.check()
        again = supervisor.children["scheduler"]
        assert again.pid != first.pid and again.poll() is None
        supervisor.check_alive()  # the new one's own start counts, not the old beat
        supervisor.started_at["scheduler"] -= timedelta(seconds=50)
        supervisor.check_alive()  # 50 s without a first beat: a slow start, not a hang
        assert again.poll() is None
    finally:
        supervisor.stop()
    said = capsys.readouterr().err
    assert f"Airflow's scheduler (pid {first.pid}) stopped heartbeating for 45 s and was killed by its supervisor; " \
        f"started it again (pid {again.pid})" in said, said


def test_each_process_is_judged_by_its_own_sign_of_life(capsys):
    """The DAG processor by its own heartbeat; the API server by its answers to the health probe; the scheduler is
    never blamed while the API server does not answer (Airflow cannot tell then)."""
    health = {"now": Health(answered=False)}
    argv = {"scheduler": SLEEPER, "DAG processor": SLEEPER, "API server": SLEEPER}
    supervisor = Supervisor(argv, health=lambda: health["now"], silent_s=40)
    try:
        first = {name: supervisor.start(name) for name in argv}
        for name in argv:
            supervisor.started_at[name] -= timedelta(minutes=5)
        old = datetime.now(UTC) - timedelta(minutes=4)
        health["now"] = Health(True, {"scheduler": datetime.now(UTC), "DAG processor": old})
        supervisor.check_alive()  # the API server answers, the scheduler beats, the DAG processor is silent
        assert first["DAG processor"].wait(10) == -signal.SIGKILL
        assert first["scheduler"].poll() is None and first["API server"].poll() is None
        assert supervisor.check()
        health["now"] = Health(answered=False)
        supervisor.answered_at -= timedelta(seconds=41)  # the API server has not answered for 41 s
        supervisor.check_alive()
        assert first["API server"].wait(10) == -signal.SIGKILL
        assert first["scheduler"].poll() is None, "a scheduler blamed while nobody could tell"
        assert supervisor.check()
        again = supervisor.children["API server"]
        supervisor.started_at["API server"] -= timedelta(seconds=90)
        supervisor.check_alive()  # 90 s without a first answer since its start: a slow start, not a hang
        assert again.poll() is None
    finally:
        supervisor.stop()
    said = capsys.readouterr().err
    assert f"Airflow's DAG processor (pid {first['DAG processor'].pid}) stopped heartbeating for 240 s and was " \
        "killed by its supervisor; started it again" in said, said
    assert f"Airflow's API server (pid {first['API server'].pid}) stopped answering for 41 s and was killed by " \
        "its supervisor; started it again" in said, said


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:  # the test's output is the probe's, not the server's
        pass


@contextmanager
def http_folder(root: Path) -> Iterator[str]:
    """A real HTTP server of root's files on a free loopback port, for the probe to ask."""
    handler = functools.partial(QuietHandler, directory=str(root))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_the_health_probe_reads_what_airflow_says(tmp_path):
    """Airflow 3.1's /api/v2/monitor/health, served from a folder by a real HTTP server: both heartbeats; none when
    the metadata DB is unhealthy; no answer when nothing listens."""
    beat = "2026-12-06T07:17:58.214056+00:00"
    api = tmp_path / "api" / "v2" / "monitor"
    api.mkdir(parents=True)
    with http_folder(tmp_path) as url:
        (api / "health").write_text(json.dumps({
            "metadatabase": {"status": "healthy"},
            "scheduler": {"status": "healthy", "latest_scheduler_heartbeat": beat},
            "triggerer": {"status": None, "latest_triggerer_heartbeat": None},
            "dag_processor": {"status": "healthy", "latest_dag_processor_heartbeat": None}}))
        assert health_probe(url)() == Health(True, {"scheduler": datetime.fromisoformat(beat)})
        (api / "health").write_text(json.dumps({"metadatabase": {"status": "unhealthy"}}))
        assert health_probe(url)() == Health(answered=True)
    assert health_probe(url)() == Health(answered=False)


DRAINING = ("import signal, sys, time\n"
            "def drain(*_):\n"
            "    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # a second SIGTERM ends the wait\n"
            "    time.sleep(60)  # as LocalExecutor.end() waits for a running task\n"
            "signal.signal(signal.SIGTERM, drain)\n"
            "time.sleep(60)\n")


def test_a_stop_does_not_wait_for_a_schedulers_running_tasks(capsys):
    """Airflow's scheduler, SIGTERMed, waits for its running tasks; a second SIGTERM ends that wait. The stop sends
    it: seconds, not the 20 s grace (the tasks are stopped with the group anyway)."""
    supervisor = Supervisor({"scheduler": [sys.executable, "-c", DRAINING]})
    scheduler = supervisor.start("scheduler")
    deadline = time.monotonic() + 10
    while not catches_sigterm(scheduler.pid) and time.monotonic() < deadline:  # its handler installed
        time.sleep(0.02)
    started = time.monotonic()
    supervisor.stop()
    took = time.monotonic() - started
    assert scheduler.returncode == 0, scheduler.returncode  # ended by the second SIGTERM, not killed
    assert took < 10, f"the stop waited {took:.1f} s"
    assert f"Airflow's scheduler (pid {scheduler.pid}) waits for its running tasks to stop it; not waiting" in \
        capsys.readouterr().err


def catches_sigterm(pid: int) -> bool:
    caught = next(line for line in Path(f"/proc/{pid}/status").read_text().splitlines() if line.startswith("SigCgt:"))
    return bool(int(caught.split()[1], 16) & (1 << (signal.SIGTERM - 1)))
