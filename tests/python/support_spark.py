"""A small local SparkSession for unit tests of the pure transform functions (no cluster, no S3)."""
from __future__ import annotations

from datetime import datetime

import pytest

from etl.transform.schema import TARGET_COLUMNS


def bundled_zone_ids() -> list[int]:
    """The LocationIDs of the committed zone table (1-265: 264 "Unknown" and 265 "Outside of NYC" included)."""
    from etl.config import PROJECT_ROOT

    lines = (PROJECT_ROOT / "Data_extracted" / "taxi_zone_lookup.csv").read_text().splitlines()[1:]
    return [int(line.split(",", 1)[0]) for line in lines if line]


@pytest.fixture(scope="session")
def spark():
    from pyspark.sql import SparkSession

    from etl.config import load_settings
    from etl.submit import SubmitError, jar_paths

    # One JVM serves the whole pytest run, its classpath fixed when the first session starts: when this one is
    # first (in the unit tier, test_checks_spark.py is the first to ask), it carries the s3a and Delta jars
    # the Delta reader tests need (support_delta.delta_spark), when `etl setup` installed them.
    try:
        jars = ",".join(str(jar) for jar in jar_paths(load_settings()))
    except SubmitError:
        jars = ""
    session = (SparkSession.builder.master("local[2]").appName("etl-transform-unit").config("spark.jars", jars)
               .config("spark.sql.shuffle.partitions", "2")
               .config("spark.sql.session.timeZone", "UTC")
               .config("spark.sql.legacy.parquet.nanosAsLong", "true")
               .config("spark.ui.enabled", "false")
               .config("spark.driver.bindAddress", "127.0.0.1").config("spark.driver.host", "127.0.0.1")
               .getOrCreate())
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def good_trip(**changes) -> dict:
    """A trip every rule accepts (January 2024), in the target schema, plus lineage columns."""
    row = {name: None for name in TARGET_COLUMNS}
    row.update(
        vendor_id=2,
        pickup_datetime=datetime(2024, 1, 10, 8, 0),
        dropoff_datetime=datetime(2024, 1, 10, 8, 20),
        passenger_count=1,
        trip_distance=3.0,
        rate_code_id=1,
        store_and_fwd_flag="N",
        pu_location_id=161,
        do_location_id=236,
        payment_type=1,
        fare_amount=18.0,
        extra=0.0,
        mta_tax=0.5,
        tip_amount=4.0,
        tolls_amount=0.0,
        improvement_surcharge=1.0,
        total_amount=26.0,
        congestion_surcharge=2.5,
        airport_fee=0.0,
        cbd_congestion_fee=None,
        source_path="s3a://rawzone/yellow_tripdata/year=2024/month=01/x.parquet",
        source_row=0,
        source_year=2024,
        source_month=1,
    )
    row.update(changes)
    return row


def trips_frame(spark, rows: list[dict]):
    from etl.transform.schema import target_schema

    schema = target_schema()
    return spark.createDataFrame([tuple(r[f.name] for f in schema.fields) for r in rows], schema)
