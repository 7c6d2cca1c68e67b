"""Writes to gold: every table is a Delta Lake table (docs/data-model.md "Publishing to gold").

A Delta write uploads new data files, then publishes them with ONE new JSON entry in the table's
`_delta_log/` (the commit). Until that PUT, readers see the previous snapshot; a run killed before
it leaves only unreferenced files (VACUUM removes them). The run's months of a table are written
with one `replaceWhere` naming each month's partition: the commit removes those months' old files
and adds the new ones in one step, other months untouched. Dimensions are overwritten whole (also
one commit)."""
from __future__ import annotations

from dataclasses import dataclass
from functools import reduce

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

DELTA = "delta"


def table_url(bucket: str, table: str) -> str:
    return f"s3a://{bucket}/{table}"


def partition_predicate(partition: dict[str, int]) -> str:
    """`pickup_year = 2024 AND pickup_month = 3` (ints only: nothing from input reaches the SQL)."""
    return " AND ".join(f"{name} = {int(value)}" for name, value in partition.items())


def partitions_predicate(partitions: list[dict[str, int]]) -> str:
    """`(pickup_year = 2024 AND pickup_month = 1) OR (…)`: exactly these partitions."""
    return " OR ".join(f"({partition_predicate(partition)})" for partition in partitions)


@dataclass(frozen=True)
class Partition:
    """One partition's rows (filtered here to it) and its number of data files (tasks, by coalesce: no shuffle)."""
    rows: DataFrame
    values: dict[str, int]
    files: int | None = None

    def only_its_rows(self) -> DataFrame:
        condition = F.lit(True)
        for name, value in self.values.items():
            condition = condition & (F.col(name) == value)
        rows = self.rows.filter(condition)
        return rows.coalesce(self.files) if self.files else rows


def write_partitions(partitions: list[Partition], base: str) -> str:
    """The partitions' rows replace those partitions, and only them, in one commit (every partition
    has the same columns: the table's partition columns). A column the code added joins the table's schema
    (mergeSchema: earlier months read it as null); a column whose type changed still fails the write."""
    rows = reduce(DataFrame.unionByName, [partition.only_its_rows() for partition in partitions])
    (rows.write.format(DELTA).mode("overwrite").option("mergeSchema", "true")
       .option("replaceWhere", partitions_predicate([partition.values for partition in partitions]))
       .partitionBy(*partitions[0].values).save(base))
    return base


def write_table(df: DataFrame, base: str, files: int = 1, user_metadata: str | None = None) -> str:
    """A small table replaced whole (dimensions): a new snapshot, the old one stays until then.
    user_metadata: recorded in the commit (what the table was built from; etl.transform.unchanged)."""
    writer = df.coalesce(files).write.format(DELTA).mode("overwrite").option("overwriteSchema", "true")
    if user_metadata:
        writer = writer.option("userMetadata", user_metadata)
    writer.save(base)
    return base

