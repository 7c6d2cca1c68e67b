"""Dirty rows like the ones found in real TLC files, a few percent of each month.

Each kind touches its own rows (drawn without replacement) so tests can count them.
"""
from __future__ import annotations

import numpy as np

from etl.sample.trips import US_PER_SECOND

# Fraction of rows per kind of defect (about 5 % in total).
DIRTY_RATES = {
    "zero_distance": 0.010,
    "negative_amounts": 0.005,
    "dropoff_before_pickup": 0.003,
    "out_of_month_pickup": 0.002,
    "unknown_zone": 0.008,
    "null_fields": 0.020,
    "zero_passengers": 0.005,
}
NEGATED = ["fare_amount", "extra", "mta_tax", "tip_amount", "improvement_surcharge",
           "congestion_surcharge", "total_amount"]
# Columns that are null together in real files (rows with payment_type 0, "flex fare").
NULLABLE = ["passenger_count", "RatecodeID", "store_and_fwd_flag", "congestion_surcharge", "airport_fee"]


def pick_dirty_rows(rng: np.random.Generator, rows: int) -> dict[str, np.ndarray]:
    counts = {kind: max(1, int(rows * rate)) for kind, rate in DIRTY_RATES.items()}
    chosen = rng.choice(rows, sum(counts.values()), replace=False)
    picked, offset = {}, 0
    for kind, count in counts.items():
        picked[kind] = np.sort(chosen[offset:offset + count])
        offset += count
    return picked


def make_dirty(cols: dict[str, np.ndarray], picked: dict[str, np.ndarray],
               rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Applies the defects in place; returns null masks per column."""
    cols["trip_distance"][picked["zero_distance"]] = 0.0
    rows = picked["negative_amounts"]
    for name in NEGATED:
        cols[name][rows] = -np.abs(cols[name][rows])
    cols["payment_type"][rows] = rng.choice([3, 4], rows.size)
    rows = picked["dropoff_before_pickup"]
    cols["tpep_dropoff_datetime"][rows] = (
        cols["tpep_pickup_datetime"][rows] - rng.integers(60, 3600, rows.size) * US_PER_SECOND
    )
    rows = picked["out_of_month_pickup"]
    shift = rng.integers(32, 400, rows.size) * 86_400 * US_PER_SECOND  # stale meter clocks
    cols["tpep_pickup_datetime"][rows] -= shift
    cols["tpep_dropoff_datetime"][rows] -= shift
    rows = picked["unknown_zone"]
    cols["PULocationID"][rows] = rng.choice([264, 265], rows.size)
    cols["DOLocationID"][rows] = rng.choice([264, 265], rows.size)
    cols["passenger_count"][picked["zero_passengers"]] = 0.0
    rows = picked["null_fields"]
    cols["payment_type"][rows] = 0
    masks = {name: np.zeros(cols[name].size, dtype=bool) for name in NULLABLE}
    for mask in masks.values():
        mask[rows] = True
    return masks
