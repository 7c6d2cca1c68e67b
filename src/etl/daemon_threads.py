"""Best-effort background calls that never hold a process's exit.

concurrent.futures' ThreadPoolExecutor joins its threads when the interpreter exits, so one call
that never returns (a JVM call after spark.stop()) keeps a finished process alive for ever. These
threads are daemons: the process exits whatever they are doing."""
from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import TypeVar

T = TypeVar("T")


def on_daemon_threads(calls: list[Callable[[], T]], threads: int, name: str) -> list[Future[T]]:
    """Runs the calls, `threads` at a time, in order; a future per call (its result, or its exception)."""
    pending = [(call, Future()) for call in calls]
    futures: list[Future[T]] = [future for _, future in pending]
    taking = threading.Lock()

    def work() -> None:
        while True:
            with taking:
                if not pending:
                    return
                call, future = pending.pop(0)
            if future.set_running_or_notify_cancel():
                try:
                    future.set_result(call())
                except BaseException as error:  # noqa: BLE001 - handed to whoever waits on the future
                    future.set_exception(error)

    for number in range(min(threads, len(calls))):
        threading.Thread(target=work, name=f"{name}-{number}", daemon=True).start()
    return futures
