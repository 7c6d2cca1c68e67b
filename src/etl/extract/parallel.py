"""Up to N files of a run in flight at once, started in the run's order.

One file's download and checks overlap another's upload (the transfer is otherwise
sequential per file: its sha256 must be known before its upload starts, see transfer.py).
The first failure stops new files from starting; the files in flight finish (a finished file
is stored and recorded, as before), then the run fails with the failure of the earliest file.
An interrupt (Ctrl-C) in the main thread sets `cancel`: the files in flight stop at their
next read, their uploads are aborted, and the interrupt is re-raised once they have ended.
"""
from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from typing import TypeVar

T = TypeVar("T")


def run_in_order(items: Sequence[T], work: Callable[[T], None], limit: int, cancel: threading.Event) -> None:
    """Calls work(item) for each item, `limit` at a time; raises the earliest item's failure."""
    limit = max(1, limit)
    failures: dict[int, BaseException] = {}
    running: dict[Future, int] = {}
    with ThreadPoolExecutor(max_workers=limit, thread_name_prefix="extract") as pool:
        try:
            for index, item in enumerate(items):
                _collect(running, failures, block=len(running) >= limit)
                if failures:
                    break
                running[pool.submit(work, item)] = index
            while running:
                _collect(running, failures, block=True)
        except BaseException:
            cancel.set()  # interrupted while waiting: the workers stop at their next read
            wait(list(running))
            raise
    if failures:
        raise failures[min(failures)]


# The main thread never blocks on the workers for longer than this. Ctrl-C is a process signal: Linux may hand
# it to a worker thread (in a socket read), and Python then runs its handler in the main thread only when that
# thread next runs bytecode: a main thread blocked until a file finished let that file upload after the
# interrupt (the test that sends SIGINT mid-transfer stored a whole month on a loaded machine).
WAKE_S = 0.2


def _collect(running: dict[Future, int], failures: dict[int, BaseException], block: bool) -> None:
    """Records the failures of the items that ended; with `block`, waits for one to end first."""
    done, _ = wait(list(running), timeout=WAKE_S if block else 0, return_when=FIRST_COMPLETED)
    while block and not done:  # woken to let a pending Ctrl-C raise here
        done, _ = wait(list(running), timeout=WAKE_S, return_when=FIRST_COMPLETED)
    for future in done:
        index = running.pop(future)
        error = future.exception()
        if error is not None:
            failures[index] = error
