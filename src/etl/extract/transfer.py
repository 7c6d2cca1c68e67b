"""One file from source URL to MinIO: streamed, hashed, size-checked, retried, all-or-nothing.

The body is read in chunks and handed to minio's multipart upload (16 MiB parts), so
memory stays flat whatever the file size. Any failure before the upload completes
makes the minio client abort the multipart upload: no partial object can appear.
The sha256 is only known at the end, so it is written afterwards as user metadata
(a metadata-only self-copy); an object without it is treated as unverified and is
replaced on the next run.
"""
from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass

from minio import Minio
from tenacity import RetryCallState, Retrying, retry_if_exception_type, stop_after_attempt, wait_exponential

from etl.config import Settings
from etl.extract.errors import SameContent, SourceFailed, TransientError
from etl.extract.layout import s3a_path
from etl.extract.locks import file_lock
from etl.extract.months import Month
from etl.extract.progress import ProgressReporter
from etl.extract.source import DEFAULT_TIMEOUT, Source, open_source
from etl.extract.store import SHA256_META, abort_incomplete_uploads, minio_errors, set_metadata, stored_sha256
from etl.manifest import utc_now

PART_SIZE = 16 * 1024 * 1024
READ_CHUNK = PART_SIZE + 1  # one read per part (minio asks part_size+1 to spot the end): fewest copies


@dataclass(frozen=True)
class TransferOptions:
    retries: int = 4  # attempts after the first one
    backoff_s: float = 1.0  # first wait; doubles each time (max 30 s)
    timeout: tuple[float, float] = DEFAULT_TIMEOUT
    lock_timeout_s: float = 600.0


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

    def fields(self) -> dict:
        """Identifies the file in progress events."""
        return {"kind": self.kind, "month": str(self.month) if self.month else None}


@dataclass(frozen=True)
class Outcome:
    status: str  # uploaded, skipped or replaced
    size: int
    sha256: str


class VerifyingReader:
    """File-like view of a source that hashes and counts; checks the size at end of stream."""

    def __init__(self, source: Source, existing_sha: str | None, on_bytes: Callable[[int], None]) -> None:
        self.source = source
        self.existing_sha = existing_sha
        self.on_bytes = on_bytes
        self.hasher = hashlib.sha256()
        self.count = 0

    def read(self, amount: int = -1) -> bytes:
        chunk = self.source.read(READ_CHUNK if amount < 0 else min(amount, READ_CHUNK))
        if chunk:
            self.hasher.update(chunk)
            self.count += len(chunk)
            self.on_bytes(self.count)
            return chunk
        self._check_end()
        return b""

    def _check_end(self) -> None:
        expected = self.source.size
        if expected is not None and self.count != expected:
            raise TransientError(f"received {self.count} of {expected} bytes from {self.source.url}")
        if self.existing_sha and self.existing_sha == self.hasher.hexdigest():
            raise SameContent  # the stored object already holds these bytes


class FileTransfer:
    """Extracts jobs into one bucket with the given options, reporting progress."""

    def __init__(self, client: Minio, settings: Settings, bucket: str, run_id: str,
                 reporter: ProgressReporter, log: logging.Logger, options: TransferOptions) -> None:
        self.client, self.settings, self.bucket = client, settings, bucket
        self.run_id, self.reporter, self.log, self.options = run_id, reporter, log, options

    def extract(self, job: Job) -> Outcome:
        name = f"{self.settings.minio_endpoint}/{self.bucket}/{job.key}"
        with file_lock(name, self.options.lock_timeout_s, f"{self.bucket}/{job.key}"):
            with minio_errors(self.settings, f"{self.bucket}/{job.key}"):
                if abort_incomplete_uploads(self.client, self.bucket, job.key):
                    self.log.warning("aborted an unfinished upload of %s left by an interrupted run", job.key)
                existing = stored_sha256(self.client, self.bucket, job.key)
            self.reporter.emit("file_start", **job.fields(), url=job.url, path=s3a_path(self.bucket, job.key))
            self.log.info("extracting %s from %s", job.label, job.url)
            return self._with_retries(job, existing)

    def _with_retries(self, job: Job, existing: str | None) -> Outcome:
        attempts = self.options.retries + 1
        retrying = Retrying(
            stop=stop_after_attempt(attempts),
            wait=wait_exponential(multiplier=self.options.backoff_s, max=30),
            retry=retry_if_exception_type(TransientError),
            before_sleep=lambda state: self._announce_retry(job, state),
            reraise=True,
        )
        try:
            return retrying(self._attempt, job, existing)
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

    def _attempt(self, job: Job, existing: str | None) -> Outcome:
        with open_source(job.url, job.label, self.options.timeout) as source:
            progress = lambda done: self.reporter.bytes(done, source.size, **job.fields())  # noqa: E731
            reader = VerifyingReader(source, existing, progress)
            try:
                with minio_errors(self.settings, f"{self.bucket}/{job.key}"):
                    self.client.put_object(self.bucket, job.key, reader, length=-1, part_size=PART_SIZE,
                                           content_type=job.content_type)
            except SameContent:
                status = "skipped"
            else:
                status = "uploaded" if existing is None else "replaced"
                self._stamp(job, reader.hasher.hexdigest())
            self.reporter.bytes(reader.count, source.size, final=True, **job.fields())
            return Outcome(status, reader.count, reader.hasher.hexdigest())

    def _stamp(self, job: Job, sha256: str) -> None:
        meta = {SHA256_META: sha256, "source-url": job.url, "run-id": self.run_id, "extracted-at": utc_now()}
        with minio_errors(self.settings, f"{self.bucket}/{job.key}"):
            set_metadata(self.client, self.bucket, job.key, job.content_type, meta)
