"""The clean_and_transform job: read -> classify -> write gold -> quality report."""
from __future__ import annotations

import logging
import time
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from pyspark import StorageLevel
from pyspark.sql import DataFrame, SparkSession

from etl.config import Settings
from etl.transform import model
from etl.transform.errors import TransformError
from etl.transform.report import put_report, quality_counts
from etl.transform.rules import classify, rule_counts
from etl.transform.sources import TripFile, check_parquet_object, read_trips, read_zones, trip_files, zones_path
from etl.transform.watchdog import Activity
from etl.transform.writer import table_url, write_partition, write_table

Emit = Callable[..., None]
FACT, QUARANTINE = "fact_trips", "quarantine/rejected_trips"
WRITE_THREADS = 4
MARTS = {"mart_daily_zone": model.mart_daily_zone, "mart_hourly_demand": model.mart_hourly_demand}


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


@dataclass(frozen=True)
class Write:
    """One Spark write job: a month partition (partition set) or a whole small table."""
    table: str
    df: DataFrame
    month: str | None = None
    partition: dict[str, int] | None = None

    @property
    def label(self) -> str:
        return f"{self.table} {self.month}" if self.month else self.table

    def run(self, gold: str) -> str:
        base = table_url(gold, self.table)
        # Names the stages in the Spark UI / REST API (thread-local, each write runs in its own thread).
        self.df.sparkSession.sparkContext.setJobDescription(f"write {self.table} {self.month or ''}".strip())
        return write_partition(self.df, base, self.partition) if self.partition else write_table(self.df, base)


def month_writes(classified: DataFrame, fact: DataFrame, year: int, month: int) -> list[Write]:
    """The month's fact partition, its mart partitions and its rejected rows."""
    label, partition = f"{year:04d}-{month:02d}", {"pickup_year": year, "pickup_month": month}
    writes = [Write(FACT, fact, label, partition)]
    writes += [Write(name, build(fact), label, partition) for name, build in MARTS.items()]
    rejected = model.rejected(classified)
    writes.append(Write(QUARANTINE, rejected, label, {"source_year": year, "source_month": month}))
    return writes


def dimension_writes(spark: SparkSession, zones: DataFrame) -> list[Write]:
    dims = {"dim_zone": model.dim_zone(zones), "dim_date": model.dim_date(spark),
            "dim_vendor": model.dim_vendor(spark), "dim_rate_code": model.dim_rate_code(spark),
            "dim_payment_type": model.dim_payment_type(spark)}
    return [Write(name, df) for name, df in dims.items()]


def run_writes(writes: list[Write], gold: str, emit: Emit, activity: Activity | None = None,
               aborted: Callable[[], str | None] = lambda: None) -> None:
    """Small writes are latency-bound (S3 calls, commit), so a few run as concurrent Spark jobs:
    one thread per table, that table's writes in order. Delta commits of one table are serialised
    by the writer anyway (one log version after the other), and concurrent creation of a new
    table by two writers would conflict. Each write is its own commit; the first failure is raised
    once the others have finished; once `aborted` says why, no further write starts."""
    activity = activity or Activity()
    by_table: dict[str, list[Write]] = defaultdict(list)
    for write in writes:
        by_table[write.table].append(write)

    def chain(table_writes: list[Write]) -> None:
        for write in table_writes:
            reason = aborted()
            if reason:
                raise TransformError(reason)
            activity.writing(write.label)
            path = write.run(gold)
            activity.written(write.label)
            emit("table_written", table=write.table, month=write.month, path=path)

    pool = ThreadPoolExecutor(max_workers=WRITE_THREADS, thread_name_prefix="etl-write")
    futures = [pool.submit(chain, chain_writes) for chain_writes in by_table.values()]
    try:
        while wait(futures, timeout=1.0).not_done:
            reason = aborted()
            if reason:  # a dead MinIO can hold a writer inside Delta's own log retries: do not wait for it
                raise TransformError(reason)
        first = next((f.exception() for f in futures if f.exception() is not None), None)
        if first is not None:
            raise first
    finally:
        pool.shutdown(wait=aborted() is None, cancel_futures=True)


def run_transform(spark: SparkSession, settings: Settings, run_id: str, client, *, manifest_run: str | None,
                  emit: Emit, log: logging.Logger, activity: Activity | None = None,
                  aborted: Callable[[], str | None] = lambda: None) -> dict[str, Any]:
    """Runs the whole job; returns the quality report (also stored in gold/_quality/)."""
    started, clock = utc_now(), time.monotonic()
    files: list[TripFile] = trip_files(manifest_run)
    gold = settings.gold_bucket
    activity = activity or Activity()
    activity.phase("the read of the trip files")
    emit("phase", phase="read", files=[f.path for f in files])
    for trip_file in files:
        check_parquet_object(client, trip_file.path)
    conformed, extras = read_trips(spark, files)
    for path, names in extras.items():
        log.info("columns outside the target schema ignored in %s: %s", path, ", ".join(names))
    zones = read_zones(spark, zones_path(manifest_run, settings.rawzone_bucket))

    classified = classify(conformed).persist(StorageLevel.MEMORY_AND_DISK)
    activity.phase("the classification of the rows (before any write)")
    emit("phase", phase="classify")
    spark.sparkContext.setJobDescription("classify rows")
    counts = quality_counts([tuple(r) for r in rule_counts(classified).collect()])  # reads everything before any write
    log.info("rows read %s, kept %s, rejected %s", counts["rows_read"], counts["rows_kept"], counts["rows_rejected"])

    activity.phase("the write phase")
    emit("phase", phase="write")
    fact = model.fact_trips(model.kept(classified))
    writes = [w for f in files for w in month_writes(classified, fact, f.year, f.month)]
    run_writes(writes + dimension_writes(spark, zones), gold, emit, activity, aborted)
    classified.unpersist()

    report = {"run_id": run_id, "status": "succeeded", "app_id": spark.sparkContext.applicationId,
              "manifest_run": manifest_run, "started_at": started, "ended_at": utc_now(),
              "duration_s": round(time.monotonic() - clock, 2),
              "inputs": [f.path for f in files], **counts}
    report["report_path"] = put_report(client, gold, report)
    return report
