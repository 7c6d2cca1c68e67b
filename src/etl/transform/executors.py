"""The executors must connect back to the driver. When they cannot (a driver host the workers cannot
reach, a firewall on the driver's ports), Spark waits forever with "Initial job has not accepted any
resources". This check turns that wait into a message after EXECUTOR_WAIT_S: what did not connect,
where the driver was, and what to change (docs/data-model.md "Failing fast")."""
from __future__ import annotations

import json
import os
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass

EXECUTOR_WAIT_S = 60.0


def wait_seconds() -> float:
    """ETL_EXECUTOR_WAIT_SECONDS overrides the bound (a slow cluster, or a test)."""
    value = os.environ.get("ETL_EXECUTOR_WAIT_SECONDS", "").strip()
    try:
        return float(value) if value else EXECUTOR_WAIT_S
    except ValueError:
        return EXECUTOR_WAIT_S


def alive_workers(ui_url: str) -> int | None:
    """Live workers the master's UI reports; None when the UI is not known or does not answer."""
    if not ui_url:
        return None
    try:
        with urllib.request.urlopen(f"{ui_url.rstrip('/')}/json/", timeout=3) as response:
            return int(json.load(response).get("aliveworkers", 0))
    except (OSError, ValueError):
        return None


@dataclass
class ExecutorCheck:
    """Fails the start when no executor registered within `wait_s` of `started`."""
    registered: Callable[[], int]  # executors connected to the driver now (the driver not counted)
    master_url: str
    ui_url: str
    driver: str  # host:port the executors were told to connect to
    hint: str  # where to set the driver's address (a profile, or ETL_DRIVER_HOST)
    wait_s: float
    started: float = 0.0
    connected: bool = False

    def __post_init__(self) -> None:
        self.started = self.started or time.monotonic()

    def failure(self) -> str | None:
        """None while executors connected or the bound has not passed; else what to tell the user."""
        if self.connected:
            return None
        if self.registered() > 0:
            self.connected = True
            return None
        waited = time.monotonic() - self.started
        return self.message(waited, alive_workers(self.ui_url)) if waited >= self.wait_s else None

    def message(self, waited: float, workers: int | None) -> str:
        if workers == 0:
            return (f"the Spark master at {self.master_url} has no live worker, so no executor started in "
                    f"{waited:.0f} s; start the workers (`etl up`) or check the cluster at {self.ui_url}")
        live = f"has {workers} live worker(s)" if workers else "accepted the application"
        return (f"no executor connected back to the driver at {self.driver} in {waited:.0f} s, while the Spark "
                f"master at {self.master_url} {live}: the workers most likely cannot reach this machine at that "
                f"address. Set {self.hint} to an address the workers can reach (and open the driver's ports if a "
                f"firewall is in the way); if the cluster's cores are busy with other applications, run again later")
