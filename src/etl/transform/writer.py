"""Writes to gold. Every write goes through the S3A magic committer (set by etl.submit):
task output stays invisible until the job commits, so a failed or killed job never
publishes part of a write. S3A committers cannot do dynamic partition overwrite, so each
month partition is its own write to its own path with mode overwrite: rerunning a month
replaces exactly that partition and leaves the others alone (docs/data-model.md)."""
from __future__ import annotations

from pyspark.sql import DataFrame
from pyspark.sql import functions as F


def table_url(bucket: str, table: str) -> str:
    return f"s3a://{bucket}/{table}"


def partition_url(base: str, partition: dict[str, int]) -> str:
    return "/".join([base, *(f"{k}={v}" for k, v in partition.items())])


def write_partition(df: DataFrame, base: str, partition: dict[str, int]) -> str:
    """The rows of one partition (filtered here), written over that partition's path only."""
    condition = F.lit(True)
    for name, value in partition.items():
        condition = condition & (F.col(name) == value)
    url = partition_url(base, partition)
    df.filter(condition).drop(*partition).write.mode("overwrite").parquet(url)
    return url


def write_table(df: DataFrame, base: str, files: int = 1) -> str:
    """A small table written whole (dimensions)."""
    df.coalesce(files).write.mode("overwrite").parquet(base)
    return base
