"""Clean, realistic trips as numpy columns (microsecond timestamps, float amounts)."""
from __future__ import annotations

from datetime import UTC, datetime

import numpy as np

from etl.extract.months import Month

# Relative trip volume by hour of day (NYC yellow taxi: quiet at 4-5am, peak around 6pm).
HOUR_WEIGHTS = np.array([3.0, 2.2, 1.6, 1.1, 0.8, 0.9, 1.8, 3.0, 3.9, 4.1, 4.2, 4.4,
                         4.6, 4.7, 5.0, 5.2, 5.6, 6.2, 6.6, 6.2, 5.6, 5.3, 4.9, 4.0])
# Busy zones (Midtown, Upper East Side, airports) get far more pickups/dropoffs.
BUSY_ZONES = [132, 138, 161, 237, 236, 162, 230, 186, 170, 142, 163, 239, 234, 48, 68, 79, 107, 140, 141, 229, 249]
AIRPORTS = (132, 138)  # JFK, LaGuardia
US_PER_SECOND = 1_000_000


def month_bounds_us(month: Month) -> tuple[int, int]:
    """[start, end) of the month in microseconds since the epoch (naive wall time as UTC)."""
    start = datetime(month.year, month.month, 1, tzinfo=UTC)
    nxt = month.next()
    end = datetime(nxt.year, nxt.month, 1, tzinfo=UTC)
    return int(start.timestamp()) * US_PER_SECOND, int(end.timestamp()) * US_PER_SECOND


def _zone_weights() -> np.ndarray:
    weights = np.ones(263)
    weights[np.array(BUSY_ZONES) - 1] = 60.0
    return weights / weights.sum()


def _pickups(rng: np.random.Generator, month: Month, rows: int) -> np.ndarray:
    start, end = month_bounds_us(month)
    days = (end - start) // (86_400 * US_PER_SECOND)
    day = rng.integers(0, days, rows)
    hour = rng.choice(24, rows, p=HOUR_WEIGHTS / HOUR_WEIGHTS.sum())
    second = rng.integers(0, 3600, rows)
    return start + ((day * 86_400 + hour * 3600 + second) * US_PER_SECOND)


def _distances(rng: np.random.Generator, pu: np.ndarray, do: np.ndarray) -> np.ndarray:
    distance = np.clip(rng.lognormal(np.log(1.8), 0.85, pu.size), 0.1, 60.0)
    airport = np.isin(pu, AIRPORTS) | np.isin(do, AIRPORTS)
    distance[airport] = np.clip(rng.normal(14.0, 4.0, airport.sum()), 5.0, 40.0)
    return np.round(distance, 2)


def clean_trips(rng: np.random.Generator, month: Month, rows: int) -> dict[str, np.ndarray]:
    pickup = _pickups(rng, month, rows)
    pu = rng.choice(np.arange(1, 264), rows, p=_zone_weights())
    do = rng.choice(np.arange(1, 264), rows, p=_zone_weights())
    distance = _distances(rng, pu, do)
    speed_mph = np.clip(rng.lognormal(np.log(11.0), 0.35, rows), 3.0, 45.0)
    duration_s = distance / speed_mph * 3600 + rng.exponential(60.0, rows)
    ratecode = rng.choice([1, 2, 3, 4, 5, 6, 99], rows, p=[0.93, 0.03, 0.005, 0.004, 0.02, 0.001, 0.01])
    ratecode[np.isin(pu, AIRPORTS) & (rng.random(rows) < 0.4)] = 2  # JFK flat fare
    payment = rng.choice([1, 2, 3, 4], rows, p=[0.78, 0.19, 0.01, 0.02])
    hour = (pickup // (3600 * US_PER_SECOND)) % 24

    fare = np.where(ratecode == 2, 70.0, np.round(3.0 + 3.5 * distance + 0.2 * duration_s / 60, 1))
    extra = np.select([(hour >= 20) | (hour < 6), (hour >= 16) & (hour < 20)], [1.0, 2.5], 0.0)
    tip = np.where((payment == 1) & (rng.random(rows) < 0.8), np.round(fare * rng.uniform(0.15, 0.3, rows), 2), 0.0)
    tolls = np.where(rng.random(rows) < 0.05, 6.94, 0.0)
    congestion = np.where(rng.random(rows) < 0.92, 2.5, 0.0)
    airport_fee = np.where(np.isin(pu, AIRPORTS), 1.75, 0.0)
    cbd_fee = np.where(rng.random(rows) < 0.6, 0.75, 0.0)
    mta_tax = np.full(rows, 0.5)
    improvement = np.full(rows, 1.0)
    total = np.round(fare + extra + mta_tax + tip + tolls + improvement + congestion + airport_fee, 2)
    return {
        "VendorID": rng.choice([1, 2, 6, 7], rows, p=[0.25, 0.72, 0.02, 0.01]),
        "tpep_pickup_datetime": pickup,
        "tpep_dropoff_datetime": pickup + duration_s.astype(np.int64) * US_PER_SECOND,
        "passenger_count": rng.choice([1, 2, 3, 4, 5, 6], rows, p=[0.74, 0.15, 0.04, 0.02, 0.03, 0.02]).astype(float),
        "trip_distance": distance,
        "RatecodeID": ratecode.astype(float),
        "store_and_fwd_flag": np.where(rng.random(rows) < 0.005, "Y", "N").astype(object),
        "PULocationID": pu,
        "DOLocationID": do,
        "payment_type": payment,
        "fare_amount": fare,
        "extra": extra,
        "mta_tax": mta_tax,
        "tip_amount": tip,
        "tolls_amount": tolls,
        "improvement_surcharge": improvement,
        "total_amount": total,
        "congestion_surcharge": congestion,
        "airport_fee": airport_fee,
        "cbd_congestion_fee": cbd_fee,
    }
