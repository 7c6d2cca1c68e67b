"""The shipped checks in Spark SQL (write-audit-publish) on a few trips of two months built by the model:
every compiled query runs in Spark, and a month cut short fails row_count (local Spark, no cluster, no S3)."""
from __future__ import annotations

from datetime import datetime

from support_spark import bundled_zone_ids, good_trip, spark, trips_frame  # noqa: F401

from etl.checks.evaluate import blocking
from etl.checks.spark_audit import audit
from etl.checks.suite import load_checks
from etl.transform import model
from etl.transform.rules import classify


def february_trip(minute: int) -> dict:
    return good_trip(pickup_datetime=datetime(2024, 2, 5, 8, minute), dropoff_datetime=datetime(2024, 2, 5, 9, 0),
                     source_year=2024, source_month=2)


def run_tables(spark, january: int, february: int):  # noqa: F811
    months = {(2024, 1): [good_trip(trip_distance=1.0 + i) for i in range(january)],
              (2024, 2): [february_trip(i) for i in range(february)]}
    # As the job (etl.transform.job): the classified rows persisted, read once before the checks audit them.
    classified = {m: classify(trips_frame(spark, rows), bundled_zone_ids()).persist() for m, rows in months.items()}
    for rows in classified.values():
        rows.count()
    month_tables = {m: model.month_tables(rows) for m, rows in classified.items()}
    zones = spark.createDataFrame([(str(i), "B", f"Z{i}", "Yellow Zone") for i in bundled_zone_ids()],
                                  ["LocationID", "Borough", "Zone", "service_zone"])
    return month_tables, model.dimension_tables(spark, zones)


def test_shipped_checks_pass_in_spark_on_good_months(spark, tmp_path):  # noqa: F811
    month_tables, dimensions = run_tables(spark, 4, 4)
    results = audit(spark, load_checks(), month_tables, dimensions, lambda table, month: None)  # no gold yet
    assert {r["name"]: r["status"] for r in results if r["status"] != "pass"} == {}
    volume = next(r for r in results if r["name"] == "fact_trips_month_volume")
    assert (volume["measured"], volume["message"]) == (1.0, "2024-02: 4 rows, 1.0 × 2024-01's 4")


def test_a_month_cut_to_a_quarter_blocks_on_row_count(spark):  # noqa: F811
    month_tables, dimensions = run_tables(spark, 4, 1)
    results = audit(spark, load_checks(), month_tables, dimensions, lambda table, month: None)
    assert [(r["name"], r["measured"]) for r in blocking(results)] == [("fact_trips_month_volume", 0.25)]


def test_the_month_before_the_run_comes_from_gold(spark):  # noqa: F811
    month_tables, dimensions = run_tables(spark, 4, 4)
    asked = []

    def gold_rows(table, month):
        asked.append((table, month))
        return 16

    results = audit(spark, load_checks(), month_tables, dimensions, gold_rows)
    volume = next(r for r in results if r["name"] == "fact_trips_month_volume")
    assert asked == [("fact_trips", (2023, 12))]  # February's previous month is in the run
    assert (volume["status"], volume["measured"]) == ("fail", 0.25)
    assert volume["message"] == "2024-01: 4 rows, 0.25 × 2023-12's 16"
