"""Which object store a run went to: a marker object in the rawzone bucket holding a random id.

The native and compose stacks (and a profile's S3) keep separate stores while sharing the manifest, and the
two MinIOs answer on the same host:port (MINIO_API_PORT), so an endpoint does not tell them apart. The marker
does, and survives restarts. The extractor creates it once with a conditional put (If-None-Match: *) and reads
it back, so two extractions starting together agree on one id; the transform only reads it.
"""
from __future__ import annotations

import json
import uuid
from typing import Any

from minio import Minio
from minio.error import S3Error

from etl.config import Settings, config_values
from etl.manifest import utc_now

MARKER_KEY = "_etl/store.json"
NOT_FOUND = ("NoSuchKey", "NoSuchObject", "ResourceNotFound")
ALREADY_THERE = ("PreconditionFailed", "ConditionalRequestConflict")
STACK_MODES = ("native", "compose")


def read_store_id(client: Minio, bucket: str) -> str | None:
    """The bucket's store id; None when no extraction has marked it yet."""
    try:
        response = client.get_object(bucket, MARKER_KEY)
    except S3Error as exc:
        if exc.code in NOT_FOUND:
            return None
        raise
    try:
        document = json.loads(response.read())
    finally:
        response.close()
        response.release_conn()
    return document.get("id") if isinstance(document, dict) else None


def ensure_store_id(client: Minio, bucket: str) -> str:
    """The bucket's store id, created when absent. The read after the put returns the id that won, also on a
    server that ignores If-None-Match (then the last writer's: both extractions read it after both puts)."""
    found = read_store_id(client, bucket)
    if found:
        return found
    body = json.dumps({"id": str(uuid.uuid4()), "created_at": utc_now()}).encode()
    headers = {"If-None-Match": "*", "Content-Type": "application/json"}
    try:  # minio's public put_object turns unknown headers into metadata; the private call is pinned with it
        client._put_object(bucket, MARKER_KEY, body, headers=headers)  # noqa: SLF001
    except S3Error as exc:
        if exc.code not in ALREADY_THERE:
            raise
    stored = read_store_id(client, bucket)
    if not stored:
        raise RuntimeError(f"the store marker {bucket}/{MARKER_KEY} could not be read back after it was written")
    return stored


def stack_mode(settings: Settings) -> str:
    """Which store this process uses, as people name it: a profile's external S3, else the stack mode (the CLI and
    VS Code pass the resolved one in ETL_STACK_MODE; the compose runner reaches MinIO by its service name)."""
    if settings.s3_external:
        return f"profile:{settings.profile}"
    if settings.minio_host:
        return "compose"
    mode = config_values().get("ETL_STACK_MODE", "").strip()
    return mode if mode in STACK_MODES else "native"


def store_record(settings: Settings, store_id: str) -> dict[str, Any]:
    """What a manifest run records of its store (config/extracted_paths.schema.json `store`)."""
    return {"id": store_id, "endpoint": settings.minio_url, "mode": stack_mode(settings)}


def describe_store(store: dict[str, Any]) -> str:
    return f"{store.get('mode', '?')}, {store.get('endpoint', '?')}"
