"""etl.daemon_threads: background calls run like a pool's, and a call that never returns does not hold the exit."""
from __future__ import annotations

import subprocess
import sys
import threading
import time
from concurrent.futures import wait

import pytest

from etl.config import PROJECT_ROOT
from etl.daemon_threads import on_daemon_threads


def test_every_call_runs_at_most_n_at_a_time_and_its_future_holds_the_result():
    running, most, lock = [0], [0], threading.Lock()

    def call(value: int) -> int:
        with lock:
            running[0] += 1
            most[0] = max(most[0], running[0])
        time.sleep(0.02)
        with lock:
            running[0] -= 1
        return value * 10

    futures = on_daemon_threads([lambda v=v: call(v) for v in range(6)], 2, "test")
    assert not wait(futures, timeout=10).not_done
    assert [f.result() for f in futures] == [0, 10, 20, 30, 40, 50]
    assert most[0] == 2


def test_a_call_that_raises_hands_its_error_to_the_future_and_the_others_still_run():
    def boom() -> int:
        raise ValueError("not a Delta table")

    futures = on_daemon_threads([boom, lambda: 1], 1, "test")
    assert not wait(futures, timeout=10).not_done
    with pytest.raises(ValueError, match="not a Delta table"):
        futures[0].result()
    assert futures[1].result() == 1


PROGRAM = """
import sys, threading
from etl.daemon_threads import on_daemon_threads
from concurrent.futures import ThreadPoolExecutor
never = threading.Event()
if sys.argv[1] == "daemon":
    on_daemon_threads([never.wait], 1, "test")
else:
    ThreadPoolExecutor(1).submit(never.wait)
print("main done", flush=True)
"""


@pytest.mark.parametrize(("kind", "exits"), [("daemon", True), ("pool", False)])
def test_a_call_that_never_returns_holds_the_exit_of_a_pool_but_not_of_daemon_threads(kind, exits):
    """The pool case shows why (a CI rehearsal: a failed transform's snapshot warm-up held its exit for 5 minutes)."""
    process = subprocess.Popen([sys.executable, "-c", PROGRAM, kind], stdout=subprocess.PIPE, text=True,
                               env={"PYTHONPATH": str(PROJECT_ROOT / "src")})
    try:
        assert process.stdout.readline() == "main done\n"
        try:
            process.wait(timeout=3)
        except subprocess.TimeoutExpired:
            pass
        assert (process.poll() == 0) == exits, f"{kind}: exit code {process.poll()}"
    finally:
        process.kill()
        process.wait()
