"""Native Airflow's three processes (scheduler, DAG processor, API server) under one supervisor.

    python src/etl/airflow_supervisor.py      # scripts/airflow-native.sh execs it (stdlib only, any python)

Before, a scheduler that died (SIGKILL, OOM) left the API server answering and every DAG run 'running' forever,
noticed only by the health check. Now the one that ends is named with how it ended and started again at once, so
a running task goes on (LocalExecutor task processes report to the API server, not to the scheduler) and the new
scheduler ends the DAG run. One that cannot start (it ended less than START_S after its start, STARTS times in a
row: a crash loop, not a crash) stops Airflow and this process exits 1: `etl status` shows Airflow stopped, its
log says why. One alive but silent is killed and started again: the scheduler or the DAG processor with no
heartbeat for SILENT_S (per Airflow's own health endpoint, while the metadata DB answers; a SIGTERMed scheduler waits
for its tasks and can hang there for good, LocalExecutor.end() joins its workers without a bound,
apache/airflow#67870, and no run would end meanwhile), the API server when that endpoint has not answered for
SILENT_S (every task reports to it, and every `etl trigger` and Runs view reads it). The
dead scheduler's idle worker processes, left behind in this process group, are stopped; one still
running a task is left to finish it. Stopping (SIGTERM from `etl stop airflow`, or the crash loop) stops the three,
then whatever else is left in the group, a killed scheduler's task included (its transform dies with it,
etl.lifeline). SIGTERM exits 0."""
from __future__ import annotations

import ctypes
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

STARTS, START_S = 3, 30.0
POLL_S, SWEEP_S, STOP_GRACE_S, DRAIN_S = 1.0, 3.0, 20.0, 2.0
# Airflow calls a scheduler unhealthy 30 s after its last heartbeat; 10 s more, so a busy moment is not a hang. One
# that has not beaten yet since its start gets FIRST_BEAT_S more: a start on a loaded machine is slow, not hung.
SILENT_S, FIRST_BEAT_S = 40.0, 60.0


def commands(host: str, port: str) -> dict[str, list[str]]:
    return {"scheduler": ["airflow", "scheduler", "--skip-serve-logs"],
            "DAG processor": ["airflow", "dag-processor"],
            "API server": ["airflow", "api-server", "--host", host, "--port", port]}


@dataclass(frozen=True)
class Health:
    """One probe of Airflow's health endpoint: whether the API server answered, and the last heartbeat of each of
    "scheduler" and "DAG processor" (absent when Airflow cannot tell: the metadata DB not answering, so they are not
    the ones to blame)."""
    answered: bool
    beats: dict[str, datetime] = field(default_factory=dict)


BEAT_FIELDS = {"scheduler": ("scheduler", "latest_scheduler_heartbeat"),
               "DAG processor": ("dag_processor", "latest_dag_processor_heartbeat")}


def health_probe(url: str) -> Callable[[], Health]:
    def probe() -> Health:
        try:
            with urllib.request.urlopen(f"{url}/api/v2/monitor/health", timeout=3) as answer:
                health = json.load(answer)
        except (OSError, ValueError):  # refused, timed out (a hung API server), or not JSON
            return Health(answered=False)
        try:
            if health["metadatabase"]["status"] != "healthy":
                return Health(answered=True)
            return Health(True, {name: datetime.fromisoformat(health[part][key])
                                 for name, (part, key) in BEAT_FIELDS.items() if health.get(part, {}).get(key)})
        except (KeyError, TypeError, ValueError, AttributeError):
            return Health(answered=True)
    return probe


def silent_for(heartbeat: datetime | None, started: datetime, now: datetime) -> float:
    """Seconds since a process last showed life: its last heartbeat (or answer), or its own start when that is later
    (the health endpoint names the previous scheduler's last heartbeat until the new one beats)."""
    return 0.0 if heartbeat is None else (now - max(heartbeat, started)).total_seconds()


def how_it_ended(returncode: int) -> str:
    if returncode < 0:
        try:
            return f"was killed by {signal.Signals(-returncode).name}"
        except ValueError:
            return f"was killed by signal {-returncode}"
    return f"exited with status {returncode}"


