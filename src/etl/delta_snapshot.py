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
    rows: dict[str, int | None] = field(default_factory=dict)  # relative path -> numRecords of its stats (None: none)

    def partition_rows(self, values: dict[str, str]) -> int | None:
        """The rows of the files whose partition values include `values` (from the log's stats, no data read);
        None when one of them has no row count in its stats."""
        counts = [self.rows.get(path) for path, have in self.files.items()
                  if all(have.get(k) == v for k, v in values.items())]
        return None if any(c is None for c in counts) else sum(counts)  # type: ignore[arg-type]

    @property
    def paths(self) -> list[str]:
        return sorted(self.files)


class NotADeltaTable(ValueError):
    """No `_delta_log/` commit under the folder."""


def _apply(snapshot: Snapshot, action: dict) -> None:
    if action.get("add"):
        add = action["add"]
        path = _unquote(add["path"])
        snapshot.files[path] = dict(add.get("partitionValues") or {})
        snapshot.rows[path] = _num_records(add.get("stats"))
    elif action.get("remove"):
        path = _unquote(action["remove"]["path"])
        snapshot.files.pop(path, None)
        snapshot.rows.pop(path, None)


def _num_records(stats: str | None) -> int | None:
    try:
        value = json.loads(stats).get("numRecords") if stats else None
    except (ValueError, AttributeError):
        return None
    return value if isinstance(value, int) else None


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
    snapshot = Snapshot(-1)
    start = 0
    if checkpoints and (not commits or commits[0] > 0):  # older commits cleaned up: start at the checkpoint
        start = checkpoints[-1]
        _read_checkpoint(read(f"{start:020d}.checkpoint.parquet"), snapshot)
        start += 1
    version = -1
    for v in (c for c in commits if c >= start):
        for line in read(f"{v:020d}.json").decode().splitlines():
            if line.strip():
                _apply(snapshot, json.loads(line))
        version = v
    snapshot.version = max(version, start - 1)
    return snapshot


def _read_checkpoint(data: bytes, snapshot: Snapshot) -> None:
    import pyarrow.parquet as pq

    for row in pq.read_table(io.BytesIO(data), columns=["add", "remove"]).to_pylist():
        add = row.get("add")
        if add:  # a checkpoint's partitionValues is a list of (key, value) pairs
            add = {**add, "partitionValues": dict(add.get("partitionValues") or [])}
        _apply(snapshot, {"add": add} if add else {"remove": row.get("remove")})


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
