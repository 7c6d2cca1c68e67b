"""Builds one month of sample trips as an Arrow table in the chosen schema variant."""
from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from etl.extract.months import Month
from etl.sample.dirty import make_dirty, pick_dirty_rows
from etl.sample.schema import Variant, variant_for
from etl.sample.trips import clean_trips

TIMESTAMP_COLUMNS = ("tpep_pickup_datetime", "tpep_dropoff_datetime")


def month_rng(seed: int, month: Month) -> np.random.Generator:
    """One independent stream per (seed, month): months can be generated alone or together."""
    return np.random.default_rng(np.random.SeedSequence([seed, month.year, month.month]))


def _arrow_column(values: np.ndarray, mask: np.ndarray | None, dtype: pa.DataType) -> pa.Array:
    if pa.types.is_timestamp(dtype):
        scale = 1000 if dtype.unit == "ns" else 1
        return pa.array(values * scale, type=pa.int64()).cast(dtype)
    if pa.types.is_integer(dtype) and values.dtype.kind == "f":
        values = values.astype(np.int64)
    return pa.array(values, type=dtype, mask=mask)


def generate_month(month: Month, rows: int, seed: int, variant: Variant | None = None) -> pa.Table:
    variant = variant or variant_for(month.year)
    rng = month_rng(seed, month)
    cols = clean_trips(rng, month, rows)
    masks = make_dirty(cols, pick_dirty_rows(rng, rows), rng)
    order = np.argsort(cols["tpep_pickup_datetime"], kind="stable")  # real files are roughly time-ordered
    arrays = []
    for field in variant.schema():
        source = "airport_fee" if field.name.lower() == "airport_fee" else field.name
        mask = masks.get(source)
        arrays.append(_arrow_column(cols[source][order], None if mask is None else mask[order], field.type))
    return pa.Table.from_arrays(arrays, schema=variant.schema())


def write_month(out_dir: Path, month: Month, rows: int, seed: int, variant_name: str = "auto") -> Path:
    """Writes `yellow_tripdata_YYYY-MM.parquet` atomically and returns its path."""
    table = generate_month(month, rows, seed, variant_for(month.year, variant_name))
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"yellow_tripdata_{month}.parquet"
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    pq.write_table(table, tmp, compression="zstd")
    os.replace(tmp, target)
    return target
