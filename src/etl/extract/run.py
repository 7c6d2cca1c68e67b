"""One extraction run: months (+ zone table) into rawzone, recorded in the manifest."""
from __future__ import annotations

import contextlib
import logging
import re
import secrets
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from etl.config import ConfigError, Settings, load_settings, usable_dir
from etl.extract.errors import ExtractError, MinioUnavailable, UsageError
from etl.extract.layout import (
    DEFAULT_SOURCE,
    MANIFEST_PREFIX,
    ZONES_KEY,
    check_template,
    check_url,
    default_zones_source,
    manifest_key,
    render,
    s3a_path,
    trip_key,
    zones_url,
)
from etl.extract.locks import lock_dir, lock_setting
from etl.extract.months import Month, MonthSpecError, parse_month, parse_months
from etl.extract.parallel import run_in_order
from etl.extract.progress import ProgressReporter
from etl.extract.store import connect, put_json
from etl.extract.transfer import FileTransfer, Job, Outcome, TransferOptions
from etl.extract.validate import preload
from etl.logger import log_dir, setup_logging
from etl.manifest import (
    ManifestWriteError,
    close_abandoned_runs,
    find_run,
    manifest_path,
    run_document,
    run_owner,
    update_manifest,
    utc_now,
)
from etl.store_identity import MARKER_KEY, ensure_store_id, store_record

RUN_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
USE_DEFAULT = "default"  # zones_source value meaning "pick the default for this source"


@dataclass
class ExtractResult:
    run_id: str
    status: str
    manifest: str
    files: list[dict[str, Any]] = field(default_factory=list)

    @property
    def bytes(self) -> int:
        return sum(f["size"] for f in self.files)

    @property
    def paths(self) -> list[str]:
        return [f["path"] for f in self.files if f["kind"] == "trips"]

    def to_dict(self) -> dict[str, Any]:
        """JSON-friendly (Airflow XCom)."""
        return {**asdict(self), "bytes": self.bytes, "paths": self.paths}


def new_run_id() -> str:
    return f"extract-{datetime.now(UTC):%Y%m%dT%H%M%SZ}-{secrets.token_hex(3)}"


def _months(months: str | Sequence[Month | str]) -> list[Month]:
    try:
        if isinstance(months, str):
            return parse_months(months)
        return sorted({m if isinstance(m, Month) else parse_month(m) for m in months})
    except MonthSpecError as exc:
        raise UsageError(f"{exc}") from None


def _jobs(months: list[Month], source_template: str, zones_source: str | None) -> list[Job]:
    jobs = [Job("zones", None, zones_source, ZONES_KEY, "text/csv")] if zones_source else []
    for month in months:
        jobs.append(
            Job("trips", month, render(source_template, month), trip_key(month), "application/vnd.apache.parquet")
        )
    return jobs


def _settings(settings: Settings | None) -> Settings:
    try:
        return settings or load_settings()
    except ConfigError as exc:
        raise UsageError(f"configuration: {exc}") from None


def extract_months(
    months: str | Sequence[Month | str],
    source_template: str = DEFAULT_SOURCE,
    zones_source: str | None = USE_DEFAULT,
    *,
    run_id: str | None = None,
    settings: Settings | None = None,
    backup_dir: str | Path | None = None,
    reporter: ProgressReporter | None = None,
    options: TransferOptions | None = None,
) -> ExtractResult:
    """Extracts the months (and the zone table unless zones_source is None) into rawzone.

    Raises ExtractError (UsageError for bad arguments or settings); a failed run is recorded
    in the manifest only if it had changed rawzone.
    Callable from an Airflow PythonOperator; use `.to_dict()` for XCom.
    """
    month_list = _months(months)
    check_template(source_template)
    if zones_source == USE_DEFAULT:
        zones_source = default_zones_source(source_template)
    if zones_source:
        zones_source = zones_url(zones_source)
        check_url(zones_source, "--zones")
    run_id = run_id or new_run_id()
    if not RUN_ID.match(run_id):
        raise UsageError(f"run id {run_id!r} must be 1-100 letters, digits, '.', '_' or '-'")
    settings = _settings(settings)
    manifest = manifest_path(backup_dir)
    _check_folders(manifest, "--backup-dir" if backup_dir else "ETL_BACKUP_DIR")
    run = _Run(run_id, settings, manifest, reporter or ProgressReporter(False), options or TransferOptions())
    return run.execute(month_list, source_template, zones_source)


