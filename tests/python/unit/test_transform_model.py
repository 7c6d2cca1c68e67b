"""fact_trips, dimensions and marts from a few kept trips; the quality report's arithmetic."""
from __future__ import annotations

from datetime import datetime

from support_spark import bundled_zone_ids, good_trip, spark, trips_frame  # noqa: F401

from etl.transform import model
from etl.transform.codes import PAYMENT_TYPES, RATE_CODES, VENDORS
from etl.transform.report import quality_counts
from etl.transform.rules import classify, rule_names


def fact_of(spark, rows):  # noqa: F811
    return model.fact_trips(model.kept(classify(trips_frame(spark, rows), bundled_zone_ids())))


def test_fact_derived_columns(spark):  # noqa: F811
    row = fact_of(spark, [good_trip(rate_code_id=None, airport_fee=None)]).collect()[0]
    assert (row.pickup_year, row.pickup_month, row.pickup_date_key, row.pickup_hour) == (2024, 1, 20240110, 8)
    assert row.duration_min == 20.0 and row.speed_mph == 9.0
    assert row.rate_code_id == 99 and row.airport_fee == 0.0  # null code -> "Null/unknown", null fee -> 0
    assert row.tip_share == round(4.0 / 22.0, 4) and row.revenue_per_mile == round(26.0 / 3.0, 4)


def test_trip_key_is_stable_and_distinct(spark):  # noqa: F811
    rows = [good_trip(), good_trip(trip_distance=5.0)]
    first = sorted(r.trip_key for r in fact_of(spark, rows).collect())
    assert first == sorted(r.trip_key for r in fact_of(spark, rows).collect()) and len(set(first)) == 2


def test_every_fact_key_resolves_in_the_dimensions(spark):  # noqa: F811
    fact = fact_of(spark, [good_trip(payment_type=0, rate_code_id=None, vendor_id=7)])
    zones = spark.createDataFrame([(str(i), "B", f"Z{i}", "Yellow Zone") for i in range(1, 266)],
                                  ["LocationID", "Borough", "Zone", "service_zone"])
    checks = [("vendor_id", model.dim_vendor(spark), "vendor_id"),
              ("rate_code_id", model.dim_rate_code(spark), "rate_code_id"),
              ("payment_type_id", model.dim_payment_type(spark), "payment_type_id"),
              ("pickup_date_key", model.dim_date(spark), "date_key"),
              ("pickup_location_id", model.dim_zone(zones), "location_id"),
              ("dropoff_location_id", model.dim_zone(zones), "location_id")]
    for fact_column, dim, key in checks:
        assert fact.join(dim, fact[fact_column] == dim[key], "left_anti").count() == 0, fact_column


def test_code_dimensions_follow_the_dictionary(spark):  # noqa: F811
    assert {r.payment_type_id for r in model.dim_payment_type(spark).collect()} == set(PAYMENT_TYPES) == set(range(7))
    assert {r.rate_code_id for r in model.dim_rate_code(spark).collect()} == set(RATE_CODES)
    assert {r.vendor_id for r in model.dim_vendor(spark).collect()} == set(VENDORS)


def test_dim_date(spark):  # noqa: F811
    dates = model.dim_date(spark, datetime(2024, 2, 26).date(), datetime(2024, 3, 3).date()).collect()
    assert [d.date_key for d in dates][:5] == [20240226, 20240227, 20240228, 20240229, 20240301]
    sunday = [d for d in dates if d.date_key == 20240303][0]
    assert (sunday.iso_day_of_week, sunday.is_weekend, sunday.day_name) == (7, True, "Sunday")


def test_marts(spark):  # noqa: F811
    fact = fact_of(spark, [good_trip(), good_trip(trip_distance=4.0, pickup_datetime=datetime(2024, 1, 10, 8, 5)),
                           good_trip(trip_distance=2.0, pickup_datetime=datetime(2024, 1, 13, 9, 0),
                                     dropoff_datetime=datetime(2024, 1, 13, 9, 10))])
    daily = {(r.pickup_date_key, r.pickup_location_id): r for r in model.mart_daily_zone(fact).collect()}
    assert daily[(20240110, 161)].trips == 2 and daily[(20240110, 161)].total_revenue == 52.0
    hourly = {(r.pickup_hour, r.is_weekend): r.trips for r in model.mart_hourly_demand(fact).collect()}
    assert hourly == {(8, False): 2, (9, True): 1}


def test_quality_counts_add_up():
    counts = quality_counts(
        [(2024, 1, None, 90), (2024, 1, "unknown_zone", 7), (2024, 2, "duplicate", 3), (2024, 2, None, 10)]
    )
    assert (counts["rows_read"], counts["rows_kept"], counts["rows_rejected"]) == (110, 100, 10)
    assert list(counts["rejected_by_rule"]) == rule_names()
    assert counts["months"]["2024-02"]["rejected_by_rule"]["duplicate"] == 3


def test_the_builders_make_exactly_the_contract_tables_with_their_keys(spark):  # noqa: F811
    """config/contract.json goldTables (the diff's keys) names what month_tables and dimension_tables build."""
    from etl.contract import gold_tables

    classified = classify(trips_frame(spark, [good_trip()]), bundled_zone_ids())
    zones = spark.createDataFrame([("1", "B", "Z1", "Yellow Zone")], ["LocationID", "Borough", "Zone", "service_zone"])
    built = {**model.month_tables(classified), **model.dimension_tables(spark, zones)}
    assert set(built) == set(gold_tables())
    for name, spec in gold_tables().items():
        missing = set(spec["key"] + spec["partitionBy"]) - set(built[name].columns)
        assert not missing, f"{name} lacks {missing}"
