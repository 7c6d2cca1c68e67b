"""Per-object file locks so two extractions of the same month never interleave.

fcntl locks are released by the kernel when the holder dies, so a crash never
leaves a stale lock. They are local to this machine: two hosts writing the same
MinIO need an external scheduler guarantee (Airflow max_active_runs=1).
They live in <ETL_STATE_DIR>/locks (ETL_LOCK_DIR moves only them), beside the
stack's own state, so two stacks with their own state folders never share them.
"""
from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import time
from collections.abc import Iterator
from pathlib import Path

from etl.config import state_dir, usable_dir
from etl.extract.errors import LockBusy

POLL_S = 0.2


def lock_dir() -> Path:
    return Path(os.environ.get("ETL_LOCK_DIR") or state_dir() / "locks")


def lock_setting() -> str:
    """The setting that decides lock_dir(), for error messages."""
    return "ETL_LOCK_DIR" if os.environ.get("ETL_LOCK_DIR") else "ETL_STATE_DIR"


def lock_path(name: str) -> Path:
    readable = "".join(c if c.isalnum() or c in "-_." else "_" for c in name)[-80:]
    digest = hashlib.sha1(name.encode()).hexdigest()[:10]  # two names never share a file
    return lock_dir() / f"{readable}.{digest}.lock"


@contextlib.contextmanager
def file_lock(name: str, timeout_s: float, what: str) -> Iterator[Path]:
    """Exclusive lock on `name`, waiting up to timeout_s; `what` names it in the error."""
    path = lock_path(name)
    usable_dir(lock_setting(), path.parent)
    with open(path, "a+") as handle:
        deadline = time.monotonic() + timeout_s
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise LockBusy(
                        f"another extraction is writing {what} (lock {path} held for over {timeout_s:.0f}s); "
                        f"wait for it to finish, then rerun"
                    ) from None
                time.sleep(POLL_S)
        try:
            yield path
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
