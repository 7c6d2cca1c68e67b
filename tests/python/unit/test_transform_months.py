"""The classification month by month gives what one classification of every row gives, with one shuffle."""
from __future__ import annotations

from datetime import datetime

from support_spark import bundled_zone_ids, good_trip, spark, trips_frame  # noqa: F401

from etl.submit import BYTES_PER_SHUFFLE_PARTITION
from etl.transform.months import MIN_PARTITIONS, classify_months, month_partitions
from etl.transform.rules import classify

ZONE_IDS = bundled_zone_ids()
FEB = {"source_year": 2024, "source_month": 2,
       "source_path": "s3a://rawzone/yellow_tripdata/year=2024/month=02/x.parquet"}


def february(**changes) -> dict:
    return good_trip(pickup_datetime=datetime(2024, 2, 5, 9, 0), dropoff_datetime=datetime(2024, 2, 5, 9, 25),
                     **FEB) | changes


def rows_of_both_months() -> dict[tuple[int, int], list[dict]]:
    january = [good_trip(), good_trip(), good_trip(trip_distance=3.5), good_trip(vendor_id=3)]
    # February's file also holds a copy of January's trip (rejected as outside its month, so no duplicate
    # across files), two copies of one February trip and another February trip.
    feb = [good_trip(**FEB), february(), february(), february(trip_distance=4.0)]
    return {(2024, 1): january, (2024, 2): feb}


def verdicts(frame) -> list[tuple]:
    return sorted((tuple(row) for row in frame.select("source_month", "trip_distance", "reject_rule").collect()),
                  key=str)


def test_months_classified_apart_match_one_classification_of_every_row(spark):  # noqa: F811
    by_month = {month: trips_frame(spark, rows) for month, rows in rows_of_both_months().items()}
    every_row = trips_frame(spark, [row for rows in rows_of_both_months().values() for row in rows])
    apart = classify_months(by_month, {}, ZONE_IDS)

    assert set(apart) == {(2024, 1), (2024, 2)}
    together = verdicts(classify(every_row, ZONE_IDS))
    assert verdicts(apart[(2024, 1)].unionByName(apart[(2024, 2)])) == together
    assert [v for v in together if v[2] == "duplicate"] == [(1, 3.0, "duplicate"), (2, 3.0, "duplicate")]


def test_a_month_is_shuffled_once_into_partitions_sized_from_its_files(spark):  # noqa: F811
    january = {(2024, 1): trips_frame(spark, rows_of_both_months()[(2024, 1)])}
    classified = classify_months(january, {(2024, 1): 5 * BYTES_PER_SHUFFLE_PARTITION}, ZONE_IDS)[(2024, 1)]

    plan = classified._jdf.queryExecution().executedPlan().toString()
    assert plan.count("Exchange hashpartitioning") == 1, plan
    assert classified.rdd.getNumPartitions() == 5


def test_partitions_grow_with_the_month_and_keep_both_executors_busy():
    assert month_partitions(0) == month_partitions(1_000_000) == MIN_PARTITIONS == 2
    assert month_partitions(142 * 1024 * 1024) == 5  # a 10M-row month
    assert month_partitions(53 * 1024 * 1024) == 2  # a real 2025 month, ~3.5M rows
