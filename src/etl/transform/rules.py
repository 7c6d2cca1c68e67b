"""Named cleaning rules, applied in a fixed order: the first rule a row fails is its reason.

Each rule is a predicate that is TRUE for a row to reject (null-safe: a null
comparison never rejects by accident). The duplicate rule needs a window over the
surviving rows, so it runs last. docs/data-model.md justifies each rule.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from pyspark.sql import Column, DataFrame, Window
from pyspark.sql import functions as F

from etl.transform.codes import PAYMENT_TYPES, RATE_CODES, VENDORS

REJECT_COLUMN = "reject_rule"
MAX_SPEED_MPH = 100.0
MAX_DURATION_S = 24 * 3600
REQUIRED = ["vendor_id", "pickup_datetime", "dropoff_datetime", "pu_location_id", "do_location_id",
            "trip_distance", "total_amount"]
# Same vendor, times, places, distance and amount: the same trip recorded twice.
NATURAL_KEY = ["vendor_id", "pickup_datetime", "dropoff_datetime", "pu_location_id", "do_location_id",
               "trip_distance", "fare_amount", "total_amount"]


@dataclass(frozen=True)
class Rule:
    name: str
    description: str
    rejects: Column


def duration_of(pickup: Column, dropoff: Column) -> Column:
    """Seconds from pickup to dropoff (negative when dropoff is earlier)."""
    return F.unix_micros(dropoff.cast("timestamp")) / 1e6 - F.unix_micros(pickup.cast("timestamp")) / 1e6


def duration_seconds() -> Column:
    return duration_of(F.col("pickup_datetime"), F.col("dropoff_datetime"))


def row_rules(zone_ids: Iterable[int]) -> list[Rule]:
    seconds = duration_seconds()
    speed = F.col("trip_distance") / (seconds / 3600)
    zones = list(zone_ids)
    return [
        Rule("missing_required", f"a null in {', '.join(REQUIRED)}",
             F.greatest(*[F.col(c).isNull() for c in REQUIRED])),
        Rule("pickup_outside_month", "pickup not in the month of the file it came from",
             (F.year("pickup_datetime") != F.col("source_year"))
             | (F.month("pickup_datetime") != F.col("source_month"))),
        Rule("dropoff_before_pickup", "dropoff earlier than pickup", seconds < 0),
        Rule("zero_duration", "dropoff at the same second as pickup", seconds == 0),
        Rule("duration_over_24h", "trip longer than 24 h (meter left running)", seconds > MAX_DURATION_S),
        # 264 "Unknown" and 265 "Outside of NYC" are rows of the zone table: real trips, kept.
        Rule("unknown_zone", "pickup or dropoff zone not in the zone table (taxi_zone_lookup.csv)",
             ~F.col("pu_location_id").isin(zones) | ~F.col("do_location_id").isin(zones)),
        Rule("non_positive_distance", "trip_distance <= 0", F.col("trip_distance") <= 0),
        Rule("absurd_speed", f"average speed above {MAX_SPEED_MPH:g} mph", speed > MAX_SPEED_MPH),
        Rule("negative_amount", "total_amount or fare_amount below 0 (refund/void records)",
             (F.col("total_amount") < 0) | (F.col("fare_amount") < 0)),
        Rule("unknown_code", "vendor, payment type or rate code not in the TLC data dictionary",
             ~F.col("vendor_id").isin(list(VENDORS)) | ~F.col("payment_type").isin(list(PAYMENT_TYPES))
             | ~F.coalesce(F.col("rate_code_id"), F.lit(99)).isin(list(RATE_CODES))),
    ]


DUPLICATE_RULE = "duplicate"


def rule_names() -> list[str]:
    """Every rule in evaluation order (needs no SparkSession)."""
    return [*_ROW_RULE_NAMES, DUPLICATE_RULE]


_ROW_RULE_NAMES = ["missing_required", "pickup_outside_month", "dropoff_before_pickup", "zero_duration",
                   "duration_over_24h", "unknown_zone", "non_positive_distance", "absurd_speed",
                   "negative_amount", "unknown_code"]


def _first_failing(rules: list[Rule]) -> Column:
    verdict = F.lit(None).cast("string")
    for rule in reversed(rules):  # build CASE WHEN r1 THEN .. WHEN r2 .. in order
        verdict = F.when(F.coalesce(rule.rejects, F.lit(False)), F.lit(rule.name)).otherwise(verdict)
    return verdict


def _mark_duplicates(df: DataFrame) -> DataFrame:
    """Among rows that passed every other rule, keep one per natural key (the first by file, then columns)."""
    others = [c for c in df.columns if c not in NATURAL_KEY and c != REJECT_COLUMN]
    # Spark sorts the rows on the window's keys in this order and compares most pairs on the first key
    # alone (its 8-byte sort prefix): the pickup time tells nearly every pair apart, where the candidate
    # flag or the vendor id first sent each comparison through all 24 columns.
    keys = [F.col("pickup_datetime"), *[F.col(c) for c in NATURAL_KEY if c != "pickup_datetime"],
            F.col(REJECT_COLUMN).isNull()]
    window = Window.partitionBy(*keys).orderBy(*others)
    rank = F.row_number().over(window)
    return df.withColumn(REJECT_COLUMN, F.when(F.col(REJECT_COLUMN).isNull() & (rank > 1), F.lit(DUPLICATE_RULE))
                         .otherwise(F.col(REJECT_COLUMN)))


def classify(conformed: DataFrame, zone_ids: Iterable[int]) -> DataFrame:
    """Every row with `reject_rule`: null when kept, else the first rule it fails (`zone_ids`: known_zone_ids)."""
    rules = row_rules(zone_ids)
    assert [r.name for r in rules] == _ROW_RULE_NAMES
    return _mark_duplicates(conformed.withColumn(REJECT_COLUMN, _first_failing(rules)))


def rule_counts(classified: DataFrame) -> DataFrame:
    """(source_year, source_month, reject_rule, rows); reject_rule null = kept."""
    return classified.groupBy("source_year", "source_month", REJECT_COLUMN).count()
