"""Cleaning rules: each rejects what it names, the first failing rule wins, counts on the sample."""
from __future__ import annotations

from datetime import datetime

import pytest
from support_spark import bundled_zone_ids, good_trip, spark, trips_frame  # noqa: F401

from etl.config import PROJECT_ROOT
from etl.transform import model
from etl.transform.report import quality_counts
from etl.transform.rules import classify, rule_counts, rule_names
from etl.transform.schema import conform

ZONE_IDS = bundled_zone_ids()

T0 = datetime(2024, 1, 10, 8, 0)
CASES = {
    "missing_required": good_trip(pu_location_id=None),
    "pickup_outside_month": good_trip(
        pickup_datetime=datetime(2023, 12, 31, 23, 50), dropoff_datetime=datetime(2024, 1, 1, 0, 5)
    ),
    "dropoff_before_pickup": good_trip(dropoff_datetime=datetime(2024, 1, 10, 7, 0)),
    "zero_duration": good_trip(dropoff_datetime=T0),
    "duration_over_24h": good_trip(dropoff_datetime=datetime(2024, 1, 11, 9, 0), trip_distance=30.0),
    "unknown_zone": good_trip(do_location_id=266),  # not a row of the zone table
    "non_positive_distance": good_trip(trip_distance=0.0),
    "absurd_speed": good_trip(trip_distance=50.0),  # 50 mi in 20 min = 150 mph
    "negative_amount": good_trip(total_amount=-26.0, fare_amount=-18.0, payment_type=4),
    "unknown_code": good_trip(vendor_id=3),
}


def verdicts(spark, rows):  # noqa: F811
    classified = classify(trips_frame(spark, rows), ZONE_IDS).orderBy("trip_distance", "pickup_datetime")
    return [r["reject_rule"] for r in classified.collect()]


@pytest.mark.parametrize("rule", list(CASES))
def test_each_rule_rejects_its_case(spark, rule):  # noqa: F811
    assert [r["reject_rule"] for r in classify(trips_frame(spark, [CASES[rule]]), ZONE_IDS).collect()] == [rule]


def test_good_trip_and_legitimate_quirks_are_kept(spark):  # noqa: F811
    quirks = [good_trip(), good_trip(payment_type=0, rate_code_id=None, passenger_count=None, store_and_fwd_flag=None,
                                     congestion_surcharge=None, airport_fee=None, trip_distance=3.1),
              good_trip(passenger_count=0, trip_distance=3.2), good_trip(rate_code_id=99, trip_distance=3.3)]
    assert verdicts(spark, quirks) == [None, None, None, None]


def test_first_failing_rule_wins(spark):  # noqa: F811
    both = good_trip(dropoff_datetime=datetime(2024, 1, 10, 7, 0), do_location_id=0, trip_distance=0.0)
    assert verdicts(spark, [both]) == ["dropoff_before_pickup"]
    assert rule_names().index("dropoff_before_pickup") < rule_names().index("unknown_zone")


def test_zones_264_and_265_are_kept_as_facts(spark):  # noqa: F811
    """264 "Unknown" and 265 "Outside of NYC" are rows of the zone table (real paid trips): not rejected."""
    rows = [good_trip(pu_location_id=264, trip_distance=3.4), good_trip(do_location_id=265, trip_distance=3.5),
            good_trip(pu_location_id=265, do_location_id=264, trip_distance=3.6)]
    assert verdicts(spark, rows) == [None, None, None]
    fact = model.fact_trips(model.kept(classify(trips_frame(spark, rows), ZONE_IDS)))
    assert sorted((r.pickup_location_id, r.dropoff_location_id) for r in fact.collect()) == [
        (161, 265), (264, 236), (265, 264)]


def test_unknown_zone_rejects_only_ids_the_zone_table_lacks(spark):  # noqa: F811
    rows = [good_trip(pu_location_id=0, trip_distance=3.7), good_trip(do_location_id=266, trip_distance=3.8),
            good_trip(pu_location_id=263, do_location_id=1, trip_distance=3.9)]
    assert verdicts(spark, rows) == ["unknown_zone", "unknown_zone", None]
    assert verdicts(spark, [good_trip(do_location_id=999)]) == ["unknown_zone"]


def test_duplicates_keep_one_and_ignore_rejected_copies(spark):  # noqa: F811
    rows = [
        good_trip(),
        good_trip(),
        good_trip(),
        good_trip(trip_distance=4.0),
        good_trip(trip_distance=4.0, vendor_id=3),
    ]
    result = verdicts(spark, rows)
    assert sorted(result, key=str) == sorted([None, "duplicate", "duplicate", None, "unknown_code"], key=str)


def test_counts_on_the_committed_sample(spark):  # noqa: F811
    """The sample generator's dirty rows (docs/extraction.md) land in the expected rules."""
    frames = [
        conform(
            spark.read.parquet(str(PROJECT_ROOT / f"Data_extracted/yellow_tripdata_2024-0{m}.parquet")),
            f"m{m}",
            2024,
            m,
        )
        for m in (1, 2)
    ]
    classified = classify(frames[0].unionByName(frames[1]), ZONE_IDS)
    counts = quality_counts([tuple(r) for r in rule_counts(classified).collect()])
    assert counts["rows_read"] == 40_000
    assert (counts["rows_kept"], counts["rows_rejected"]) == (39_200, 800)  # 264/265 trips kept (docs/data-model.md)
    assert counts["rows_read"] == counts["rows_kept"] + sum(counts["rejected_by_rule"].values())
    expected = {"pickup_outside_month": 80, "dropoff_before_pickup": 120,
                "non_positive_distance": 400, "negative_amount": 200}
    assert {k: v for k, v in counts["rejected_by_rule"].items() if v} == expected
    assert counts["months"]["2024-01"]["rows_read"] == 20_000