def _check_folders(manifest: Path, backup_setting: str) -> None:
    """Every folder the run writes, before it starts: a bad setting fails at once, naming itself."""
    try:
        usable_dir(backup_setting, manifest.parent)
        usable_dir(lock_setting(), lock_dir())
        usable_dir("ETL_LOG_DIR", log_dir())
    except ConfigError as exc:
        raise UsageError(f"configuration: {exc}") from None


@contextlib.contextmanager
def _manifest_errors() -> Iterator[None]:
    """A manifest that cannot be written (a full disk) is an ExtractError: a clear message, not a crash."""
    try:
        yield
    except ManifestWriteError as exc:
        raise ExtractError(f"the extraction manifest: {exc}") from None


class _Run:
    """One run. The manifest changes only when rawzone does, or when the run succeeds.

    The run is written as `running` (with its owner) right before its first upload, and
    each file entry once stored; a run that fails before changing rawzone (a bad source,
    MinIO down) leaves the manifest byte for byte as it was: its error is on stderr, in
    the run_done event and in the log. A succeeded run is always recorded, even if
    every file was skipped, since the transform selects files by run id.
    Files are transferred `options.parallel_files` at a time; the manifest and `files` change
    under `self.lock`, and a run's file entries are put in the run's order (zone table, months) when it ends.
    """

    def __init__(self, run_id: str, settings: Settings, manifest: Path,
                 reporter: ProgressReporter, options: TransferOptions) -> None:
        self.run_id, self.settings, self.manifest = run_id, settings, manifest
        self.reporter, self.options = reporter, options
        self.bucket = settings.rawzone_bucket
        self.log = setup_logging("extract", run_id)
        self.files: list[dict[str, Any]] = []
        self.record: dict[str, Any] = {}
        self.recorded = False
        self.lock = threading.Lock()  # files, recorded and the manifest, changed by the transfer threads
        self.order: dict[str, int] = {}  # object key -> its place in the run

    def execute(self, months: list[Month], source_template: str, zones_source: str | None) -> ExtractResult:
        self._close_abandoned()
        self.record = self._new_record(months, source_template, zones_source)
        self.reporter.emit("run_start", run_id=self.run_id, months=[str(m) for m in months],
                           source=source_template, zones_source=zones_source, bucket=self.bucket)
        client = None
        try:
            client = connect(self.settings, self.bucket)
            self._record_store(client)
            transfer = FileTransfer(client, self.settings, self.bucket, self.run_id, self.reporter, self.log,
                                    self.options, before_change=self._record_running)
            jobs = _jobs(months, source_template, zones_source)
            if months:
                preload()  # the trip files' check needs pyarrow: imported while the first file downloads
            self.order = {job.key: index for index, job in enumerate(jobs)}
            run_in_order(jobs, lambda job: self._extract_one(transfer, job), self.options.parallel_files,
                         transfer.cancel)
        except BaseException as exc:
            message = str(exc) if isinstance(exc, ExtractError) else f"{type(exc).__name__}: {exc}"
            # MinIO down or hung: its mirror of the manifest would only fail, or wait as long again on a hung one.
            self._finish("failed", None if isinstance(exc, MinioUnavailable) else client, message)
            if not isinstance(exc, ExtractError):
                self.log.exception("unexpected failure")
            raise
        self._finish("succeeded", client, None)
        return ExtractResult(self.run_id, "succeeded", str(self.manifest), self._in_order(self.files))

    def _record_store(self, client: Any) -> None:
        """Best effort, as the mirror: a key that may not write the marker still extracts; its run is then
        recorded without a store, and transforms judge it by its endpoint as runs of older manifests."""
        try:
            self.record["store"] = store_record(self.settings, ensure_store_id(client, self.bucket))
        except Exception as exc:  # noqa: BLE001 - must not fail the extraction itself
            self.log.warning("could not read or create the store marker %s/%s (%s): run %s is recorded without "
                             "its store", self.bucket, MARKER_KEY, exc, self.run_id)

    def _close_abandoned(self) -> None:
        with _manifest_errors():
            closed = close_abandoned_runs(self.manifest)
        for run_id in closed:
            self.log.warning("run %s was left running by a process that no longer exists: marked failed in %s",
                             run_id, self.manifest)

    def _extract_one(self, transfer: FileTransfer, job: Job) -> None:
        try:
            outcome = transfer.extract(job)
        except ExtractError as exc:
            self.reporter.emit("file_failed", **job.fields(), url=job.url, error=str(exc))
            raise
        entry = self._entry(job, outcome)
        with self.lock:
            self.files.append(entry)
            if self.recorded:
                self._update_manifest(lambda doc: find_run(doc, self.run_id)["files"].append(entry))
        self.reporter.emit("file_done", **job.fields(), url=job.url, path=entry["path"], size=outcome.size,
                           sha256=outcome.sha256, status=outcome.status)
        self.log.info(
            "%s %s: %s (%d bytes, sha256 %s)", job.label, outcome.status, entry["path"], outcome.size, outcome.sha256
        )

    def _entry(self, job: Job, outcome: Outcome) -> dict[str, Any]:
        return {
            **job.fields(), "path": s3a_path(self.bucket, job.key), "bucket": self.bucket, "key": job.key,
            "source_url": job.url, "size": outcome.size, "sha256": outcome.sha256,
            "extracted_at": utc_now(), "status": outcome.status,
        }

    def _new_record(self, months: list[Month], source_template: str, zones_source: str | None) -> dict[str, Any]:
        return {
            "run_id": self.run_id, "step": "extract", "status": "running", "started_at": utc_now(), "ended_at": None,
            "months": [str(m) for m in months], "source_template": source_template, "zones_source": zones_source,
            "bucket": self.bucket, "minio_endpoint": self.settings.minio_url, "error": None, "files": [],
        }

    def _update_manifest(self, change: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
        with _manifest_errors():
            return update_manifest(self.manifest, change)

    def _record_running(self) -> None:
        """Before the first change to rawzone: the run, its owner and the files done so far."""
        with self.lock:
            if self.recorded:
                return
            run = {**self.record, "owner": run_owner(), "files": list(self.files)}
            self._update_manifest(lambda doc: doc["runs"].append(run))
            self.recorded = True

    def _finish(self, status: str, client: Any, error: str | None) -> None:
        if self.recorded or status == "succeeded":
            document = self._update_manifest(lambda doc: self._close(doc, status, error))
            if client is not None:
                self._mirror(client, run_document(document, self.run_id))
        total = sum(f["size"] for f in self.files)
        self.reporter.emit("run_done", run_id=self.run_id, status=status, files=len(self.files), bytes=total,
                           manifest=str(self.manifest), error=error)
        level = logging.INFO if status == "succeeded" else logging.ERROR
        unchanged = "" if self.recorded or status == "succeeded" else "; rawzone and the manifest were not changed"
        self.log.log(level, "run %s %s: %d files, %d bytes%s%s", self.run_id, status, len(self.files), total,
                     f" ({error})" if error else "", unchanged)

    def _close(self, document: dict[str, Any], status: str, error: str | None) -> None:
        if not self.recorded:  # a run that only skipped files: recorded now, whole
            document["runs"].append({**self.record, "files": list(self.files)})
        run = find_run(document, self.run_id)
        run.pop("owner", None)
        run.update(status=status, ended_at=utc_now(), error=error, files=self._in_order(run["files"]))

    def _in_order(self, files: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """The run's order (zone table, then months), whatever order concurrent transfers ended in."""
        return sorted(files, key=lambda entry: self.order.get(entry["key"], len(self.order)))

    def _mirror(self, client: Any, document: dict[str, Any]) -> None:
        """Best effort: the local manifest is the reference; a failed mirror is only logged."""
        try:
            put_json(client, self.bucket, manifest_key(self.run_id), document)
            put_json(client, self.bucket, f"{MANIFEST_PREFIX}latest.json", document)
        except Exception as exc:  # noqa: BLE001 - must not hide the run's own outcome
            self.log.warning("could not mirror the manifest to %s/%s: %s", self.bucket, MANIFEST_PREFIX, exc)
