"""MinIO access: client, reachability check, object checksums, metadata, leftover uploads."""
from __future__ import annotations

import contextlib
import io
import json
import re
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import urllib3
from minio import Minio
from minio.datatypes import Part
from minio.error import S3Error
from minio.helpers import genheaders

from etl.config import Settings, minio_drive, state_dir
from etl.extract.errors import ExtractError, MinioUnavailable

SHA256_META = "sha256"
# Few connect retries: a stopped MinIO should be reported in seconds, not minutes. A hung one (alive, silent)
# within the minute: one read retry of READ_TIMEOUT_S each (a part's answer takes well under a second here; 120 s
# with 3 retries let `etl extract` sit 8 minutes on `files 0/2` before).
READ_TIMEOUT_S = 20.0
_RETRIES = urllib3.Retry(total=3, connect=1, read=1, backoff_factor=0.2, status_forcelist=[500, 502, 503, 504])
_TIMEOUT = urllib3.Timeout(connect=5.0, read=READ_TIMEOUT_S)


def make_client(settings: Settings) -> Minio:
    """The active profile's S3: TLS verified against its CA bundle (else the system's), its addressing.
    Enough connections for the parts in flight of the files transferred at once (transfer.PARTS_IN_MEMORY)."""
    tls = {"cert_reqs": "CERT_REQUIRED", "ca_certs": settings.s3_ca_file} if settings.s3_ca_file else {}
    http = urllib3.PoolManager(timeout=_TIMEOUT, retries=_RETRIES, maxsize=8, **tls)
    client = Minio(
        settings.minio_endpoint,
        access_key=settings.minio_access_key,
        secret_key=settings.minio_secret_key,
        region=settings.minio_region,
        secure=settings.s3_secure,
        http_client=http,
    )
    if settings.s3_path_style:
        client.disable_virtual_style_endpoint()
    else:
        client.enable_virtual_style_endpoint()
    return client


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
    tls = tls_problem(settings, exc)
    if tls:
        return MinioUnavailable(tls)
    reason = _short_reason(exc)
    if settings.s3_external:
        return MinioUnavailable(
            f"cannot reach {settings.s3_name} at {settings.minio_url} ({reason}); check s3.endpoint in the profile "
            f"and that this machine can reach it (network, VPN); `etl up` never starts an external S3"
        )
    if reason == "timed out":  # it took the connection and said nothing: running, but hung or swamped
        return MinioUnavailable(
            f"MinIO at {settings.minio_url} does not answer (no answer within {READ_TIMEOUT_S:g} s): it runs "
            f"but is hung or overloaded; `etl status` shows it, `etl stop minio` then `etl start minio` restarts it "
            f"(natively), then rerun"
        )
    return MinioUnavailable(
        f"cannot reach MinIO at {settings.minio_url} ({reason}); start the stack with `etl up` "
        f"or fix ETL_BIND_HOST/MINIO_API_PORT in .env"
    )


def tls_problem(settings: Settings, exc: BaseException) -> str | None:
    """A certificate the client does not trust, said with the service, the endpoint and what to do; else None."""
    text = str(exc)
    if "CERTIFICATE_VERIFY_FAILED" not in text and "SSLError" not in text and "WRONG_VERSION_NUMBER" not in text:
        return None
    detail = re.search(r"certificate verify failed: ([^(')\]]+)", text)
    reason = detail.group(1).strip() if detail else "TLS handshake failed"
    where = f"{settings.s3_name} at {settings.minio_url}"
    if "WRONG_VERSION_NUMBER" in text:
        return f"{where}: TLS handshake failed (the server does not speak TLS there); check http/https and the port"
    if "expired" in reason:
        return f"{where}: TLS certificate not trusted ({reason}); the server's certificate must be renewed"
    ca = f"the CA file {settings.s3_ca_file} does not vouch for it" if settings.s3_ca_file else "no CA file is set"
    return (f"{where}: TLS certificate not trusted ({reason}; {ca}); set s3.caFile in the profile "
            f"(etl-profiles.json) to the PEM of the CA that signed the server's certificate")


def refused(settings: Settings, bucket: str, code: str) -> str:
    """Credentials (or a policy) refused: names the service, the endpoint and where the key comes from."""
    where = f"{settings.s3_name} at {settings.minio_url} refused access to bucket {bucket!r} ({code})"
    if settings.s3_external:
        return (f"{where}; check the key in the variables the profile names (s3.accessKeyEnv, s3.secretKeyEnv), "
                f"that the bucket exists (s3.buckets) and that the key may use it")
    return (f"{where}; check MINIO_ACCESS_KEY/MINIO_SECRET_KEY in .env (`etl up` creates that user) "
            f"or the credentials stored with ETL: Set Credentials")


