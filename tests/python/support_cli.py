"""Helpers for tests that run the extraction CLI or inspect MinIO."""
from __future__ import annotations

import subprocess
import sys

from etl.config import PROJECT_ROOT
from etl.extract.store import incomplete_uploads


def run_cli(args: list[str], env: dict[str, str], timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "etl.extract", *args], env=env, cwd=PROJECT_ROOT,
                          capture_output=True, text=True, timeout=timeout)


def assert_no_incomplete_uploads(client, bucket: str, key: str) -> None:
    assert incomplete_uploads(client, bucket, key) == []
