"""A MinIO bucket that only one test scope uses, emptied and removed afterwards."""
from __future__ import annotations

import secrets
from collections.abc import Iterator


def temporary_bucket(minio, prefix: str) -> Iterator[str]:
    """Generator for a fixture: `yield from temporary_bucket(minio, "gold-pytest")`."""
    name = f"{prefix}-{secrets.token_hex(4)}"
    minio.make_bucket(name)
    yield name
    for obj in minio.list_objects(name, recursive=True):
        minio.remove_object(name, obj.object_name)
    minio.remove_bucket(name)
