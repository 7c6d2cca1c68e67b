"""The restore's Spark session: local mode on this machine (a RESTORE is a few log reads and one commit per table;
the cluster's executors are not needed, and a transform may hold them), with the transform's s3a and Delta jars
and settings (etl.submit), as the dev session builds its own (etl.dev.server). The S3 key reaches the JVM in its
environment (the AWS SDK's environment provider), never on a command line `ps` shows."""
from __future__ import annotations

import os

from etl.config import Settings
from etl.submit import DELTA_CONF, TRANSFORM_SQL_CONF, jar_paths, java_options_conf, s3_trust_store, s3a_conf

ENV_CREDENTIALS = "software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider"
SMALL_INPUT = 0  # java_options_conf: the quick-start JVM options (C1 only), a restore is short


def session_conf(settings: Settings, restore_id: str) -> dict[str, str]:
    return {
        "spark.driver.extraClassPath": os.pathsep.join(str(jar) for jar in jar_paths(settings)),
        "spark.driver.bindAddress": "127.0.0.1",
        "spark.driver.host": "127.0.0.1",
        "spark.driver.memory": "1g",
        "spark.ui.enabled": "false",  # nothing to watch; and no port taken from a running transform
        "spark.ui.showConsoleProgress": "false",
        "spark.sql.shuffle.partitions": "2",
        **TRANSFORM_SQL_CONF,
        **s3a_conf(settings),
        "spark.hadoop.fs.s3a.aws.credentials.provider": ENV_CREDENTIALS,
        **DELTA_CONF,
        **java_options_conf(s3_trust_store(settings), SMALL_INPUT),
        # Every RESTORE commit names this restore, as a transform's commits name their run: the Gold view's
        # history shows it, and `etl restore --before-run <restore id>` undoes the restore itself.
        "spark.databricks.delta.commitInfo.userMetadata": restore_id,
    }


def local_session(settings: Settings, restore_id: str):
    from pyspark.sql import SparkSession

    os.environ.pop("SPARK_HOME", None)  # the venv's pyspark, whatever the caller's shell points at
    os.environ.update(AWS_ACCESS_KEY_ID=settings.minio_access_key, AWS_SECRET_ACCESS_KEY=settings.minio_secret_key,
                      AWS_REGION=settings.minio_region)
    builder = SparkSession.builder.master("local[2]").appName(f"etl-restore {restore_id}")
    for key, value in session_conf(settings, restore_id).items():
        builder = builder.config(key, value)
    return builder.getOrCreate()
