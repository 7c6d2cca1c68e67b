"""run_in_order (etl.extract.parallel) without services: Ctrl-C stops the files in flight even when the kernel
hands the signal to a worker thread, not the main one."""
from __future__ import annotations

import signal
import threading
import time

import pytest

from etl.extract.errors import Cancelled
from etl.extract.parallel import run_in_order


def test_ctrl_c_delivered_to_a_worker_thread_stops_the_run_at_once():
    cancel, started = threading.Event(), threading.Event()
    workers: list[int] = []

    def work(item: int) -> None:  # a file in flight: it stops at its next read once `cancel` is set
        workers.append(threading.get_ident())
        started.set()
        deadline = time.monotonic() + 30  # without the fix the run would end only here, the file "stored"
        while not cancel.wait(0.05):
            if time.monotonic() > deadline:
                return
        raise Cancelled(f"file {item}: interrupted")

    def interrupt() -> None:
        started.wait(5)
        time.sleep(0.3)
        signal.pthread_kill(workers[0], signal.SIGINT)  # to a worker thread, as Linux may deliver it

    previous = signal.signal(signal.SIGINT, signal.default_int_handler)  # as a terminal's Ctrl-C
    try:
        threading.Thread(target=interrupt, daemon=True).start()
        clock = time.monotonic()
        with pytest.raises(KeyboardInterrupt):
            run_in_order([1, 2], work, 2, cancel)
        elapsed = time.monotonic() - clock
    finally:
        signal.signal(signal.SIGINT, previous)
    assert cancel.is_set()
    assert elapsed < 3, f"the interrupt took {elapsed:.1f} s to stop the files in flight"