class StartLimit:
    """supervisord's startsecs/startretries: a process that ends less than `start_s` after its start did not start;
    `starts` such ends in a row are a crash loop. One that ran longer crashed, and is started again."""

    def __init__(self, starts: int = STARTS, start_s: float = START_S):
        self.starts, self.start_s = starts, start_s
        self.failed: dict[str, int] = {}

    def allows(self, name: str, lived_s: float) -> bool:
        self.failed[name] = self.failed.get(name, 0) + 1 if lived_s < self.start_s else 0
        return self.failed[name] < self.starts


def processes(proc: Path = Path("/proc")) -> dict[int, tuple[int, int]]:
    """pid -> (parent pid, process group) of every live process (zombies left out: they run nothing)."""
    table = {}
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            state, parent, group = (entry / "stat").read_text().rsplit(")", 1)[1].split()[:3]
        except (OSError, IndexError, ValueError):
            continue  # ended meanwhile
        if state != "Z":
            table[int(entry.name)] = (int(parent), int(group))
    return table


def idle_orphans(table: dict[int, tuple[int, int]], me: int, group: int, mine: set[int]) -> list[int]:
    """Processes of this group that lost their parent (re-parented out of the group, or to this process when it is
    pid 1) and run nothing themselves: what a killed scheduler leaves behind (its executor's workers wait forever
    for work from it). Never this process or its three."""
    parents = {parent for parent, _ in table.values()}
    members = {pid for pid, (_, pgid) in table.items() if pgid == group}
    return sorted(pid for pid in members - mine - {me}
                  if (table[pid][0] not in members or table[pid][0] == me) and pid not in parents)


def _dies_with(parent: int):
    """A preexec_fn: the child gets SIGTERM when this supervisor dies, even SIGKILLed (Linux PR_SET_PDEATHSIG;
    etl.lifeline does the same for the transform, inlined here: this file runs without the etl package)."""
    prctl = ctypes.CDLL(None).prctl if sys.platform.startswith("linux") else None

    def arm() -> None:
        if prctl is not None and prctl(1, signal.SIGTERM, 0, 0, 0) == 0 and os.getppid() != parent:
            os.kill(os.getpid(), signal.SIGTERM)
    return arm


def leads_its_group() -> bool:
    """The group is Airflow's own (`etl up` starts it in a session of its own): only then is the rest of the group
    a dead scheduler's leftovers, never another program's processes."""
    return os.getpgid(0) == os.getpid()


