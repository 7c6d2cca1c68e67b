"""Run by tests/python/unit/test_lineage_spark_listener.py in a JVM of its own (the listener must be on the classpath
when the JVM starts): the transform's own functions build fact_trips from a bundled sample month, with
OpenLineage's Spark listener recording what Spark's plan says each column reads.

    python lineage_listener_run.py <listener jar> <events file> <work dir>
"""
from __future__ import annotations

import sys
from pathlib import Path

from pyspark.sql import SparkSession

from etl.config import PROJECT_ROOT, load_settings
from etl.submit import DELTA_CONF, jar_paths
from etl.transform import model
from etl.transform.rules import classify
from etl.transform.schema import conform
from etl.transform.sources import parse_zone_ids

SAMPLE = PROJECT_ROOT / "Data_extracted"


def main(jar: str, events: str, work: str) -> None:
    jars = [str(j) for j in jar_paths(load_settings())] + [jar]
    builder = (SparkSession.builder.master("local[1]").appName("etl-lineage-listener")
               .config("spark.jars", ",".join(jars)).config("spark.ui.enabled", "false")
               .config("spark.sql.shuffle.partitions", "1").config("spark.sql.session.timeZone", "UTC")
               .config("spark.sql.legacy.parquet.nanosAsLong", "true")
               .config("spark.driver.bindAddress", "127.0.0.1").config("spark.driver.host", "127.0.0.1")
               .config("spark.extraListeners", "io.openlineage.spark.agent.OpenLineageSparkListener")
               .config("spark.openlineage.transport.type", "file")
               .config("spark.openlineage.transport.location", events)
               .config("spark.openlineage.namespace", "etl-spark"))
    for key, value in DELTA_CONF.items():
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    path = str(SAMPLE / "yellow_tripdata_2024-01.parquet")
    zone_ids = parse_zone_ids((SAMPLE / "taxi_zone_lookup.csv").read_text(encoding="utf-8-sig"))
    classified = classify(conform(spark.read.parquet(path), path, 2024, 1), zone_ids)
    fact = model.month_tables(classified)[model.FACT]
    target = str(Path(work) / "fact_trips")
    fact.write.format("delta").mode("overwrite").partitionBy(*model.PARTITION_COLUMNS).save(target)
    spark.stop()  # the listener sends the application's last events as it stops


if __name__ == "__main__":
    main(*sys.argv[1:4])