def connect(settings: Settings, bucket: str) -> Minio:
    """A client whose server answers and whose bucket exists.

    The ETL's key may not create buckets (config/minio-etl-policy.json): `etl up` or the
    compose minio-init create them with the admin key.
    """
    client = make_client(settings)
    try:
        exists = client.bucket_exists(bucket)
    except S3Error as exc:
        raise MinioUnavailable(refused(settings, bucket, exc.code)) from None
    except (urllib3.exceptions.HTTPError, OSError) as exc:
        raise unreachable(settings, exc) from None
    if not exists:
        how = ("create it there (the ETL never creates buckets on an external S3) or fix s3.buckets in the profile"
               if settings.s3_external else "`etl up` (or the compose minio-init) creates it with the admin key, "
               "or fix RAWZONE_BUCKET in .env")
        raise MinioUnavailable(f"bucket {bucket!r} does not exist at {settings.s3_name} {settings.minio_url}; {how}")
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


def upload_file(client: Minio, bucket: str, key: str, path: Path, size: int, *, part_size: int, parallel: int,
                content_type: str, metadata: dict[str, str], budget: threading.Semaphore | None = None) -> None:
    """A local file to `key`, `parallel` parts in flight and in memory at most.

    minio's put_object reads a file's parts ahead for its thread pool without any bound
    (a 500 MB file would sit in memory); this keeps its parallelism with a bound. `budget`,
    shared by the files transferred at once, bounds the parts in memory across all of them. The
    object appears only when the upload completes; any failure aborts it. The multipart
    calls are minio's private ones, pinned with the package (as incomplete_uploads above).
    """
    if size <= part_size:
        with open(path, "rb") as body:
            client.put_object(bucket, key, body, size, content_type=content_type, metadata=metadata)
        return
    headers = genheaders(metadata, None, None, None, False)
    headers["Content-Type"] = content_type
    upload_id = client._create_multipart_upload(bucket, key, headers)  # noqa: SLF001
    try:
        slots = budget or threading.BoundedSemaphore(parallel)
        parts = _upload_parts(client, bucket, key, upload_id, path, part_size, parallel, slots)
        client._complete_multipart_upload(bucket, key, upload_id, parts)  # noqa: SLF001
    except BaseException as exc:
        # A MinIO that does not answer would keep the abort waiting as long again: the next run of this key aborts
        # what is left (transfer.py, abort_incomplete_uploads). Any other failure is aborted now.
        if not timed_out(exc):
            client._abort_multipart_upload(bucket, key, upload_id)  # noqa: SLF001
        raise


def timed_out(exc: BaseException) -> bool:
    """A server that took the connection and did not answer (urllib3's read timeout), as raised or as the reason its
    retries gave up. Not a refusal: urllib3's NewConnectionError is a ConnectTimeoutError too."""
    return isinstance(exc, urllib3.exceptions.ReadTimeoutError) or \
        isinstance(getattr(exc, "reason", None), urllib3.exceptions.ReadTimeoutError)


def _upload_parts(client: Minio, bucket: str, key: str, upload_id: str, path: Path, part_size: int,
                  parallel: int, slots: threading.Semaphore) -> list[Part]:
    """`parallel` parts of this file in flight; a part is read only when `slots` has room for it."""

    def send(number: int, data: bytes) -> Part:
        try:
            return Part(number, client._upload_part(bucket, key, data, None, upload_id, number))  # noqa: SLF001
        finally:
            slots.release()

    futures = []
    with ThreadPoolExecutor(max_workers=parallel) as pool, open(path, "rb") as body:
        number = 0
        while True:
            slots.acquire()
            data = body.read(part_size)
            if not data:
                slots.release()
                break
            number += 1
            futures.append(pool.submit(send, number, data))
            if any(f.done() and f.exception() for f in futures):
                break  # a part failed: stop reading, report it below
    return [f.result() for f in futures]


def put_json(client: Minio, bucket: str, key: str, document: dict) -> None:
    data = json.dumps(document, indent=2).encode()
    client.put_object(bucket, key, io.BytesIO(data), len(data), content_type="application/json")


STORAGE_FULL = "XMinioStorageFull"  # MinIO's drive is (nearly) full: a write is refused whole
# MinIO's answer when its drive fills during a write (it stops reading the body); our bodies are local files of
# known size, so it never means that we sent too little.
CUT_SHORT = "IncompleteBody"


@contextlib.contextmanager
def minio_errors(settings: Settings, what: str) -> Iterator[None]:
    """Turns client-level failures into one-line ExtractErrors naming the endpoint."""
    try:
        yield
    except S3Error as exc:
        drive = minio_drive()
        if exc.code == STORAGE_FULL:
            raise ExtractError(
                f"MinIO at {settings.minio_url} has no space left for {what} ({STORAGE_FULL}): free space on its "
                f"drive ({drive}) and rerun; nothing of this file was stored"
            ) from None
        if exc.code == CUT_SHORT:
            raise ExtractError(
                f"MinIO at {settings.minio_url} stopped storing {what} midway ({CUT_SHORT}; the whole file was "
                f"sent): its drive filled during the write, or it failed. Check its free space ({drive}) and its "
                f"log, then rerun; nothing of this file was stored"
            ) from None
        raise ExtractError(
            f"MinIO at {settings.minio_url} failed on {what}: {exc.code} {exc.message}; "
            f"check MinIO's log ({state_dir() / 'logs' / 'minio.log'} on the native stack) and rerun"
        ) from None
    except urllib3.exceptions.HTTPError as exc:
        raise unreachable(settings, exc) from None
