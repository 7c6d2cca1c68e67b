"""SIGTERM to etl.submit (a kill, a timeout, Airflow's on_kill, its parent gone): spark-submit and its driver are
stopped, and the user is told where the run was and what it had committed, instead of a silent exit."""
from __future__ import annotations

import signal
import subprocess
from typing import Any

STOP_GRACE_S = 15.0  # spark-submit's shutdown hooks stop the application; then it is killed


class Stopped(Exception):
    """Raised in the main thread by the SIGTERM handler."""

    def __init__(self, signum: int):
        super().__init__(signal.Signals(signum).name)
        self.signal_name = signal.Signals(signum).name
        self.exit_code = 128 + signum


def raise_on_sigterm() -> None:
    def _raise(signum, _frame):
        raise Stopped(signum)
    signal.signal(signal.SIGTERM, _raise)


def stop_child(process: subprocess.Popen) -> None:
    """SIGTERM, then SIGKILL after the grace: a stopped transform must not go on publishing."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(STOP_GRACE_S)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def stopped_message(signal_name: str, events: list[dict[str, Any]] | None = None) -> str:
    """events: the job's, so far; None before spark-submit was started."""
    if events is None:
        return f"stopped by {signal_name} before spark-submit started; nothing was written"
    phases = [e["phase"] for e in events if e.get("event") == "phase"]
    where = f"during its {phases[-1]} phase" if phases else "before the job started"
    committed = [f"{e['table']} {', '.join(e['months'])}" if e.get("months") else e["table"]
                 for e in events if e.get("event") == "table_written"]
    if committed:
        kept = (f"it had committed {', '.join(committed)} (whole); the other tables keep the last published run's "
                "rows: run the transform again to publish them")
    else:
        kept = "no table was written: gold is as the last published run left it"
    return f"stopped by {signal_name} {where}; spark-submit and its driver were stopped; {kept}"
