"""Inputs: the trip files and zone table the extraction manifest lists, read over s3a."""
from __future__ import annotations

import csv
import io
import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import reduce
from pathlib import Path

from pyspark.sql import DataFrame, SparkSession

from etl.manifest import load_manifest, manifest_path
from etl.transform.errors import ForeignStoreError, InputFileError, TransformError
from etl.transform.failure import first_line
from etl.transform.schema import conform, extra_columns
from etl.transform.stores import every_run_elsewhere, left_out_message, split_by_store, switch_hint, this_store, where

READ_THREADS = 4
log = logging.getLogger("etl.transform.sources")
_WARNED: set[str] = set()  # the left-out line, once per process however often the runs are selected
Month = tuple[int, int]  # (year, month)


@dataclass(frozen=True, order=True)
class TripFile:
    year: int
    month: int
    path: str

    @property
    def label(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


def _selected_runs(run_id: str | None, manifest: Path | None = None) -> list[dict]:
    """One run, or every run stored where this transform reads; a run of another store is named, never read
    (its objects are not here: reading them failed on the first one with NoSuchKey)."""
    runs, here = load_manifest(manifest)["runs"], this_store()
    if run_id is None:
        kept, elsewhere = split_by_store(runs, here)
        if elsewhere and not kept:
            raise ForeignStoreError(every_run_elsewhere(elsewhere, here))
        if elsewhere:
            message = left_out_message(elsewhere, here)
            if message not in _WARNED:
                _WARNED.add(message)
                log.warning("%s", message)
        return kept
    selected = [r for r in runs if r["run_id"] == run_id]
    if not selected:
        raise TransformError(f"run {run_id!r} is not in the manifest {manifest or manifest_path()}; "
                             "list runs there or omit --run to use every extracted file")
    if split_by_store(selected, here)[1]:
        raise ForeignStoreError(
            f"run {run_id!r} was stored elsewhere ({where(selected[0])}) than where this transform reads "
            f"({here.label}): the native and compose stacks and each profile keep their own MinIO; "
            f"{switch_hint(selected)}, or extract its months again here")
    return selected


def left_out_runs(run_id: str | None = None, *, manifest: Path | None = None) -> str | None:
    """The line naming the runs of other stores that a transform of every run leaves out; None when none is."""
    if run_id is not None:
        return None
    here = this_store()
    elsewhere = split_by_store(load_manifest(manifest)["runs"], here)[1]
    return left_out_message(elsewhere, here) if elsewhere else None


def _trip_entries(run_id: str | None, manifest: Path | None) -> dict[str, dict]:
    """The manifest's trip-file entries of one run or of all runs, one per path (the latest run's)."""
    files = {f["path"]: f for r in _selected_runs(run_id, manifest) for f in r["files"] if f["kind"] == "trips"}
    if not files:
        raise TransformError(f"no trip file in the manifest {manifest or manifest_path()}"
                             f"{f' for run {run_id!r}' if run_id else ''}; run `etl extract` first")
    return files


def trip_files(run_id: str | None = None, *, manifest: Path | None = None) -> list[TripFile]:
    """Trip files of one extraction run or of all runs: one per path, sorted by month."""
    parsed = []
    for path, entry in _trip_entries(run_id, manifest).items():
        year, month = (int(p) for p in entry["month"].split("-"))
        parsed.append(TripFile(year, month, path))
    return sorted(parsed)


def trip_bytes(run_id: str | None = None, *, manifest: Path | None = None) -> int | None:
    """The size of the trip files trip_files() returns, from the manifest (None: a size is not recorded)."""
    sizes = [entry.get("size") for entry in _trip_entries(run_id, manifest).values()]
    return None if any(not isinstance(size, int) for size in sizes) else sum(sizes)


def consumed_runs(run_id: str | None = None, *, manifest: Path | None = None) -> list[str]:
    """The extraction runs whose trip files this transform reads: how the Runs view joins a transform
    to its extraction (a transform of every run consumes several)."""
    return [r["run_id"] for r in _selected_runs(run_id, manifest) if any(f["kind"] == "trips" for f in r["files"])]


def zones_path(run_id: str | None, rawzone_bucket: str) -> str:
    paths = sorted({f["path"] for r in _selected_runs(run_id) for f in r["files"] if f["kind"] == "zones"})
    if not paths:  # a run with --no-zones: the table an earlier run stored
        paths = sorted({f["path"] for r in _selected_runs(None) for f in r["files"] if f["kind"] == "zones"})
    return paths[-1] if paths else f"s3a://{rawzone_bucket}/reference/taxi_zone_lookup.csv"


PARQUET_MAGIC = b"PAR1"


def _bucket_key(path: str) -> tuple[str, str]:
    bucket, _, key = path.removeprefix("s3a://").partition("/")
    return bucket, key


def check_parquet_object(client, path: str) -> int:
    """Cheap driver-side check of a rawzone object (size, magic at both ends, footer length), so a
    truncated or non-Parquet file fails at once with its name instead of after Spark's task retries.
    Returns the object's size in bytes."""
    bucket, key = _bucket_key(path)
    try:
        size = client.stat_object(bucket, key).size
        if size < 12:
            raise InputFileError(
                f"cannot read {path} as Parquet (only {size} bytes); re-extract that month with `etl extract`"
            )
        tail = _read_object(client, bucket, key, size - 8, 8)
        head = _read_object(client, bucket, key, 0, 4)
    except InputFileError:
        raise
    except Exception as error:  # S3Error (NoSuchKey, AccessDenied), connection errors
        raise InputFileError(f"cannot read {path} ({first_line(error)}); check that the object exists, "
                             "or re-extract that month with `etl extract`") from error
    footer_length = int.from_bytes(tail[:4], "little")
    if head != PARQUET_MAGIC or tail[4:] != PARQUET_MAGIC or footer_length + 12 > size:
        raise InputFileError(f"cannot read {path} as Parquet (truncated or not a Parquet file: no valid footer "
                             f"in its {size} bytes); re-extract that month with `etl extract`")
    return size


def _read_object(client, bucket: str, key: str, offset: int = 0, length: int = 0) -> bytes:
    """The object's bytes from offset, length of them (0: to its end, as minio's get_object)."""
    response = client.get_object(bucket, key, offset=offset, length=length)
    try:
        return response.read()
    finally:
        response.close()
        response.release_conn()


def read_trip_file(spark: SparkSession, trip_file: TripFile) -> tuple[DataFrame, list[str]]:
    """The file conformed to the target schema (the footer is read now: a bad file fails here)."""
    try:
        raw = spark.read.parquet(trip_file.path)
    except Exception as error:  # AnalysisException or Py4JJavaError from the footer read
        raise InputFileError(f"cannot read {trip_file.path} as Parquet ({first_line(error)}); "
                             "re-extract that month with `etl extract`") from error
    return conform(raw, trip_file.path, trip_file.year, trip_file.month), extra_columns(raw)


def read_trips(spark: SparkSession, files: list[TripFile]) -> tuple[dict[Month, DataFrame], dict[str, list[str]]]:
    """Each month's rows ((year, month) -> its files, each conformed on its own, unioned by name). Spark reads
    each footer in a small job of its own: they run at the same time (a bad file still fails first in
    month order)."""
    with ThreadPoolExecutor(max_workers=min(READ_THREADS, len(files)), thread_name_prefix="etl-read") as pool:
        read = list(pool.map(lambda trip_file: read_trip_file(spark, trip_file), files))
    extras = {trip_file.path: extra for trip_file, (_, extra) in zip(files, read, strict=True) if extra}
    by_month: dict[Month, list[DataFrame]] = {}
    for trip_file, (frame, _) in zip(files, read, strict=True):
        by_month.setdefault((trip_file.year, trip_file.month), []).append(frame)
    return {label: reduce(DataFrame.unionByName, frames) for label, frames in by_month.items()}, extras


def zone_ids(client, path: str) -> list[int]:
    """The LocationIDs of the zone table (taxi_zone_lookup.csv, ~12 KB), read on the driver: as a Spark
    job it waited for a core behind the footer jobs, 2 s of a sample run's read (docs/performance.md)."""
    try:
        text = _read_object(client, *_bucket_key(path)).decode("utf-8-sig")
    except Exception as error:  # S3Error (NoSuchKey, AccessDenied), connection errors
        raise _zone_table_unreadable(path, error) from error
    ids = parse_zone_ids(text)
    if not ids:
        raise InputFileError(f"the zone table {path} lists no LocationID: every trip would be rejected as "
                             "unknown_zone; extract it again with `etl extract` (without --no-zones)")
    return ids


def parse_zone_ids(text: str) -> list[int]:
    """The first column's integers after the header, as the zone DataFrame reads it (by position)."""
    rows = csv.reader(io.StringIO(text))
    next(rows, None)
    return sorted({int(row[0].strip()) for row in rows if row and row[0].strip().isdigit()})


# taxi_zone_lookup.csv's columns: given, so Spark runs no job to read the header.
ZONE_SCHEMA = "LocationID STRING, Borough STRING, Zone STRING, service_zone STRING"


def read_zones(spark: SparkSession, path: str) -> DataFrame:
    try:
        return spark.read.option("header", True).schema(ZONE_SCHEMA).csv(path)
    except Exception as error:
        raise _zone_table_unreadable(path, error) from error


def _zone_table_unreadable(path: str, error: BaseException) -> InputFileError:
    return InputFileError(f"cannot read the zone table {path} ({first_line(error)}); "
                          "extract it with `etl extract` (without --no-zones)")
