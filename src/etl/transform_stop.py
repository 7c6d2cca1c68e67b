"""A transform that ends by a signal says so: where the run was and what it had committed.

SIGTERM to etl.submit (a kill, a timeout, Airflow's on_kill, its parent gone) stops spark-submit and its driver;
spark-submit's JVM or the Python driver under it dying by a signal (the OOM killer, a kill) is named instead of
"spark-submit exited with -9"."""
from __future__ import annotations

import signal
import subprocess
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

STOP_GRACE_S = 15.0  # spark-submit's shutdown hooks stop the application; then it is killed


class Stopped(Exception):
    """Raised in the main thread by the SIGTERM handler."""

    def __init__(self, signum: int):
        super().__init__(signal.Signals(signum).name)
        self.signal_name = signal.Signals(signum).name
        self.exit_code = 128 + signum


def raise_on_sigterm() -> None:
    """The first SIGTERM raises Stopped; later ones are ignored: the stop is under way (bounded by STOP_GRACE_S),
    and a second signal raised inside it would cut it short and tell it wrongly (a group SIGTERM plus the parent's
    death, a second click on Stop)."""
    def _raise(signum, _frame):
        signal.signal(signal.SIGTERM, _stopping)
        raise Stopped(signum)
    signal.signal(signal.SIGTERM, _raise)


def _stopping(_signum, _frame) -> None:
    """A handler, not SIG_IGN: an ignored disposition would be inherited by any program started after it."""


def stop_child(process: subprocess.Popen, take_line: Callable[[str], None] | None = None) -> None:
    """SIGTERM, then SIGKILL after the grace: a stopped transform must not go on publishing.
    take_line: each line the job still prints meanwhile, to its end. A write whose Spark job ends during the
    shutdown still commits (Delta: whole), and its event must reach the message that says what was written."""
    deadline = time.monotonic() + STOP_GRACE_S
    drain = None
    if take_line is not None and process.stdout is not None:
        drain = threading.Thread(target=lambda: [take_line(line) for line in process.stdout], daemon=True)
        drain.start()
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(STOP_GRACE_S)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    if drain is not None:  # the Python driver may still print its last lines after spark-submit's JVM has gone
        drain.join(max(deadline - time.monotonic(), 2.0))


def _where(events: list[dict[str, Any]]) -> str:
    phases = [e["phase"] for e in events if e.get("event") == "phase"]
    return f"during its {phases[-1]} phase" if phases else "before the job started"


def _kept(events: list[dict[str, Any]], unreported: Iterable[str] = ()) -> str:
    """unreported: tables whose Delta log shows this run's commit that no event reported (the driver was stopped
    between the commit and its event)."""
    committed = [f"{e['table']} {', '.join(e['months'])}" if e.get("months") else e["table"]
                 for e in events if e.get("event") == "table_written" and not e.get("unchanged")]
    committed += [f"{table} (its commit landed as the run was stopped)" for table in unreported]
    if committed:
        return (f"it had committed {', '.join(committed)} (whole); the other tables keep the last published run's "
                "rows: run the transform again to publish them")
    return "no table was written: gold is as the last published run left it"


def stopped_message(signal_name: str, events: list[dict[str, Any]] | None = None,
                    unreported: Iterable[str] = ()) -> str:
    """events: the job's, so far; None before spark-submit was started. unreported: as _kept."""
    if events is None:
        return f"stopped by {signal_name} before spark-submit started; nothing was written"
    return (f"stopped by {signal_name} {_where(events)}; spark-submit and its driver were stopped; "
            f"{_kept(events, unreported)}")


def _signal_name(number: int) -> str | None:
    try:
        return signal.Signals(number).name
    except ValueError:
        return None


def ended_message(returncode: int, events: list[dict[str, Any]],
                  unreported: Callable[[], Iterable[str]] = tuple) -> str:
    """spark-submit ended without the job's own report. A negative code: its JVM died by that signal; 128 + n: the
    JVM passed on how its Python driver ended (or exited on signal n, as a JVM does). unreported: as _kept, asked
    only when the message tells what gold keeps (it reads gold)."""
    if returncode < 0 and _signal_name(-returncode):
        name = _signal_name(-returncode)
        who = f"spark-submit (the Spark driver's JVM) was killed by {name}"
    elif returncode > 128 and _signal_name(returncode - 128):
        name = _signal_name(returncode - 128)
        who = f"the Spark driver (spark-submit's JVM or its Python process) was ended by {name} (exit {returncode})"
    else:
        return f"spark-submit exited with {returncode} before the job reported; see its stderr"
    hint = ("; when memory is short the kernel's OOM killer does this (`dmesg` names it)" if name == "SIGKILL"
            else "")
    return f"{who} {_where(events)}{hint}; {_kept(events, unreported())}"