def title(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()[:120]
    except OSError:
        return "ended"


class Supervisor:
    def __init__(self, argv: dict[str, list[str]], limit: StartLimit | None = None,
                 health: Callable[[], Health] = lambda: Health(answered=True), silent_s: float = SILENT_S):
        self.argv, self.limit = argv, limit or StartLimit()
        self.health, self.silent_s = health, silent_s
        self.children: dict[str, subprocess.Popen] = {}
        self.started: dict[str, float] = {}
        self.started_at: dict[str, datetime] = {}
        self.answered_at: datetime | None = None  # the API server's last answer to the health probe
        self.killed: dict[int, str] = {}  # pid -> why this supervisor killed it

    def say(self, message: str) -> None:
        # Stamped: `etl status` names the restarts since the service's own start (extension/core/stack/restarts.ts).
        stamp = datetime.now(UTC).isoformat(timespec="seconds")
        print(f"airflow supervisor [{stamp}]: {message}", file=sys.stderr, flush=True)

    def start(self, name: str) -> subprocess.Popen:
        self.children[name] = subprocess.Popen(self.argv[name], preexec_fn=_dies_with(os.getpid()))
        self.started[name] = time.monotonic()
        self.started_at[name] = datetime.now(UTC)
        return self.children[name]

    def check(self) -> bool:
        """Restarts what ended; False when one keeps dying (everything is then to be stopped)."""
        for name, child in list(self.children.items()):
            if child.poll() is None:
                continue
            how = self.killed.pop(child.pid, None) or how_it_ended(child.returncode)
            ended = f"Airflow's {name} (pid {child.pid}) {how}"
            if not self.limit.allows(name, time.monotonic() - self.started[name]):
                self.say(f"{ended}, {self.limit.starts} times in a row within {self.limit.start_s:g} s of its start; "
                         "stopping Airflow (the lines above say why; `etl start airflow` starts it again)")
                return False
            self.say(f"{ended}; started it again (pid {self.start(name).pid})")
        return True

    def check_alive(self) -> None:
        """SIGKILLs a process silent for silent_s (check() then starts it again): the scheduler or the DAG processor
        by its heartbeat, the API server by its answers. A task the scheduler runs goes on."""
        now, health = datetime.now(UTC), self.health()
        if health.answered:
            self.answered_at = now
        for name, child in self.children.items():
            if child.poll() is not None or child.pid in self.killed:
                continue
            seen = self.answered_at if name == "API server" else health.beats.get(name)
            if seen is None and name != "API server":
                continue  # Airflow cannot tell (its API server or DB not answering): not this one's fault
            started = self.started_at[name]
            silent = silent_for(seen or started, started, now)
            # One not heard from since its start gets FIRST_BEAT_S more: a slow start, not a hang.
            if silent < self.silent_s + (FIRST_BEAT_S if seen is None or seen < started else 0.0):
                continue
            what = "answering" if name == "API server" else "heartbeating"
            self.killed[child.pid] = f"stopped {what} for {silent:.0f} s and was killed by its supervisor"
            child.kill()

    def sweep(self) -> None:
        if not leads_its_group():
            return
        mine = {child.pid for child in self.children.values()}
        for pid in idle_orphans(processes(), os.getpid(), os.getpgid(0), mine):
            # SIGKILL: idle, with nothing to tidy, and Airflow's workers outlive a SIGTERM.
            self.say(f"stopped process {pid} ({title(pid)}), left idle by an Airflow process that ended")
            try:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, os.WNOHANG)  # reaped here only when this process is its parent (pid 1)
            except (ProcessLookupError, ChildProcessError):
                pass

    def stop(self) -> None:
        """The three (SIGTERM, then SIGKILL after STOP_GRACE_S), then the rest of the group: a dead scheduler's
        workers, and a task one of them still runs. A scheduler still there DRAIN_S after its SIGTERM waits for its
        running tasks ("Signal again if you don't want to wait"): it gets a second one, since those tasks are stopped
        with the group anyway (the next scheduler runs them again)."""
        for child in self.children.values():
            if child.poll() is None:
                child.terminate()
        scheduler = self.children.get("scheduler")
        if scheduler is not None:
            try:
                scheduler.wait(DRAIN_S)
            except subprocess.TimeoutExpired:
                self.say(f"Airflow's scheduler (pid {scheduler.pid}) waits for its running tasks to stop it; "
                         "not waiting: they are stopped with Airflow and run again when it starts")
                scheduler.terminate()
        deadline = time.monotonic() + STOP_GRACE_S
        for child in self.children.values():
            try:
                child.wait(max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
        me = os.getpid()
        if not leads_its_group():
            return
        for pid, (_, pgid) in processes().items():
            if pgid == me and pid != me:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass


def _terminated(signum, frame):
    raise SystemExit(0)


def run(supervisor: Supervisor) -> int:
    """Starts the three and keeps them; 1 after a crash loop, 0 on SIGTERM or SIGINT (SystemExit(0))."""
    signal.signal(signal.SIGTERM, _terminated)
    signal.signal(signal.SIGINT, _terminated)
    try:
        for name in supervisor.argv:
            supervisor.start(name)
        swept = time.monotonic()
        while supervisor.check():
            time.sleep(POLL_S)
            if time.monotonic() - swept >= SWEEP_S:
                supervisor.check_alive()
                supervisor.sweep()
                swept = time.monotonic()
        return 1
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)  # stopping: a second SIGTERM must not cut it short
        supervisor.stop()


def main() -> int:
    host, port = os.environ["AIRFLOW__API__HOST"], os.environ["AIRFLOW__API__PORT"]
    local = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host  # compose binds every interface in its container
    return run(Supervisor(commands(host, port), health=health_probe(f"http://{local}:{port}")))


if __name__ == "__main__":
    sys.exit(main())
