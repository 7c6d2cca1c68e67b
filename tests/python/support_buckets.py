"""MinIO buckets for tests: made and removed with the admin key (the ETL's key may not)."""
from __future__ import annotations

import secrets
from collections.abc import Iterator
from dataclasses import replace

from minio import Minio

from etl.config import Settings, config_values
from etl.extract.store import make_client


def admin_client(settings: Settings) -> Minio:
    """MinIO's root user (MINIO_ROOT_USER/PASSWORD from .env), on the same endpoint as the ETL's key."""
    values = config_values()
    return make_client(replace(settings, minio_access_key=values["MINIO_ROOT_USER"],
                               minio_secret_key=values["MINIO_ROOT_PASSWORD"]))


def temporary_bucket(admin: Minio, prefix: str) -> Iterator[str]:
    """Generator for a fixture: `yield from temporary_bucket(admin, "gold-pytest")`."""
    name = f"{prefix}-{secrets.token_hex(4)}"
    admin.make_bucket(name)
    yield name
    for obj in admin.list_objects(name, recursive=True):
        admin.remove_object(name, obj.object_name)
    for upload in admin._list_multipart_uploads(name, max_uploads=1000).uploads:  # noqa: SLF001 - leftovers of killed runs
        admin._abort_multipart_upload(name, upload.object_name, upload.upload_id)  # noqa: SLF001
    admin.remove_bucket(name)
