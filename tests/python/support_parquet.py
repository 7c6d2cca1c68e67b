"""Real trip files (Parquet with the TLC columns) for the extraction tests, of any size.

The extractor refuses anything that is not a trip file, so test sources must be real
Parquet. `padding` adds an incompressible binary column to reach a size.
"""
from __future__ import annotations

import io
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

MiB = 1024 * 1024
_ROW_GROUP_PADDING = 8 * MiB
_JANUARY_2024_US = 1_704_067_200_000_000


def _first_pickup_us(month: str | None) -> int:
    """Pickups on the month's 10th (trips the transform keeps for that month); January 2024 by default."""
    if month is None:
        return _JANUARY_2024_US
    year, mm = (int(part) for part in month.split("-"))
    return int(datetime(year, mm, 10, 8, tzinfo=UTC).timestamp()) * 1_000_000


def _trips(rows: int, tag: int, padding_per_row: int, month: str | None = None) -> pa.Table:
    first = _first_pickup_us(month)
    columns = {
        "VendorID": pa.array([2] * rows, pa.int32()),
        "tpep_pickup_datetime": pa.array([first + i for i in range(rows)], pa.timestamp("us")),
        "tpep_dropoff_datetime": pa.array([first + 600_000_000 + i for i in range(rows)], pa.timestamp("us")),
        "PULocationID": pa.array([161] * rows, pa.int32()),
        "DOLocationID": pa.array([236] * rows, pa.int32()),
        "trip_distance": pa.array([1.5 + tag] * rows, pa.float64()),  # `tag` makes versions differ
        "total_amount": pa.array([18.25] * rows, pa.float64()),
    }
    if padding_per_row:
        columns["padding"] = pa.array([os.urandom(padding_per_row) for _ in range(rows)], pa.binary())
    return pa.table(columns)


def trip_parquet(rows: int = 100, tag: int = 0, size: int = 0, month: str | None = None) -> bytes:
    """A small trip file in memory; with `size`, padded to about that many bytes; with `month` ("YYYY-MM"),
    its pickups fall in that month (January 2024 otherwise)."""
    per_row = max(size // rows, 0) if size else 0
    out = io.BytesIO()
    pq.write_table(_trips(rows, tag, per_row, month), out, compression="none")
    return out.getvalue()


def write_trip_parquet(path: Path, size: int) -> int:
    """A trip file of about `size` bytes written row group by row group (never all in memory); its size."""
    rows_per_group = 64
    per_row = _ROW_GROUP_PADDING // rows_per_group
    groups = max(size // _ROW_GROUP_PADDING, 1)
    schema = _trips(1, 0, 1).schema
    with pq.ParquetWriter(path, schema, compression="none") as writer:
        for _ in range(groups):
            writer.write_table(_trips(rows_per_group, 0, per_row))
    return path.stat().st_size


def write_big_trip_parquet(path: Path, size: int) -> int:
    """write_trip_parquet in a child process: the test process's memory stays small.

    A forked child starts with its parent's resident pages, and ru_maxrss survives exec,
    so a test measuring a child's peak memory must not itself hold the file's buffers.
    """
    code = "import sys; from pathlib import Path; from support_parquet import write_trip_parquet; " \
           "write_trip_parquet(Path(sys.argv[1]), int(sys.argv[2]))"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(Path(__file__).parent), os.environ.get("PYTHONPATH", "")])}
    subprocess.run([sys.executable, "-c", code, str(path), str(size)], env=env, check=True)
    return path.stat().st_size
