"""Native Airflow's three processes (scheduler, DAG processor, API server) under one supervisor.

    python src/etl/airflow_supervisor.py      # scripts/airflow-native.sh execs it (stdlib only, any python)

Before, a scheduler that died (SIGKILL, OOM) left the API server answering and every DAG run 'running' forever,
noticed only by the health check. Now the one that ends is named with how it ended and started again at once, so
a running task goes on (LocalExecutor task processes report to the API server, not to the scheduler) and the new
scheduler ends the DAG run. One that keeps dying (more than RESTARTS times in WINDOW_S) stops all three and
this process exits 1: `etl status` shows Airflow stopped, its log says why. The dead scheduler's idle worker
processes, left behind in this process group, are stopped; one still running a task is left to finish it.
SIGTERM (`etl stop airflow`) stops the three and exits 0."""
from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import sys
import time
from collections import deque
from pathlib import Path

RESTARTS, WINDOW_S = 3, 300.0
POLL_S, SWEEP_S, STOP_GRACE_S = 1.0, 3.0, 20.0


def commands(host: str, port: str) -> dict[str, list[str]]:
    return {"scheduler": ["airflow", "scheduler", "--skip-serve-logs"],
            "DAG processor": ["airflow", "dag-processor"],
            "API server": ["airflow", "api-server", "--host", host, "--port", port]}


def how_it_ended(returncode: int) -> str:
    if returncode < 0:
        try:
            return f"was killed by {signal.Signals(-returncode).name}"
        except ValueError:
            return f"was killed by signal {-returncode}"
    return f"exited with status {returncode}"


class RestartBudget:
    """At most `restarts` restarts of one process within `window_s`: more is a crash loop, not a crash."""

    def __init__(self, restarts: int = RESTARTS, window_s: float = WINDOW_S):
        self.restarts, self.window_s = restarts, window_s
        self.deaths: dict[str, deque[float]] = {}

    def allows(self, name: str, now: float) -> bool:
        deaths = self.deaths.setdefault(name, deque())
        deaths.append(now)
        while deaths and deaths[0] < now - self.window_s:
            deaths.popleft()
        return len(deaths) <= self.restarts


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


def title(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()[:120]
    except OSError:
        return "ended"


class Supervisor:
    def __init__(self, argv: dict[str, list[str]], budget: RestartBudget | None = None):
        self.argv, self.budget = argv, budget or RestartBudget()
        self.children: dict[str, subprocess.Popen] = {}

    def say(self, message: str) -> None:
        print(f"airflow supervisor: {message}", file=sys.stderr, flush=True)

    def start(self, name: str) -> subprocess.Popen:
        self.children[name] = subprocess.Popen(self.argv[name], preexec_fn=_dies_with(os.getpid()))
        return self.children[name]

    def check(self) -> bool:
        """Restarts what ended; False when one keeps dying (everything is then to be stopped)."""
        for name, child in list(self.children.items()):
            if child.poll() is None:
                continue
            ended = f"Airflow's {name} (pid {child.pid}) {how_it_ended(child.returncode)}"
            if not self.budget.allows(name, time.monotonic()):
                budget = self.budget
                self.say(f"{ended}, {budget.restarts + 1} times within {budget.window_s / 60:g} min; stopping Airflow "
                         "(the lines above say why; `etl start airflow` starts it again)")
                return False
            self.say(f"{ended}; started it again (pid {self.start(name).pid})")
        return True

    def sweep(self) -> None:
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
        for child in self.children.values():
            if child.poll() is None:
                child.terminate()
        deadline = time.monotonic() + STOP_GRACE_S
        for child in self.children.values():
            try:
                child.wait(max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.kill()


def _terminated(signum, frame):
    raise SystemExit(0)


def main() -> int:
    supervisor = Supervisor(commands(os.environ["AIRFLOW__API__HOST"], os.environ["AIRFLOW__API__PORT"]))
    signal.signal(signal.SIGTERM, _terminated)
    signal.signal(signal.SIGINT, _terminated)
    try:
        for name in supervisor.argv:
            supervisor.start(name)
        swept = time.monotonic()
        while supervisor.check():
            time.sleep(POLL_S)
            if time.monotonic() - swept >= SWEEP_S:
                supervisor.sweep()
                swept = time.monotonic()
        return 1
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)  # stopping: a second SIGTERM must not cut it short
        supervisor.stop()


if __name__ == "__main__":
    sys.exit(main())
