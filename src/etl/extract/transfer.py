"""One file from source URL to MinIO: downloaded, checked, then uploaded; all-or-nothing.

The body is streamed in 1 MiB chunks to a staging file beside the object's lock,
hashed (sha256) and counted on the way, so memory stays flat whatever the file size.
Only a complete, size-checked file that passes etl.extract.validate goes to the final
key, as a multipart upload from the staging file (16 MiB parts, 3 in flight) that
carries the sha256 as user metadata. Until that upload completes the stored object is untouched;
a failed upload is aborted, so no partial object appears. A file whose sha256 equals the
stored one is not uploaded at all (skipped).

Why the upload of a file does not start while it downloads: the sha256 must travel with the
upload (metadata is fixed when a multipart upload is created), and setting it afterwards means
a copy of the object onto itself, which MinIO does by rewriting the whole object (measured:
0.5-0.6 s per 100 MB, more than the overlap saves). The overlap comes from transferring
several files at once instead (etl.extract.parallel): one's download and checks run while
another uploads, all sharing one bound of PARTS_IN_MEMORY parts in memory.
"""
from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from minio import Minio
from tenacity import RetryCallState, Retrying, retry_if_exception_type, stop_after_attempt, wait_exponential

from etl.config import Settings
from etl.extract.errors import Cancelled, InvalidSource, SourceFailed, TransientError
from etl.extract.layout import s3a_path
from etl.extract.locks import file_lock
from etl.extract.months import Month
from etl.extract.progress import ProgressReporter
from etl.extract.source import DEFAULT_TIMEOUT, Source, open_source
from etl.extract.store import SHA256_META, abort_incomplete_uploads, minio_errors, stored_sha256, upload_file
from etl.extract.validate import check_trip_file, check_zones_file
from etl.manifest import utc_now

PART_SIZE = 16 * 1024 * 1024
PARALLEL_PARTS = 3  # parts of one file in flight at once
PARTS_IN_MEMORY = 3  # parts read into memory at once, over all the files in flight (as many as one file's)
READ_CHUNK = 1024 * 1024
MAX_PARALLEL_FILES = 8


@dataclass(frozen=True)
class TransferOptions:
    retries: int = 4  # attempts after the first one
    backoff_s: float = 1.0  # first wait; doubles each time (max 30 s)
    timeout: tuple[float, float] = DEFAULT_TIMEOUT
    lock_timeout_s: float = 600.0
    parallel_files: int = 2  # files in flight at once (1: one after the other)


ZONES_MISSING_HINT = "give the zone table with --zones <url-or-path>, or extract without it with --no-zones"


@dataclass(frozen=True)
class Job:
    kind: str  # "trips" or "zones"
    month: Month | None
    url: str
    key: str
    content_type: str

    @property
    def label(self) -> str:
        return f"month {self.month}" if self.month else "zone lookup"

    @property
    def missing_hint(self) -> str | None:
        """What to do when the source does not exist (None: the trip files' own hints)."""
        return None if self.kind == "trips" else ZONES_MISSING_HINT

    @property
    def expected(self) -> str:
        """What the file must be, in error messages."""
        return "trip file (Parquet)" if self.kind == "trips" else "zone table (CSV)"

    def check(self, path: Path, size: int) -> None:
        """Raises InvalidSource when the downloaded file cannot be this job's object."""
        (check_trip_file if self.kind == "trips" else check_zones_file)(path, size)

    def fields(self) -> dict:
        """Identifies the file in progress events."""
        return {"kind": self.kind, "month": str(self.month) if self.month else None}


@dataclass(frozen=True)
class Outcome:
    status: str  # uploaded, skipped or replaced
    size: int
    sha256: str


def download_to(source: Source, target: Path, on_bytes: Callable[[int], None]) -> tuple[int, str]:
    """Streams the source into `target`; (size, sha256). A body shorter than announced is transient."""
    hasher = hashlib.sha256()
    count = 0
    with open(target, "wb") as out:
        while chunk := source.read(READ_CHUNK):
            out.write(chunk)
            hasher.update(chunk)
            count += len(chunk)
            on_bytes(count)
    if source.size is not None and count != source.size:
        raise TransientError(f"received {count} of {source.size} bytes from {source.url}")
    return count, hasher.hexdigest()


def _ascii_meta(value: str) -> str:
    """User metadata travels in HTTP headers: ASCII only (URLs are percent-encoded)."""
    return quote(value, safe=":/@=+,.-_")


