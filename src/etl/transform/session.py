"""The driver's SparkSession. Cluster settings come from etl.submit's spark-submit command;
the MinIO credentials are added here from etl.config, so they never appear on a command line."""
from __future__ import annotations

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
    return spark
