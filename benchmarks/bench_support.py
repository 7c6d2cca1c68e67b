"""What the Python benchmarks share: MinIO's admin key, and scratch buckets made and removed with it
(the ETL's own key may not create or delete buckets)."""

from __future__ import annotations

import os
import secrets
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

from etl.config import Settings, config_values, load_settings
from etl.extract.store import make_client


def admin_client(settings: Settings):
    """MinIO's root user (MINIO_ROOT_USER/PASSWORD from .env), on the ETL's endpoint."""
    values = config_values()
    return make_client(replace(settings, minio_access_key=values["MINIO_ROOT_USER"],
                               minio_secret_key=values["MINIO_ROOT_PASSWORD"]))


def remove_bucket(client, bucket: str) -> None:
    for obj in client.list_objects(bucket, recursive=True):
        client.remove_object(bucket, obj.object_name)
    client.remove_bucket(bucket)


@contextmanager
def scratch_buckets() -> Iterator[tuple[str, Settings, Path]]:
    """Scratch rawzone/gold buckets and manifest, lock and log folders for one benchmark run, all
    removed afterwards. Yields (tag, settings naming them, the scratch folder)."""
    tag = secrets.token_hex(3)
    raw, gold = f"rawzone-bench-{tag}", f"gold-bench-{tag}"
    with tempfile.TemporaryDirectory(prefix="etl-bench-") as tmp:
        work = Path(tmp)
        os.environ.update(RAWZONE_BUCKET=raw, GOLD_BUCKET=gold, ETL_BACKUP_DIR=str(work / "backup"),
                          ETL_LOCK_DIR=str(work / "locks"), ETL_LOG_DIR=str(work / "logs"))
        settings = load_settings()
        admin = admin_client(settings)
        for bucket in (raw, gold):
            admin.make_bucket(bucket)
        try:
            yield tag, settings, work
        finally:
            for bucket in (raw, gold):
                remove_bucket(admin, bucket)
