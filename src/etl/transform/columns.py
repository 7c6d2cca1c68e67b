"""Every derived gold column, defined once with the columns it reads.

model.py builds fact_trips, the marts and dim_zone from these declarations, and the lineage
(etl.transform.lineage) reports them: which columns each reads, and the line here that defines it.
A build function receives only the columns its declaration names, so a declaration cannot read less
than its code does (tests/python/unit/test_lineage_declared.py checks it against Spark's own plan).

Layers: a conformed column (etl.transform.schema: one raw TLC column, renamed and cast), a fact column
(reads conformed columns), a fact measure (reads fact columns), a mart column (reads fact columns).
"""
from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass

from pyspark.sql import Column
from pyspark.sql import functions as F

from etl.transform.codes import UNKNOWN_RATE_CODE
from etl.transform.rules import NATURAL_KEY, duration_of


@dataclass(frozen=True)
class Col:
    """A column `name` computed from the columns `reads` by `build` (None: a copy of its one input)."""
    name: str
    reads: tuple[str, ...]
    build: Callable[..., Column] | None
    line: int  # of its declaration in this file

    def column(self) -> Column:
        inputs = [F.col(name) for name in self.reads]
        return (self.build(*inputs) if self.build else inputs[0]).alias(self.name)

    @property
    def identity(self) -> bool:
        return self.build is None


def col(name: str, *reads: str, build: Callable[..., Column] | None = None) -> Col:
    """Declares a column; no `reads` and no `build`: a copy of the input column of the same name."""
    if build is None and len(reads) > 1:
        raise ValueError(f"{name}: a copy reads one column")
    return Col(name, reads or ((name,) if build is None else ()), build, sys._getframe(1).f_lineno)


def _ratio(numerator: Column, denominator: Column) -> Column:
    return F.when(denominator > 0, F.round(numerator / denominator, 4))


def _zero_if_null(column: Column) -> Column:
    return F.coalesce(column, F.lit(0.0))


SURCHARGES_NULL_AS_ZERO = ["extra", "mta_tax", "tip_amount", "tolls_amount", "improvement_surcharge",
                           "congestion_surcharge", "airport_fee", "cbd_congestion_fee"]
MONEY = ["fare_amount", "extra", "mta_tax", "tip_amount", "tolls_amount", "improvement_surcharge",
         "congestion_surcharge", "airport_fee", "cbd_congestion_fee", "total_amount"]

# fact_trips, in its column order: one row per kept trip (reads conformed columns).
FACT_COLUMNS: list[Col] = [
    col("trip_key", *NATURAL_KEY, build=lambda *key: F.xxhash64(*key)),
    col("vendor_id"),
    col("rate_code_id", "rate_code_id", build=lambda code: F.coalesce(code, F.lit(UNKNOWN_RATE_CODE))),
    col("payment_type_id", "payment_type"),
    col("pickup_date_key", "pickup_datetime", build=lambda t: F.date_format(t, "yyyyMMdd").cast("int")),
    col("pickup_location_id", "pu_location_id"),
    col("dropoff_location_id", "do_location_id"),
    col("pickup_datetime"),
    col("dropoff_datetime"),
    col("pickup_hour", "pickup_datetime", build=F.hour),
    col("passenger_count"),
    col("store_and_fwd_flag"),
    col("trip_distance_mi", "trip_distance"),
    col("duration_min", "pickup_datetime", "dropoff_datetime",
        build=lambda pickup, dropoff: F.round(duration_of(pickup, dropoff) / 60, 2)),
    col("speed_mph", "trip_distance", "pickup_datetime", "dropoff_datetime",
        build=lambda miles, pickup, dropoff: F.round(miles / (duration_of(pickup, dropoff) / 3600), 2)),
    *[col(name, name, build=_zero_if_null) if name in SURCHARGES_NULL_AS_ZERO else col(name) for name in MONEY],
    col("source_path"),
    col("source_row"),
    col("pickup_year", "source_year"),
    col("pickup_month", "source_month"),
]
# Then, from those fact columns.
FACT_MEASURES: list[Col] = [
    col("tip_share", "tip_amount", "total_amount", build=lambda tip, total: _ratio(tip, total - tip)),
    col("revenue_per_mile", "total_amount", "trip_distance_mi", build=_ratio),
]


@dataclass(frozen=True)
class Mart:
    """A mart: fact rows (with `before` added) grouped by `keys` into `measures`, then `after` added."""
    keys: tuple[str, ...]
    measures: tuple[Col, ...]
    before: tuple[Col, ...]
    after: tuple[Col, ...]
    line: int  # of its declaration in this file

    def columns(self) -> list[Col]:
        """Every column of the mart, in order (a key is a copy of the fact or `before` column)."""
        before = {c.name: c for c in self.before}
        return [before.get(key) or Col(key, (key,), None, self.line) for key in self.keys] + \
            [*self.measures, *self.after]


def mart(keys: tuple[str, ...], measures: tuple[Col, ...], before: tuple[Col, ...] = (),
         after: tuple[Col, ...] = ()) -> Mart:
    return Mart(keys, measures, before, after, sys._getframe(1).f_lineno)


PARTITION_COLUMNS = ("pickup_year", "pickup_month")
MART_DAILY_ZONE = mart(
    keys=(*PARTITION_COLUMNS, "pickup_date_key", "pickup_location_id"),
    measures=(
        col("trips", build=lambda: F.count("*")),
        col("passengers", "passenger_count", build=lambda n: F.sum(F.coalesce(n, F.lit(0)))),
        col("distance_mi", "trip_distance_mi", build=lambda miles: F.round(F.sum(miles), 2)),
        col("fare_revenue", "fare_amount", build=lambda fare: F.round(F.sum(fare), 2)),
        col("tip_revenue", "tip_amount", build=lambda tip: F.round(F.sum(tip), 2)),
        col("total_revenue", "total_amount", build=lambda total: F.round(F.sum(total), 2)),
        col("avg_duration_min", "duration_min", build=lambda minutes: F.round(F.avg(minutes), 2)),
    ),
)
MART_HOURLY_DEMAND = mart(
    keys=(*PARTITION_COLUMNS, "pickup_hour", "is_weekend"),
    before=(col("is_weekend", "pickup_datetime", build=lambda t: F.dayofweek(t).isin(1, 7)),),
    measures=(
        col("trips", build=lambda: F.count("*")),
        col("days", "pickup_date_key", build=F.countDistinct),
        col("avg_duration_min", "duration_min", build=lambda minutes: F.round(F.avg(minutes), 2)),
        col("avg_speed_mph", "speed_mph", build=lambda mph: F.round(F.avg(mph), 2)),
        col("total_revenue", "total_amount", build=lambda total: F.round(F.sum(total), 2)),
    ),
    after=(col("trips_per_day", "trips", "days", build=lambda trips, days: F.round(trips / days, 2)),),
)

# dim_zone from taxi_zone_lookup.csv (LocationID, Borough, Zone, service_zone).
ZONE_COLUMNS: list[Col] = [
    col("location_id", "LocationID", build=lambda id_: id_.cast("int")),
    col("borough", "Borough"),
    col("zone", "Zone"),
    col("service_zone"),
]
