"""The driver's SparkSession. Cluster settings come from etl.submit's spark-submit command;
the MinIO credentials are added here from etl.config, so they never appear on a command line."""
from __future__ import annotations

from pyspark.errors.utils import is_debugging_enabled
from pyspark.sql import SparkSession

from etl.config import Settings


def s3a_credentials(settings: Settings) -> dict[str, str]:
    return {
        "spark.hadoop.fs.s3a.access.key": settings.minio_access_key,
        "spark.hadoop.fs.s3a.secret.key": settings.minio_secret_key,
    }


def driver_session(settings: Settings, app_name: str) -> SparkSession:
    builder = SparkSession.builder.appName(app_name)
    for key, value in s3a_credentials(settings).items():
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("WARN")
    record_call_sites()
    return spark


def record_call_sites() -> None:
    """PySpark decides once per process whether a Column records the user code's line (its DataFrame query context:
    where the Problems panel puts an error), from the active session of the thread that asks first. Asked here, in
    the thread that has the session; a warm-up thread (no active session) asking first turned it off."""
    is_debugging_enabled()
