"""Is a downloaded file fit to become the month's object in rawzone? Checked before it replaces one.

A trip file must be a Parquet file (the magic bytes `PAR1` at both ends, a footer
pyarrow can read, column chunks inside the file), hold the trip columns the
transform cannot do without, and have at least one row. Only the footer is read:
this costs milliseconds whatever the file size, and catches a text file named
`.parquet`, a truncated download and an empty file. A corrupt page inside an
otherwise valid file is not detected here (the transform names it).
The zone table must be a non-empty CSV with the `LocationID` header.

pyarrow is imported when first needed: its import is about half of the command's start-up,
and `preload()` runs it in the background while the first file downloads.
"""
from __future__ import annotations

import csv
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from etl.extract.errors import InvalidSource

if TYPE_CHECKING:
    import pyarrow as pa
    import pyarrow.parquet as pq

MAGIC = b"PAR1"
# The source names of etl.transform.rules.REQUIRED (through etl.transform.schema.TARGET_COLUMNS):
# a file without one of them would have every row rejected. Matched case-insensitively, as the transform does.
TRIP_COLUMNS = ("VendorID", "tpep_pickup_datetime", "tpep_dropoff_datetime", "PULocationID", "DOLocationID",
                "trip_distance", "total_amount")
ZONES_HEADER = "locationid"


def preload() -> None:
    """Imports pyarrow in a thread (not a daemon: an import must not be cut by the interpreter's exit)."""
    threading.Thread(target=_arrow, name="import-pyarrow").start()


def _arrow():
    """(pyarrow, pyarrow.parquet); Python's import lock makes a second caller wait for a running import."""
    import pyarrow
    import pyarrow.parquet

    return pyarrow, pyarrow.parquet


def check_trip_file(path: Path, size: int) -> None:
    """Raises InvalidSource with what is wrong (the caller adds which source and month)."""
    if size == 0:
        raise InvalidSource("it is empty (0 bytes)")
    with open(path, "rb") as handle:
        head = handle.read(4)
        handle.seek(max(size - 4, 0))
        tail = handle.read(4)
    if head != MAGIC:
        raise InvalidSource(f"it is not a Parquet file (it starts with {head!r}, not {MAGIC!r})")
    if size < 12 or tail != MAGIC:
        raise InvalidSource(
            f"it is cut short: a Parquet file ends with {MAGIC!r}, these {size} bytes end with {tail!r}"
        )
    metadata = _footer(path)
    _check_chunks_inside(metadata, size)
    _check_columns(metadata.schema.to_arrow_schema())
    if metadata.num_rows <= 0:
        raise InvalidSource("it holds no rows")


def _footer(path: Path) -> pq.FileMetaData:
    pa, pq = _arrow()
    try:
        return pq.ParquetFile(path).metadata
    except (pa.ArrowException, OSError) as exc:
        raise InvalidSource(f"its Parquet footer cannot be read ({_first_line(exc)})") from None


def _check_chunks_inside(metadata: pq.FileMetaData, size: int) -> None:
    """A footer glued onto a cut body points past its end; reading it later would fail."""
    for group in range(metadata.num_row_groups):
        row_group = metadata.row_group(group)
        for index in range(row_group.num_columns):
            chunk = row_group.column(index)
            start = chunk.dictionary_page_offset if chunk.has_dictionary_page else chunk.data_page_offset
            if start is None or start < 4 or start + chunk.total_compressed_size > size:
                raise InvalidSource(
                    f"column {chunk.path_in_schema} of row group {group} lies outside the file's {size} bytes"
                )


def _check_columns(schema: pa.Schema) -> None:
    present = {name.lower() for name in schema.names}
    missing = [name for name in TRIP_COLUMNS if name.lower() not in present]
    if missing:
        raise InvalidSource(
            f"it lacks the trip column(s) {', '.join(missing)} (its columns: {', '.join(schema.names[:30])})"
        )
    required = {name.lower() for name in TRIP_COLUMNS}
    for field in schema:
        if field.name.lower() in required and not _readable(field.name, field.type):
            kind = "a time" if "datetime" in field.name.lower() else "a number"
            raise InvalidSource(f"its column {field.name} is {field.type}, not {kind}")


def _readable(name: str, arrow_type: pa.DataType) -> bool:
    """Whether the transform can read the required column (etl.transform.schema: what each target is cast from)."""
    pa, _ = _arrow()
    if pa.types.is_string(arrow_type) or pa.types.is_large_string(arrow_type):
        return True
    if "datetime" in name.lower():  # an int64 is a time in ns (pandas-written files)
        return pa.types.is_timestamp(arrow_type) or pa.types.is_date(arrow_type) or arrow_type == pa.int64()
    return any(check(arrow_type) for check in (pa.types.is_integer, pa.types.is_floating, pa.types.is_decimal,
                                                pa.types.is_boolean))


def check_zones_file(path: Path, size: int) -> None:
    """The header's first column must be LocationID: the transform reads the table's columns by position."""
    if size == 0:
        raise InvalidSource("it is empty (0 bytes)")
    with open(path, "rb") as handle:
        first_line = handle.readline(4096).decode("utf-8-sig", errors="replace")
    header = next(csv.reader([first_line]), [])
    if not header or header[0].strip().lower() != ZONES_HEADER:
        raise InvalidSource(
            f"it is not the zone table: its first line {first_line.strip()[:80]!r} does not start with "
            "the LocationID column"
        )


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0][:300]