class FileTransfer:
    """Extracts jobs into one bucket with the given options, reporting progress.

    `before_change` runs right before an upload that changes the bucket (not for a
    skipped or rejected file): the run records itself in the manifest there, so a run
    killed after changing rawzone is always in the manifest.
    """

    def __init__(self, client: Minio, settings: Settings, bucket: str, run_id: str,
                 reporter: ProgressReporter, log: logging.Logger, options: TransferOptions,
                 before_change: Callable[[], None] = lambda: None) -> None:
        self.client, self.settings, self.bucket = client, settings, bucket
        self.run_id, self.reporter, self.log, self.options = run_id, reporter, log, options
        self.before_change = before_change
        self.cancel = threading.Event()  # set when the run is interrupted: stop at the next read
        self.parts_budget = threading.BoundedSemaphore(PARTS_IN_MEMORY)

    def extract(self, job: Job) -> Outcome:
        name = f"{self.settings.minio_endpoint}/{self.bucket}/{job.key}"
        with file_lock(name, self.options.lock_timeout_s, f"{self.bucket}/{job.key}") as lock:
            with minio_errors(self.settings, f"{self.bucket}/{job.key}"):
                if abort_incomplete_uploads(self.client, self.bucket, job.key):
                    self.log.warning("aborted an unfinished upload of %s left by an interrupted run", job.key)
                existing = stored_sha256(self.client, self.bucket, job.key)
            self.reporter.emit("file_start", **job.fields(), url=job.url, path=s3a_path(self.bucket, job.key))
            self.log.info("extracting %s from %s", job.label, job.url)
            staging = lock.with_suffix(
                ".part"
            )  # only the lock's holder uses it; a killed run's leftover is overwritten
            try:
                size, sha256 = self._with_retries(job, staging)
                self._check(job, staging, size, existing)
                return self._store(job, staging, size, sha256, existing)
            finally:
                staging.unlink(missing_ok=True)

    def _with_retries(self, job: Job, staging: Path) -> tuple[int, str]:
        attempts = self.options.retries + 1
        retrying = Retrying(
            stop=stop_after_attempt(attempts),
            wait=wait_exponential(multiplier=self.options.backoff_s, max=30),
            retry=retry_if_exception_type(TransientError),
            before_sleep=lambda state: self._announce_retry(job, state),
            reraise=True,
        )
        try:
            return retrying(self._download, job, staging)
        except TransientError as exc:
            raise SourceFailed(
                f"{job.label}: download from {job.url} failed after {attempts} attempts ({exc}); "
                f"nothing was stored for it; check the source/network and rerun (finished files are skipped)"
            ) from None

    def _announce_retry(self, job: Job, state: RetryCallState) -> None:
        error = str(state.outcome.exception()) if state.outcome else "unknown error"
        delay = state.next_action.sleep if state.next_action else 0.0
        self.log.warning("%s: attempt %d failed (%s); retrying in %.1fs", job.label, state.attempt_number, error, delay)
        self.reporter.emit("retry", **job.fields(), attempt=state.attempt_number, delay_s=round(delay, 2), error=error)

    def _download(self, job: Job, staging: Path) -> tuple[int, str]:
        with open_source(job.url, job.label, self.options.timeout, job.missing_hint) as source:
            def progress(done: int) -> None:
                if self.cancel.is_set():
                    raise Cancelled(f"{job.label}: interrupted")
                self.reporter.bytes(done, source.size, **job.fields())

            size, sha256 = download_to(source, staging, progress)
            self.reporter.bytes(size, source.size, final=True, **job.fields())
            return size, sha256

    def _check(self, job: Job, staging: Path, size: int, existing: str | None) -> None:
        """Validation happens on the complete download, before anything in the bucket changes."""
        try:
            job.check(staging, size)
        except InvalidSource as exc:
            kept = (
                f"{self.bucket}/{job.key} was left as it was" if existing is not None else "nothing was stored for it"
            )
            raise InvalidSource(
                f"{job.label}: the source {job.url} is not a usable {job.expected}: {exc}; {kept}; "
                f"check the source (--source) and rerun"
            ) from None

    def _store(self, job: Job, staging: Path, size: int, sha256: str, existing: str | None) -> Outcome:
        if existing == sha256:
            return Outcome("skipped", size, sha256)  # the stored object already holds these bytes
        if self.cancel.is_set():
            raise Cancelled(f"{job.label}: interrupted")
        self.before_change()
        meta = {SHA256_META: sha256, "source-url": job.url, "run-id": self.run_id, "extracted-at": utc_now()}
        with minio_errors(self.settings, f"{self.bucket}/{job.key}"):
            # The object and its sha256 appear together when the (multipart) upload completes.
            upload_file(self.client, self.bucket, job.key, staging, size, part_size=PART_SIZE,
                        parallel=PARALLEL_PARTS, content_type=job.content_type,
                        metadata={k: _ascii_meta(v) for k, v in meta.items()}, budget=self.parts_budget)
        return Outcome("uploaded" if existing is None else "replaced", size, sha256)
