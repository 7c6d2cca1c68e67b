"""Helpers of the transform integration tests: run etl.submit against the real cluster,
snapshot and read the gold bucket (downloaded; the Delta log says which Parquet files are the
current snapshot, read with pyarrow: no Spark needed)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from etl.config import PROJECT_ROOT
from etl.delta_snapshot import local_snapshot


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


def start_submit(env: dict[str, str], stderr_file: Path, *args: str, own_group: bool = False) -> subprocess.Popen:
    """stderr to a file, so a chatty Spark never blocks us while we read stdout line by line.
    own_group: etl.submit, spark-submit and the driver in a process group of their own (to kill them all)."""
    with open(stderr_file, "w") as err:
        return subprocess.Popen([sys.executable, "-m", "etl.submit", *args], env=env, cwd=PROJECT_ROOT,
                                stdout=subprocess.PIPE, stderr=err, text=True, start_new_session=own_group)


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
    """A gold Delta table's current snapshot as an Arrow table (partition values become int columns)."""
    snapshot = local_snapshot(root / table)
    parts = []
    for path, partition in sorted(snapshot.files.items()):
        part = pq.read_table(root / table / path)
        for name, value in partition.items():
            part = part.append_column(name, pa.array([int(value)] * part.num_rows, pa.int32()))
        parts.append(part)
    return pa.concat_tables(parts) if parts else pa.table({})


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


def service_pid(name: str) -> int:
    """The pid the native stack recorded for a service (`etl up`'s pid file, e.g. "minio", "spark-master")."""
    return json.loads((state_dir() / "pids" / f"{name}.json").read_text())["pid"]


def parent_of(pid: int) -> int:
    return int((Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[1])


def process_tree(root: int) -> set[int]:
    """root and every process under it, now."""
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = parent_of(int(entry.name))
            except (OSError, IndexError):
                continue
    found, frontier = {root}, [root]
    while frontier:
        children = [pid for pid, parent in parents.items() if parent in frontier and pid not in found]
        found.update(children)
        frontier = children
    return found


def cmdline(pid: int) -> str:
    """The process's command line, '' once it has exited (a zombie's is empty too)."""
    try:
        return (Path("/proc") / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def alive(pids: set[int]) -> set[int]:
    """Those of `pids` still running."""
    return {pid for pid in pids if cmdline(pid)}
