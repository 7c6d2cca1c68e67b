"""Driver-side watchdog: a job whose MinIO or Spark master stopped answering fails within a bound.

Spark and s3a retry a dead endpoint for minutes (one probe saw more than 21), and end with a py4j
call id. This thread probes both services every PROBE_EVERY_S; once one has not answered for
DOWN_AFTER_S it records which one and cancels every Spark job, so the driver fails at once and
says what stopped, where, and during what (docs/data-model.md "Failing fast").

After a failure it keeps cancelling every second: a job submitted after the first cancel (a thread that
was about to start one) would otherwise wait for ever. If the driver has still not exited after
EXIT_WITHIN_S, `on_stuck` reports the failure and ends it."""
from __future__ import annotations

import socket
import ssl
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass

PROBE_EVERY_S = 1.0
PROBE_TIMEOUT_S = 3.0
DOWN_AFTER_S = 10.0
# After a failure the driver has this long to report and exit on its own; past it the watchdog ends it
# (a thread can wait for ever on a job no executor will run, or inside a client's retries).
EXIT_WITHIN_S = 30.0


@dataclass(frozen=True)
class Service:
    name: str  # "MinIO"
    url: str  # where it was expected, for the message
    probe: Callable[[], bool]
    start_hint: str  # what to do


def minio_service(url: str, ca_file: str | None = None) -> Service:
    """MinIO answers its liveness URL without credentials; a stopped (or frozen) server does not.
    ca_file: a MinIO serving TLS with a certificate that CA signed."""
    context = ssl.create_default_context(cafile=ca_file) if ca_file else None

    def probe() -> bool:
        try:
            with urllib.request.urlopen(f"{url}/minio/health/live", timeout=PROBE_TIMEOUT_S,
                                        context=context) as response:
                return response.status == 200
        except (urllib.error.URLError, OSError, ValueError):
            return False

    return Service("MinIO", url, probe, "start MinIO (`etl up`) and run again")


def tcp_service(name: str, url: str, host: str, port: int, start_hint: str) -> Service:
    def probe() -> bool:
        try:
            socket.create_connection((host, port), timeout=PROBE_TIMEOUT_S).close()
            return True
        except OSError:
            return False

    return Service(name, url, probe, start_hint)


class Activity:
    """What the driver is doing now (for the message) and what this run already committed."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._phase = "the start of the job"
        self._writes: list[str] = []
        self.committed: list[str] = []

    def phase(self, text: str) -> None:
        with self._lock:
            self._phase = text

    def writing(self, what: str) -> None:
        with self._lock:
            self._writes.append(what)

    def written(self, what: str) -> None:
        with self._lock:
            if what in self._writes:
                self._writes.remove(what)
            self.committed.append(what)

    def describe(self) -> str:
        with self._lock:
            return f"the write of {', '.join(self._writes)}" if self._writes else self._phase

    def kept(self) -> str:
        """What a failure now leaves of gold: each table's write is one Delta commit, published whole or not."""
        with self._lock:
            if not self.committed:
                return "the previous gold snapshot is intact"
            return (f"this run had committed {', '.join(self.committed)}; every other gold table keeps its previous "
                    "snapshot")


class Watchdog(threading.Thread):
    def __init__(self, services: list[Service], cancel: Callable[[], None], activity: Activity,
                 down_after_s: float = DOWN_AFTER_S, every_s: float = PROBE_EVERY_S,
                 checks: list[Callable[[], str | None]] | None = None,
                 on_stuck: Callable[[str], None] | None = None, exit_within_s: float = EXIT_WITHIN_S) -> None:
        super().__init__(name="etl-watchdog", daemon=True)
        self.services, self.cancel, self.activity = services, cancel, activity
        self.checks = checks or []  # each returns a failure message, or None while all is well
        self.down_after_s, self.every_s = down_after_s, every_s
        self.on_stuck, self.exit_within_s = on_stuck, exit_within_s
        self.failure: str | None = None
        self._halt = threading.Event()

    def stop(self) -> None:
        self._halt.set()

    def run(self) -> None:
        self._watch()
        if self.failure is not None:
            self._keep_cancelling()

    def _watch(self) -> None:
        """Returns once a service is down past the bound or a check failed (or when stopped)."""
        down_since: dict[str, float] = {}
        while not self._halt.wait(self.every_s):
            for service in self.services:
                if service.probe():
                    down_since.pop(service.url, None)
                    continue
                first = down_since.setdefault(service.url, time.monotonic())
                if time.monotonic() - first >= self.down_after_s:
                    self._trip(service, time.monotonic() - first)
                    return
            if self._failed_check():
                return

    def _keep_cancelling(self) -> None:
        failed_at = time.monotonic()
        while not self._halt.wait(self.every_s):
            if time.monotonic() - failed_at >= self.exit_within_s and self.on_stuck is not None:
                self.on_stuck(self.failure or "")
                return
            self.cancel()

    def _failed_check(self) -> bool:
        for check in self.checks:
            message = check()
            if message:
                self.failure = message
                self.cancel()
                return True
        return False

    def diagnose(self) -> str | None:
        """After a failure the watchdog had not (yet) explained: is a service down right now?"""
        if self.failure is None:
            for service in self.services:
                if not service.probe():
                    self.failure = self._message(service, None)
                    break
        return self.failure

    def _trip(self, service: Service, silent_s: float) -> None:
        self.failure = self._message(service, silent_s)
        self.cancel()

    def _message(self, service: Service, silent_s: float | None) -> str:
        during = self.activity.describe()
        kept = self.activity.kept()
        silent = f" (no answer for {silent_s:.0f} s)" if silent_s is not None else ""
        return (
            f"{service.name} at {service.url} stopped answering during {during}{silent}; {kept}; {service.start_hint}"
        )
