"""Writes to gold: every table is a Delta Lake table (docs/data-model.md "Publishing to gold").

A Delta write uploads new data files, then publishes them with ONE new JSON entry in the table's
`_delta_log/` (the commit). Until that PUT, readers see the previous snapshot; a run killed before
it leaves only unreferenced files (VACUUM removes them). A month is written with `replaceWhere`
on its partition columns: the commit removes that month's old files and adds the new ones in one
step, other months untouched. Dimensions are overwritten whole (also one commit)."""
from __future__ import annotations

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

DELTA = "delta"


def table_url(bucket: str, table: str) -> str:
    return f"s3a://{bucket}/{table}"


def partition_predicate(partition: dict[str, int]) -> str:
    """`pickup_year = 2024 AND pickup_month = 3` (ints only: nothing from input reaches the SQL)."""
    return " AND ".join(f"{name} = {int(value)}" for name, value in partition.items())


def write_partition(df: DataFrame, base: str, partition: dict[str, int], files: int | None = None) -> str:
    """The rows of one partition (filtered here) replace that partition, and only it, in one commit.
    files: coalesce to that many tasks (data files) first; no shuffle."""
    condition = F.lit(True)
    for name, value in partition.items():
        condition = condition & (F.col(name) == value)
    rows = df.filter(condition)
    if files:
        rows = rows.coalesce(files)
    (rows.write.format(DELTA).mode("overwrite")
       .option("replaceWhere", partition_predicate(partition))
       .partitionBy(*partition).save(base))
    return base


def write_table(df: DataFrame, base: str, files: int = 1, user_metadata: str | None = None) -> str:
    """A small table replaced whole (dimensions): a new snapshot, the old one stays until then.
    user_metadata: recorded in the commit (what the table was built from; etl.transform.unchanged)."""
    writer = df.coalesce(files).write.format(DELTA).mode("overwrite").option("overwriteSchema", "true")
    if user_metadata:
        writer = writer.option("userMetadata", user_metadata)
    writer.save(base)
    return base

