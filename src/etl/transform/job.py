"""The clean_and_transform job: read -> classify -> write gold -> quality report."""
from __future__ import annotations

import logging
import os
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import reduce
from typing import Any

from pyspark import StorageLevel
from pyspark.sql import DataFrame, SparkSession

from etl.checks.evaluate import Result, blocking, describe_failure
from etl.checks.spark_audit import audit, delta_log_month_rows, delta_month_rows
from etl.checks.suite import Check, ChecksConfigError, load_checks
from etl.config import Settings
from etl.lineage.emitter import RunLineage
from etl.transform import model
from etl.transform.errors import ChecksFailed, TransformError
from etl.transform.months import classify_months
from etl.transform.report import put_report, quality_counts
from etl.transform.rules import rule_counts
from etl.transform.sources import (
    Month,
    TripFile,
    check_parquet_object,
    consumed_runs,
    read_trips,
    read_zones,
    trip_files,
    zone_ids,
    zones_path,
)
from etl.transform.unchanged import commit_metadata, object_tag, table_holds
from etl.transform.warmup import warm_snapshots
from etl.transform.watchdog import Activity
from etl.transform.writer import Partition, table_url, write_partitions, write_table

Emit = Callable[..., None]
FACT, QUARANTINE, MARTS = model.FACT, model.QUARANTINE, model.MARTS
WRITE_THREADS = 4
ROWS_PER_FILE = 2_000_000  # ~100 MB of Parquet: few S3 objects, and a 10M-row month still in 5 parallel tasks
MONTH_TABLES = [FACT, *MARTS, QUARANTINE]  # written by month: their snapshots are loaded ahead (etl.transform.warmup)


def airflow_context() -> dict[str, str] | None:
    """The DAG run this transform belongs to when Airflow's BashOperator started it (its AIRFLOW_CTX_*
    variables reach the driver through spark-submit's environment): the Runs view joins on it."""
    dag_run = os.environ.get("AIRFLOW_CTX_DAG_RUN_ID")
    if not dag_run:
        return None
    return {"dag_id": os.environ.get("AIRFLOW_CTX_DAG_ID", ""), "dag_run_id": dag_run,
            "task_id": os.environ.get("AIRFLOW_CTX_TASK_ID", ""),
            "try_number": os.environ.get("AIRFLOW_CTX_TRY_NUMBER", "")}


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


@dataclass(frozen=True)
class Write:
    """One Spark write job and its Delta commit: the run's month partitions of a table, or a whole small
    table (df). tag: what a whole table was built from (etl.transform.unchanged); equal to the table's
    newest commit's, the write is skipped."""
    table: str
    df: DataFrame | None = None
    months: dict[str, Partition] = field(default_factory=dict)  # "YYYY-MM" -> its partition
    tag: str | None = None
    run_id: str | None = None  # with the tag in the commit's userMetadata (the session's default names only the run)

    @property
    def label(self) -> str:
        return f"{self.table} {months_label(list(self.months))}" if self.months else self.table

    def run(self, gold: str) -> str:
        base = table_url(gold, self.table)
        # Names the stages in the Spark UI / REST API (thread-local, each write runs in its own thread).
        spark = self.df.sparkSession if self.df is not None else next(iter(self.months.values())).rows.sparkSession
        spark.sparkContext.setJobDescription(f"write {self.label}")
        if self.months:
            return write_partitions(list(self.months.values()), base)
        return write_table(self.df, base, user_metadata=self.tag and commit_metadata(self.run_id or "", self.tag))


def months_label(months: list[str]) -> str:
    """`2024-01`, `2024-01, 2024-02`, or `2025-01..2025-12 (12 months)`."""
    ordered = sorted(months)
    return ", ".join(ordered) if len(ordered) <= 2 else f"{ordered[0]}..{ordered[-1]} ({len(ordered)} months)"


