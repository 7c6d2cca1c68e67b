"""Helpers for tests that run the extraction CLI, the `etl` CLI, or inspect MinIO."""
from __future__ import annotations

import os
import signal
import subprocess
import sys

from etl.config import PROJECT_ROOT
from etl.extract.store import incomplete_uploads

# The `etl` CLI as a user runs it (the bundle `npm run build` makes), from the project root.
ETL_CLI = ["node", str(PROJECT_ROOT / "dist" / "cli.js")]


def etl_cli(*args: str, timeout: float = 120, env: dict[str, str] | None = None,
            unset: tuple[str, ...] = ()) -> subprocess.CompletedProcess:
    """`etl <args>` to its end, its output captured as text; `env`: added to this process's environment, `unset`:
    left out of it."""
    environ = {key: value for key, value in {**os.environ, **(env or {})}.items() if key not in unset}
    return subprocess.run([*ETL_CLI, *args], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=timeout,
                          env=environ)


def run_cli(args: list[str], env: dict[str, str], timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "etl.extract", *args], env=env, cwd=PROJECT_ROOT,
                          capture_output=True, text=True, timeout=timeout)


def start_cli(args: list[str], env: dict[str, str]) -> subprocess.Popen:
    """The extraction CLI in the background, its output piped, with Ctrl-C (SIGINT) as a terminal gives it.

    A shell without job control starts a background job (`pytest ... &`, `nohup ... &`) with SIGINT ignored, and
    children inherit an ignored signal: Python then never raises KeyboardInterrupt, and a test's SIGINT does
    nothing. A handled signal is reset to its default by exec, hence a handler here while the child starts.
    """
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        return subprocess.Popen([sys.executable, "-m", "etl.extract", *args], env=env, cwd=PROJECT_ROOT,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    finally:
        signal.signal(signal.SIGINT, previous)


def assert_no_incomplete_uploads(client, bucket: str, key: str) -> None:
    assert incomplete_uploads(client, bucket, key) == []
