"""The extraction manifest: which files each run put in the rawzone (schema: docs/extraction.md).

Local copy: Backup_data/extracted_paths.json (or $ETL_BACKUP_DIR/extracted_paths.json),
rewritten atomically (temp file + fsync + os.replace) under a file lock, so readers
never see half a file and concurrent runs never lose each other's entries.
The transform step reads it with load_manifest() / extracted_paths().

A run that is still `running` carries its `owner` (host, pid, the pid's start time).
A later run on the same host whose owner process is gone closes it as `failed`
(abandoned_runs / close_abandoned_runs), so a killed extractor never stays `running`.
"""
from __future__ import annotations

import json
import os
import socket
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from etl.config import PROJECT_ROOT
from etl.contract import default_path

SCHEMA_VERSION = 1
LOCK_TIMEOUT_S = 60.0


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def manifest_path(backup_dir: str | Path | None = None) -> Path:
    folder = backup_dir or os.environ.get("ETL_BACKUP_DIR") or PROJECT_ROOT / default_path("backupDir")
    return Path(folder) / default_path("manifestFile")


def empty_manifest() -> dict[str, Any]:
    return {"schema_version": SCHEMA_VERSION, "updated_at": None, "runs": []}


def load_manifest(path: str | Path | None = None) -> dict[str, Any]:
    """The manifest document; an empty one when no run has been recorded yet."""
    target = Path(path) if path else manifest_path()
    if not target.exists():
        return empty_manifest()
    with open(target, encoding="utf-8") as handle:
        return json.load(handle)


def extracted_paths(run_id: str | None = None, *, kind: str = "trips", path: str | Path | None = None) -> list[str]:
    """s3a:// paths of extracted files of one run, or of all runs (unique, sorted)."""
    runs = load_manifest(path)["runs"]
    selected = [r for r in runs if run_id is None or r["run_id"] == run_id]
    return sorted({f["path"] for r in selected for f in r["files"] if f["kind"] == kind})


def find_run(document: dict[str, Any], run_id: str) -> dict[str, Any]:
    for run in document["runs"]:
        if run["run_id"] == run_id:
            return run
    raise KeyError(f"run {run_id!r} not in manifest")


def run_document(document: dict[str, Any], run_id: str) -> dict[str, Any]:
    """The manifest restricted to one run (what is mirrored to rawzone/_manifests/)."""
    return {
        "schema_version": SCHEMA_VERSION,
        "updated_at": document["updated_at"],
        "runs": [find_run(document, run_id)],
    }


class ManifestWriteError(RuntimeError):
    """The manifest could not be written (a full disk, a read-only folder); the previous one is unchanged."""


def atomic_write_json(path: Path, document: dict[str, Any]) -> None:
    """Readers see the old or the new file, never a torn one, even after a power cut. A failed write (a full
    disk) leaves the old file and no temporary one, and says so."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "w", encoding="utf-8") as handle:
            json.dump(document, handle, indent=2)
            handle.write("\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise ManifestWriteError(
            f"cannot write {path}: {exc.strerror or exc}; it is unchanged. Free space on that file system "
            f"(or make the folder writable, ETL_BACKUP_DIR chooses it) and rerun"
        ) from None
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)  # persist the rename itself
    finally:
        os.close(dir_fd)


def update_manifest(path: Path, change: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    """Read-modify-write under a lock; returns the new document."""
    from etl.extract.locks import file_lock  # local: keeps the reader import-light

    with file_lock(f"manifest-{path.resolve()}", LOCK_TIMEOUT_S, f"the manifest {path}"):
        document = load_manifest(path)
        change(document)
        document["updated_at"] = utc_now()
        atomic_write_json(path, document)
        return document


def _process_start(pid: int) -> str | None:
    """The kernel's start time of `pid` (clock ticks after boot): tells a reused pid apart. None off Linux."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat[stat.rindex(")") + 2:].split()  # after "pid (comm) "; comm may hold spaces
    return None if fields[0] == "Z" else fields[19]  # a zombie has finished running


def run_owner() -> dict[str, Any]:
    """Who is writing a `running` run: enough to tell, later, whether it is still alive."""
    pid = os.getpid()
    return {"host": socket.gethostname(), "pid": pid, "pid_started": _process_start(pid)}


def owner_alive(owner: dict[str, Any] | None) -> bool | None:
    """False when the owner process is gone, True when it runs, None when this host cannot tell."""
    if not owner or owner.get("host") != socket.gethostname():
        return None  # another host or container (or a manifest written before owners were recorded)
    pid = int(owner["pid"])
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # exists, belongs to another user
    started = _process_start(pid)
    if Path("/proc/self/stat").exists() and started is None:
        return False  # gone between the two checks, or a zombie
    recorded = owner.get("pid_started")
    return not (recorded and started and started != recorded)  # a different process now has that pid


def abandoned_runs(document: dict[str, Any]) -> list[dict[str, Any]]:
    return [r for r in document["runs"] if r["status"] == "running" and owner_alive(r.get("owner")) is False]


def close_abandoned_runs(path: Path) -> list[str]:
    """Marks `running` runs whose process died (SIGKILL, power cut) as failed; their ids.

    Reads without writing when there is none, so a run that stores nothing leaves the file as it was.
    """
    if not abandoned_runs(load_manifest(path)):
        return []
    closed: list[str] = []

    def close(document: dict[str, Any]) -> None:
        for run in abandoned_runs(document):  # again, under the lock
            owner = run.pop("owner")
            run.update(status="failed", ended_at=utc_now(), error=(
                f"the extraction process (pid {owner['pid']} on {owner['host']}) ended without finishing "
                f"(killed?); the files listed were stored before it stopped; rerun the months to finish"))
            closed.append(run["run_id"])

    update_manifest(path, close)
    return closed
