"""The current snapshot of a gold Delta Lake table, read without Spark (tests, checks, tools).

A Delta table is its `_delta_log/`: the newest checkpoint (`<v>.checkpoint.parquet`, named in
`_last_checkpoint`) plus every later `<v>.json` commit, each a list of actions; `add` puts a
data file in the snapshot, `remove` takes it out. Data files that no commit added (a killed
writer's) or that a later commit removed (a replaced month's) are NOT part of the table even
though they are still in the bucket until VACUUM. Readers that list the folder and read every
`.parquet` would see them; read `files()` instead."""
from __future__ import annotations

import io
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

LOG = "_delta_log"
COMMIT = re.compile(r"^(\d{20})\.json$")
CHECKPOINT = re.compile(r"^(\d{20})\.checkpoint\.parquet$")


@dataclass
class Snapshot:
    version: int
    files: dict[str, dict[str, str]] = field(default_factory=dict)  # relative path -> partition values

    @property
    def paths(self) -> list[str]:
        return sorted(self.files)


class NotADeltaTable(ValueError):
    """No `_delta_log/` commit under the folder."""


def _apply(files: dict[str, dict[str, str]], action: dict) -> None:
    if action.get("add"):
        add = action["add"]
        files[_unquote(add["path"])] = dict(add.get("partitionValues") or {})
    elif action.get("remove"):
        files.pop(_unquote(action["remove"]["path"]), None)


def _unquote(path: str) -> str:
    from urllib.parse import unquote

    return unquote(path)  # paths in the log are URL-encoded (`pickup_year=2024/…`)


def replay(names: Iterable[str], read: Callable[[str], bytes]) -> Snapshot:
    """names: the object names directly in `_delta_log/`; read(name) -> its bytes."""
    names = list(names)
    commits = sorted(int(m.group(1)) for m in map(COMMIT.match, names) if m)
    checkpoints = sorted(int(m.group(1)) for m in map(CHECKPOINT.match, names) if m)
    if not commits and not checkpoints:
        raise NotADeltaTable("no Delta commit in _delta_log/")
    files: dict[str, dict[str, str]] = {}
    start = 0
    if checkpoints and (not commits or commits[0] > 0):  # older commits cleaned up: start at the checkpoint
        start = checkpoints[-1]
        _read_checkpoint(read(f"{start:020d}.checkpoint.parquet"), files)
        start += 1
    version = -1
    for v in (c for c in commits if c >= start):
        for line in read(f"{v:020d}.json").decode().splitlines():
            if line.strip():
                _apply(files, json.loads(line))
        version = v
    return Snapshot(max(version, start - 1), files)


def _read_checkpoint(data: bytes, files: dict[str, dict[str, str]]) -> None:
    import pyarrow.parquet as pq

    for row in pq.read_table(io.BytesIO(data), columns=["add", "remove"]).to_pylist():
        if row.get("add"):
            add = row["add"]
            files[_unquote(add["path"])] = dict(add.get("partitionValues") or [])
        elif row.get("remove"):
            files.pop(_unquote(row["remove"]["path"]), None)


def local_snapshot(table_dir: Path) -> Snapshot:
    """A table downloaded to (or written on) a local folder."""
    log = table_dir / LOG
    if not log.is_dir():
        raise NotADeltaTable(f"{table_dir} has no {LOG}/")
    return replay((p.name for p in log.iterdir()), lambda name: (log / name).read_bytes())


def s3_snapshot(client, bucket: str, table: str) -> Snapshot:
    """A table in MinIO (a `minio.Minio` client); table is the folder key, e.g. `fact_trips`."""
    prefix = f"{table.strip('/')}/{LOG}/"
    names = [o.object_name[len(prefix):] for o in client.list_objects(bucket, prefix=prefix)]

    def read(name: str) -> bytes:
        response = client.get_object(bucket, prefix + name)
        try:
            return response.read()
        finally:
            response.close()
            response.release_conn()

    return replay(names, read)