def files_for(rows: int) -> int:
    """Data files for a month's rows: one per ROWS_PER_FILE (a sample month is one file, not one per task)."""
    return max(1, -(-rows // ROWS_PER_FILE))


def month_writes(month_tables: dict[Month, dict[str, DataFrame]], counts: dict[str, Any]) -> list[Write]:
    """Per month-partitioned table, one write of all the run's months (one Delta commit: each extra commit
    costs a snapshot rebuild and two more Spark jobs; docs/performance.md). Per month: its fact rows, its
    marts and its rejected rows (month_tables: each month's tables, model.month_tables, the checks' too)."""
    tables: dict[str, dict[str, Partition]] = defaultdict(dict)
    for (year, month), built in sorted(month_tables.items()):
        label, pickup = f"{year:04d}-{month:02d}", {"pickup_year": year, "pickup_month": month}
        month_counts = counts["months"].get(label, {"rows_kept": 0, "rows_rejected": 0})
        tables[FACT][label] = Partition(built[FACT], pickup, files_for(month_counts["rows_kept"]))
        for name in MARTS:
            tables[name][label] = Partition(built[name], pickup, 1)  # small: 1 file
        source = {"source_year": year, "source_month": month}
        tables[QUARANTINE][label] = Partition(built[QUARANTINE], source, files_for(month_counts["rows_rejected"]))
    return [Write(table, months=months) for table, months in tables.items()]


def dimension_writes(dimensions: dict[str, DataFrame], tags: dict[str, str | None],
                     run_id: str | None = None) -> list[Write]:
    return [Write(name, df, tag=tags.get(name), run_id=run_id) for name, df in dimensions.items()]


def run_checks(checks: list[Check]) -> list[Check]:
    """config/checks.yaml, read before any data (a file that does not validate fails the run at once)."""
    try:
        return checks if checks is not None else load_checks()
    except ChecksConfigError as error:
        raise TransformError(f"{error}; fix the checks file and run again") from None


def stop_for_checks(client, gold: str, report: dict[str, Any], results: list[Result]) -> None:
    """Raises ChecksFailed when an error check failed: its report (every check's result, status failed,
    stopped_by checks, no table written) is stored as _quality/<run_id>.json, not as latest.json (gold is
    still what the latest published run left)."""
    failed = blocking(results)
    if not failed:
        return
    message = "; ".join(map(describe_failure, failed)) + "; nothing was written (every gold table unchanged)"
    report.update(status="failed", stopped_by="checks", error=message, tables={})
    report["report_path"] = put_report(client, gold, report, latest=False)
    raise ChecksFailed(message, report)


def dimension_tags(client, code_digest: str | None, zones_path: str) -> dict[str, str | None]:
    """What each dimension is built from: the code, and for dim_zone the zone table object too."""
    if not code_digest:  # run without etl.submit's digest: always write
        return {}
    zones = object_tag(client, zones_path)
    return {name: f"{name} code {code_digest[:16]}" + (f" input {zones}" if name == "dim_zone" else "")
            for name in ("dim_zone", "dim_date", "dim_vendor", "dim_rate_code", "dim_payment_type")}


def tables_written(writes: list[Write]) -> dict[str, list[str]]:
    """Each table this run wrote, with the months it replaced (empty: the whole table)."""
    tables: dict[str, set[str]] = defaultdict(set)
    for write in writes:
        tables[write.table].update(write.months)
    return {table: sorted(months) for table, months in sorted(tables.items())}


def run_writes(writes: list[Write], gold: str, emit: Emit, activity: Activity | None = None,
               aborted: Callable[[], str | None] = lambda: None, client=None,
               cancel: Callable[[], None] = lambda: None) -> dict[str, float]:
    """Small writes are latency-bound (S3 calls, commit), so a few run as concurrent Spark jobs:
    one thread per table, that table's writes in order. Delta commits of one table are serialised
    by the writer anyway (one log version after the other), and concurrent creation of a new
    table by two writers would conflict. (Months of one table as concurrent transactions were
    tried: no faster on 2 cores, and each conflict-checked commit reloads the snapshot.) Each write
    is its own commit. After the first failure no further write starts (a run that ran out of memory
    would fail again in each), and `cancel` stops the Spark jobs of the writes under way (a full drive
    fails each of them, only later: tasks retried one after the other on 2 cores); their commits never
    happen, a commit already made stays whole. The first failure is raised once the writes have ended;
    once `aborted` says why, at once. A tagged write whose table already holds that tag is skipped.
    Returns each write's seconds (files and commit)."""
    activity = activity or Activity()
    seconds: dict[str, float] = {}
    failures: list[BaseException] = []  # in the order they happened: the first is the run's; any stops the rest
    failing = threading.Lock()

    def fail(error: BaseException) -> None:
        with failing:
            first = not failures
            failures.append(error)
        if first:
            cancel()

    by_table: dict[str, list[Write]] = defaultdict(list)
    for write in writes:
        by_table[write.table].append(write)

    def chain(table_writes: list[Write]) -> None:
        for write in table_writes:
            reason = aborted()
            if reason:
                raise TransformError(reason)
            if failures:
                return
            if write.tag and client is not None and table_holds(client, gold, write.table, write.tag):
                emit("table_written", table=write.table, months=sorted(write.months), path=table_url(gold, write.table),
                     unchanged=True, seconds=0.0)
                continue
            clock = time.monotonic()
            activity.writing(write.label)
            try:
                path = write.run(gold)
            except BaseException as error:
                fail(error)
                raise
            activity.written(write.label)
            seconds[write.label] = round(time.monotonic() - clock, 2)
            emit("table_written", table=write.table, months=sorted(write.months), path=path,
                 seconds=seconds[write.label])

    pool = ThreadPoolExecutor(max_workers=WRITE_THREADS, thread_name_prefix="etl-write")
    futures = [pool.submit(chain, chain_writes) for chain_writes in by_table.values()]
    try:
        await_all(futures, aborted)
        if failures:
            raise failures[0]
        first = next((f.exception() for f in futures if f.exception() is not None), None)  # raised outside a write
        if first is not None:
            raise first
    finally:
        pool.shutdown(wait=aborted() is None, cancel_futures=True)
    return seconds


def await_all(futures: list[Future], aborted: Callable[[], str | None]) -> None:
    """Waits for the futures; once `aborted` says why, raises at once: a dead MinIO can hold a Spark job
    inside Delta's own log retries, so do not wait for it."""
    while wait(futures, timeout=1.0).not_done:
        reason = aborted()
        if reason:
            raise TransformError(reason)


class PhaseClock:
    """Seconds per phase of the run (the quality report's `phases_s`); each phase is announced."""

    def __init__(self, emit: Emit, activity: Activity) -> None:
        self.emit, self.activity = emit, activity
        self.seconds: dict[str, float] = {}
        self._name: str | None = None
        self._since = time.monotonic()

    def start(self, name: str, doing: str, **fields: Any) -> None:
        self.stop()
        self._name, self._since = name, time.monotonic()
        self.activity.phase(doing)
        self.emit("phase", phase=name, **fields)

    def stop(self) -> None:
        if self._name is not None:
            self.seconds[self._name] = round(time.monotonic() - self._since, 2)
            self._name = None


def run_transform(spark: SparkSession, settings: Settings, run_id: str, client, *, manifest_run: str | None,
                  emit: Emit, log: logging.Logger, activity: Activity | None = None,
                  aborted: Callable[[], str | None] = lambda: None, startup_s: float | None = None,
                  fingerprint: str | None = None, code_digest: str | None = None,
                  checks: list[Check] | None = None, lineage: RunLineage | None = None) -> dict[str, Any]:
    """Runs the whole job; returns the quality report (also stored in gold/_quality/).
    fingerprint, code_digest: from etl.submit (etl.transform.unchanged), to skip unchanged work later.
    checks: default config/checks.yaml; an error check failing raises ChecksFailed before any write.
    lineage: told the inputs (START) and, once published, the tables (COMPLETE); the caller sends FAIL."""
    started, clock = utc_now(), time.monotonic()
    checks = run_checks(checks)
    files: list[TripFile] = trip_files(manifest_run)
    zones_file = zones_path(manifest_run, settings.rawzone_bucket)
    if lineage:  # before any input is read: a run that fails on one still says what it was reading
        lineage.start([f.path for f in files], zones_file)
    gold = settings.gold_bucket
    activity = activity or Activity()
    phases = PhaseClock(emit, activity)
    phases.start("read", "the read of the trip files", files=[f.path for f in files])
    sizes: dict[Month, int] = defaultdict(int)
    for trip_file in files:
        sizes[(trip_file.year, trip_file.month)] += check_parquet_object(client, trip_file.path)
    warming = warm_snapshots(spark, [table_url(gold, table) for table in MONTH_TABLES])
    known_zones = zone_ids(client, zones_file)
    zones = read_zones(spark, zones_file)  # dim_zone's rows: read only if that table is rewritten
    months, extras = read_trips(spark, files)
    for path, names in extras.items():
        log.info("columns outside the target schema ignored in %s: %s", path, ", ".join(names))

    classified = {month: rows.persist(StorageLevel.MEMORY_AND_DISK)
                  for month, rows in classify_months(months, sizes, known_zones).items()}
    phases.start("classify", "the classification of the rows (before any write)")
    spark.sparkContext.setJobDescription("classify rows")
    every_row = reduce(DataFrame.unionByName, classified.values())
    counts = quality_counts([tuple(r) for r in rule_counts(every_row).collect()])  # reads everything before any write
    log.info("rows read %s, kept %s, rejected %s", counts["rows_read"], counts["rows_kept"], counts["rows_rejected"])

    # Built once: the checks audit these very DataFrames, and the writes publish them.
    month_tables = {month: model.month_tables(rows) for month, rows in classified.items()}
    dimensions = model.dimension_tables(spark, zones)
    phases.start("checks", "the checks of what is about to be published (before any write)", checks=len(checks))
    gold_rows = delta_log_month_rows(client, gold, delta_month_rows(spark, lambda table: table_url(gold, table)))
    results = audit(spark, checks, month_tables, dimensions, gold_rows)
    emit("checks", results=results)

    def report_of(status: str, writes: list[Write], write_s: dict[str, float]) -> dict[str, Any]:
        phases.stop()
        return {"run_id": run_id, "status": status, "app_id": spark.sparkContext.applicationId,
                "manifest_run": manifest_run, "extract_runs": consumed_runs(manifest_run),
                "airflow": airflow_context(), "started_at": started, "ended_at": utc_now(),
                "duration_s": round(time.monotonic() - clock, 2), "startup_s": startup_s,
                "inputs": [f.path for f in files], "tables": tables_written(writes), "fingerprint": fingerprint,
                **counts, "phases_s": phases.seconds, "writes_s": write_s, "checks": results}

    stop_for_checks(client, gold, report_of("failed", [], {}), results)

    phases.start("write", "the write phase")
    await_all(warming, aborted)
    writes = month_writes(month_tables, counts)
    writes += dimension_writes(dimensions, dimension_tags(client, code_digest, zones_file), run_id)
    write_s = run_writes(writes, gold, emit, activity, aborted, client, cancel=spark.sparkContext.cancelAllJobs)
    for rows in classified.values():
        rows.unpersist()

    report = report_of("succeeded", writes, write_s)
    report["report_path"] = put_report(client, gold, report)
    if lineage:  # the schemas only: no Spark job
        built = {**next(iter(month_tables.values()), {}), **dimensions}
        lineage.complete({table: [(f.name, f.dataType.simpleString()) for f in df.schema.fields]
                          for table, df in built.items()})
    return report
