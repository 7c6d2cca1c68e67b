"""MinIO access: client, reachability check, object checksums, metadata, leftover uploads."""
from __future__ import annotations

import contextlib
import io
import json
import re
from collections.abc import Iterator

import urllib3
from minio import Minio
from minio.error import S3Error

from etl.config import Settings
from etl.extract.errors import ExtractError, MinioUnavailable

SHA256_META = "sha256"
# Few connect retries: a stopped MinIO should be reported in seconds, not minutes.
_RETRIES = urllib3.Retry(total=3, connect=1, backoff_factor=0.2, status_forcelist=[500, 502, 503, 504])
_TIMEOUT = urllib3.Timeout(connect=5.0, read=120.0)


def make_client(settings: Settings) -> Minio:
    http = urllib3.PoolManager(timeout=_TIMEOUT, retries=_RETRIES, maxsize=4)
    return Minio(
        settings.minio_endpoint,
        access_key=settings.minio_access_key,
        secret_key=settings.minio_secret_key,
        region=settings.minio_region,
        secure=False,
        http_client=http,
    )


def _short_reason(exc: BaseException) -> str:
    """"Connection refused" rather than urllib3's nested repr."""
    text = str(exc)
    errno_text = re.search(r"\[Errno -?\d+\] ([^'\")]+)", text)
    if errno_text:
        return errno_text.group(1).strip()
    if "timed out" in text.lower():
        return "timed out"
    return type(getattr(exc, "reason", None) or exc).__name__


def unreachable(settings: Settings, exc: BaseException) -> MinioUnavailable:
    reason = _short_reason(exc)
    return MinioUnavailable(
        f"cannot reach MinIO at {settings.minio_url} ({reason}); start the stack with `etl up` "
        f"or fix ETL_BIND_HOST/MINIO_API_PORT in .env"
    )


def connect(settings: Settings, bucket: str) -> Minio:
    """A client whose server answers and whose bucket exists.

    The ETL's key may not create buckets (config/minio-etl-policy.json): `etl up` or the
    compose minio-init create them with the admin key.
    """
    client = make_client(settings)
    try:
        exists = client.bucket_exists(bucket)
    except S3Error as exc:
        raise MinioUnavailable(
            f"MinIO at {settings.minio_url} refused access to bucket {bucket!r} ({exc.code}); "
            f"check MINIO_ACCESS_KEY/MINIO_SECRET_KEY in .env (`etl up` creates that user) "
            f"or the credentials stored with ETL: Set Credentials"
        ) from None
    except (urllib3.exceptions.HTTPError, OSError) as exc:
        raise unreachable(settings, exc) from None
    if not exists:
        raise MinioUnavailable(
            f"bucket {bucket!r} does not exist at MinIO {settings.minio_url}; `etl up` (or the compose "
            f"minio-init) creates it with the admin key, or fix RAWZONE_BUCKET in .env"
        )
    return client


def stored_sha256(client: Minio, bucket: str, key: str) -> str | None:
    """sha256 recorded on the object; "" for an object without one; None when there is no object."""
    try:
        stat = client.stat_object(bucket, key)
    except S3Error as exc:
        if exc.code in ("NoSuchKey", "NoSuchObject", "ResourceNotFound"):
            return None
        raise
    return (stat.metadata or {}).get(f"x-amz-meta-{SHA256_META}", "")


def incomplete_uploads(client: Minio, bucket: str, prefix: str) -> list[tuple[str, str]]:
    """(key, upload_id) of multipart uploads never completed nor aborted.

    minio 7.2 has no public call for this; the private one is pinned with the package.
    """
    result = client._list_multipart_uploads(bucket, prefix=prefix, max_uploads=1000)  # noqa: SLF001
    return [(upload.object_name, upload.upload_id) for upload in result.uploads]


def abort_incomplete_uploads(client: Minio, bucket: str, key: str) -> int:
    """Cleans uploads left by a killed process for exactly this key."""
    stale = [(k, u) for k, u in incomplete_uploads(client, bucket, key) if k == key]
    for name, upload_id in stale:
        client._abort_multipart_upload(bucket, name, upload_id)  # noqa: SLF001
    return len(stale)


def put_json(client: Minio, bucket: str, key: str, document: dict) -> None:
    data = json.dumps(document, indent=2).encode()
    client.put_object(bucket, key, io.BytesIO(data), len(data), content_type="application/json")


@contextlib.contextmanager
def minio_errors(settings: Settings, what: str) -> Iterator[None]:
    """Turns client-level failures into one-line ExtractErrors naming the endpoint."""
    try:
        yield
    except S3Error as exc:
        raise ExtractError(
            f"MinIO at {settings.minio_url} failed on {what}: {exc.code} {exc.message}; "
            f"check the server log (.etl/) and rerun"
        ) from None
    except urllib3.exceptions.HTTPError as exc:
        raise unreachable(settings, exc) from None
