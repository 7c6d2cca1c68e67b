"""Schema variants that mimic the drift between real TLC yellow-taxi files over the years.

Real files differ in column case (`airport_fee` vs `Airport_fee`), integer width and
float-vs-int of some columns, timestamp unit (ns in pandas-written older files, us
later) and new columns (`cbd_congestion_fee` from 2025). The transform step must
cope with all of them, so the sample can produce each.
"""
from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa


@dataclass(frozen=True)
class Variant:
    name: str
    timestamp_unit: str  # "us" or "ns"
    int_ids: pa.DataType  # VendorID, PULocationID, DOLocationID
    count_type: pa.DataType  # passenger_count, RatecodeID (double in older files)
    airport_fee_column: str
    with_cbd_fee: bool

    def schema(self) -> pa.Schema:
        money = pa.float64()
        fields = [
            ("VendorID", self.int_ids),
            ("tpep_pickup_datetime", pa.timestamp(self.timestamp_unit)),
            ("tpep_dropoff_datetime", pa.timestamp(self.timestamp_unit)),
            ("passenger_count", self.count_type),
            ("trip_distance", pa.float64()),
            ("RatecodeID", self.count_type),
            ("store_and_fwd_flag", pa.string()),
            ("PULocationID", self.int_ids),
            ("DOLocationID", self.int_ids),
            ("payment_type", pa.int64()),
            ("fare_amount", money),
            ("extra", money),
            ("mta_tax", money),
            ("tip_amount", money),
            ("tolls_amount", money),
            ("improvement_surcharge", money),
            ("total_amount", money),
            ("congestion_surcharge", money),
            (self.airport_fee_column, money),
        ]
        if self.with_cbd_fee:
            fields.append(("cbd_congestion_fee", money))
        return pa.schema(fields)


VARIANTS: dict[str, Variant] = {
    # pandas-written files up to 2022: ns timestamps, doubles for counts, int64 ids
    "legacy": Variant("legacy", "ns", pa.int64(), pa.float64(), "airport_fee", False),
    "2023": Variant("2023", "us", pa.int64(), pa.float64(), "airport_fee", False),
    "2024": Variant("2024", "us", pa.int32(), pa.int64(), "Airport_fee", False),
    "2025": Variant("2025", "us", pa.int32(), pa.int64(), "Airport_fee", True),
}


def variant_for(year: int, name: str = "auto") -> Variant:
    """The named variant, or with `auto` the one that resembles files of that year."""
    if name != "auto":
        if name not in VARIANTS:
            raise ValueError(f"unknown variant {name!r}; choose auto or one of {', '.join(VARIANTS)}")
        return VARIANTS[name]
    if year <= 2022:
        return VARIANTS["legacy"]
    return VARIANTS[str(min(year, 2025))]
