"""The transform lock: one writer per gold bucket at a time.

Delta Lake's commit on S3 (S3SingleDriverLogStore) is safe only with a single writer: S3 has no
put-if-absent that Delta 4.0 uses, so two drivers could both write `_delta_log/N.json` and one
commit would silently replace the other. Every transform takes this exclusive fcntl lock (in
ETL_LOCK_DIR, like the extraction locks) before it touches gold and holds it until the driver
exits; the kernel releases it when the driver dies, so a killed run never leaves it stale. It
serialises transforms on this machine; writers on other hosts need the scheduler's guarantee
(Airflow max_active_runs=1) - see docs/data-model.md "Publishing to gold"."""
from __future__ import annotations

import fcntl
from typing import IO

from etl.extract.locks import lock_path
from etl.transform.errors import TransformError


class TransformBusy(TransformError):
    """Another transform writes the same gold bucket."""


def acquire_transform_lock(gold_bucket: str) -> IO[str]:
    """Takes the lock at once or fails; keep the returned handle open for the driver's lifetime."""
    path = lock_path(f"transform-gold-{gold_bucket}")
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = open(path, "a+")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        raise TransformBusy(f"another transform or a restore is writing the gold bucket {gold_bucket!r} "
                            f"(lock {path}); wait for it to finish, then run again") from None
    return handle
