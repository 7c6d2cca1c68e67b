"""Reading gold through Delta Lake itself: a local Spark session (same jars and s3a settings as
the job) on the real MinIO, for row counts, data checksums and table versions."""
from __future__ import annotations

from dataclasses import dataclass

import pytest


@pytest.fixture(scope="module")
def delta_spark(base_settings):
    from pyspark.sql import SparkSession

    from etl.submit import DELTA_CONF, jar_paths, s3a_conf
    from etl.transform.session import s3a_credentials

    active = SparkSession.getActiveSession()
    if active is not None:  # another module's session (support_spark): Delta's static settings need a new one
        active.stop()
    builder = (SparkSession.builder.master("local[1]").appName("etl-delta-reader")
               .config("spark.jars", ",".join(str(j) for j in jar_paths(base_settings)))
               .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "1")
               .config("spark.sql.session.timeZone", "UTC")
               .config("spark.driver.bindAddress", "127.0.0.1").config("spark.driver.host", "127.0.0.1"))
    for key, value in {**s3a_conf(base_settings), **DELTA_CONF, **s3a_credentials(base_settings)}.items():
        builder = builder.config(key, value)
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@dataclass(frozen=True)
class Fingerprint:
    rows: int
    checksum: int  # sum of xxhash64 over every column of every row: any changed value changes it
    version: int


def fingerprint(spark, bucket: str, table: str, where: str) -> Fingerprint:
    """The rows of `where` (e.g. `pickup_year = 2024 AND pickup_month = 1`) in the current snapshot."""
    from pyspark.sql import functions as F

    url = f"s3a://{bucket}/{table}"
    df = spark.read.format("delta").load(url).where(where)
    row = df.select(F.count(F.lit(1)).alias("rows"),
                    F.sum(F.xxhash64(*[F.col(c) for c in df.columns]).cast("decimal(38,0)")).alias("checksum")).first()
    return Fingerprint(row["rows"], int(row["checksum"] or 0), table_version(spark, url))


def table_version(spark, url: str) -> int:
    return int(spark.sql(f"DESCRIBE HISTORY delta.`{url}` LIMIT 1").first()["version"])


def distinct_keys(spark, bucket: str, table: str, key: str, where: str) -> int:
    return spark.read.format("delta").load(f"s3a://{bucket}/{table}").where(where).select(key).distinct().count()
