"""Write-audit-publish in the transform: the checks run in Spark on the DataFrames about to be written
(temp views named after the tables), before any write. row_count compares each of the run's months with
the previous month: from this run when it holds it, else from the gold table's current partition."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from functools import reduce

from pyspark.errors import AnalysisException
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import types as T

from etl.checks.compile import month_columns, month_rows_view, view_name
from etl.checks.evaluate import Result, evaluate_checks
from etl.checks.suite import Check
from etl.delta_snapshot import NotADeltaTable, Snapshot, s3_snapshot

Month = tuple[int, int]
MonthRows = Callable[[str, Month], int | None]  # (table, month) -> its rows in gold, None: no table
CHECK_THREADS = 4  # as the writes (etl.transform.job.WRITE_THREADS): small jobs, latency-bound
MONTH_ROWS = T.StructType([T.StructField("month_y", T.IntegerType()), T.StructField("month_m", T.IntegerType()),
                           T.StructField("month_rows", T.LongType())])


class SparkEngine:
    def __init__(self, spark: SparkSession) -> None:
        self.spark = spark

    def rows(self, sql: str) -> list[tuple]:
        self.spark.sparkContext.setJobDescription("check: " + " ".join(sql.split())[:80])  # thread-local
        return [tuple(row) for row in self.spark.sql(sql).collect()]


def previous_month(month: Month) -> Month:
    year, number = month
    return (year - 1, 12) if number == 1 else (year, number - 1)


def register_run_views(month_tables: dict[Month, dict[str, DataFrame]], dimensions: dict[str, DataFrame]) -> None:
    """Each table's rows of this run as a temp view: a month table's run months (unioned), a dimension whole."""
    frames: dict[str, list[DataFrame]] = defaultdict(list)
    for tables in month_tables.values():
        for table, rows in tables.items():
            frames[table].append(rows)
    for table, parts in frames.items():
        reduce(DataFrame.unionByName, parts).createOrReplaceTempView(view_name(table))
    for table, rows in dimensions.items():
        rows.createOrReplaceTempView(view_name(table))


def delta_month_rows(spark: SparkSession, table_url: Callable[[str], str]) -> MonthRows:
    """The rows of one month partition of the current gold table (None: no such table yet)."""
    def month_rows(table: str, month: Month) -> int | None:
        year, number = month_columns(table)
        try:
            return spark.read.format("delta").load(table_url(table)).where(
                f"{year} = {month[0]} AND {number} = {month[1]}").count()
        except AnalysisException:  # not a Delta table yet: the first run
            return None
    return month_rows


def delta_log_month_rows(client, bucket: str, fallback: MonthRows) -> MonthRows:
    """The rows of one month partition of the current gold table from its Delta log's file stats (numRecords):
    no Spark job (loading a snapshot in Spark took seconds of the checks' time). `fallback` (delta_month_rows)
    counts in Spark when a file has no stats."""
    snapshots: dict[str, Snapshot | None] = {}

    def month_rows(table: str, month: Month) -> int | None:
        if table not in snapshots:
            try:
                snapshots[table] = s3_snapshot(client, bucket, table)
            except NotADeltaTable:  # the first run
                snapshots[table] = None
        snapshot = snapshots[table]
        if snapshot is None:
            return None
        year, number = month_columns(table)
        rows = snapshot.partition_rows({year: str(month[0]), number: str(month[1])})
        return rows if rows is not None else fallback(table, month)
    return month_rows


def register_month_rows(spark: SparkSession, table: str, run_months: list[Month], gold_rows: MonthRows) -> None:
    """row_count's previous months: the run's months from its own view, the months just before them from gold."""
    columns = month_columns(table)
    earlier = sorted({previous_month(m) for m in run_months} - set(run_months))
    counted = [(*month, gold_rows(table, month)) for month in earlier]
    gold_view = f"{view_name(table)}__gold_month_rows"
    spark.createDataFrame([row for row in counted if row[2]], MONTH_ROWS).createOrReplaceTempView(gold_view)
    year, month = columns
    spark.sql(f"CREATE OR REPLACE TEMPORARY VIEW {month_rows_view(table)} AS SELECT {year} AS month_y, "
              f"{month} AS month_m, count(*) AS month_rows FROM {view_name(table)} GROUP BY {year}, {month} "
              f"UNION ALL SELECT month_y, month_m, month_rows FROM {gold_view}")


def audit(spark: SparkSession, checks: list[Check], month_tables: dict[Month, dict[str, DataFrame]],
          dimensions: dict[str, DataFrame], gold_rows: MonthRows) -> list[Result]:
    """Every check's result on the data about to be published. gold_rows(table, month): that month's rows in
    current gold (delta_month_rows), for row_count's months before the run's."""
    register_run_views(month_tables, dimensions)
    for table in sorted({c.table for c in checks if c.kind == "row_count"}):
        register_month_rows(spark, table, sorted(month_tables), gold_rows)
    return evaluate_checks(checks, SparkEngine(spark), workers=CHECK_THREADS)
