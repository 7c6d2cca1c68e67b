"""Helpers of the transform integration tests: run etl.submit against the real cluster,
snapshot and read the gold bucket (downloaded, read with pyarrow: no Spark needed)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pyarrow.dataset as ds

from etl.config import PROJECT_ROOT


@dataclass
class JobRun:
    returncode: int
    events: list[dict]
    stderr: str

    @property
    def done(self) -> dict:
        return [e for e in self.events if e["event"] == "run_done"][-1]

    @property
    def report(self) -> dict:
        return self.done["report"]


def parse_events(stdout: str) -> list[dict]:
    return [json.loads(line) for line in stdout.splitlines() if line.startswith('{"event"')]


def start_submit(env: dict[str, str], stderr_file: Path, *args: str) -> subprocess.Popen:
    """stderr to a file, so a chatty Spark never blocks us while we read stdout line by line."""
    with open(stderr_file, "w") as err:
        return subprocess.Popen([sys.executable, "-m", "etl.submit", *args], env=env, cwd=PROJECT_ROOT,
                                stdout=subprocess.PIPE, stderr=err, text=True)


def finish(process: subprocess.Popen, stderr_file: Path, stdout_head: str = "", timeout: float = 300) -> JobRun:
    out, _ = process.communicate(timeout=timeout)
    return JobRun(process.returncode, parse_events(stdout_head + out), stderr_file.read_text())


def run_submit(env: dict[str, str], stderr_file: Path, *args: str) -> JobRun:
    return finish(start_submit(env, stderr_file, *args), stderr_file)


def snapshot(client, bucket: str) -> dict[str, str]:
    """key -> etag of every object: equal snapshots mean nothing was written."""
    return {o.object_name: o.etag for o in client.list_objects(bucket, recursive=True)}


def download(client, bucket: str, target: Path, prefix: str = "") -> Path:
    for obj in client.list_objects(bucket, prefix=prefix, recursive=True):
        if obj.object_name.endswith("/"):  # S3A directory markers
            continue
        client.fget_object(bucket, obj.object_name, str(target / obj.object_name))
    return target


def read_table(root: Path, table: str):
    """A gold table as an Arrow table (hive partitions become columns)."""
    return ds.dataset(root / table, format="parquet", partitioning="hive",
                      exclude_invalid_files=True, ignore_prefixes=["_", "."]).to_table()


def wait_until(predicate, timeout: float, what: str, every: float = 0.5):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


def state_dir() -> Path:
    return Path(os.environ.get("ETL_STATE_DIR") or PROJECT_ROOT / ".etl")
