"""One explicit target schema for every monthly file, whatever its vintage.

TLC files drift: `airport_fee`/`Airport_fee`, int32/int64/double ids and counts,
timestamps in ns (read as longs with spark.sql.legacy.parquet.nanosAsLong) or us,
new columns such as `cbd_congestion_fee`. Each file is read on its own and conformed
here (case-insensitive rename, cast, missing columns as nulls), then unioned by name.

A column of a type that cannot become its target (a struct, a list, bytes, an int32 time) fails the file with
its name, column and type. A value that cannot (`"n/a"` in a number, an overflowing double) becomes null, so
its row is quarantined by the rules (a null required column) instead of failing the whole run under ANSI mode.
"""
from __future__ import annotations

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F
from pyspark.sql import types as T

from etl.transform.errors import InputFileError

TIMESTAMP = T.TimestampNTZType()  # TLC times are NYC wall-clock times with no zone

# target name -> (source name in TLC files, target type)
TARGET_COLUMNS: dict[str, tuple[str, T.DataType]] = {
    "vendor_id": ("VendorID", T.IntegerType()),
    "pickup_datetime": ("tpep_pickup_datetime", TIMESTAMP),
    "dropoff_datetime": ("tpep_dropoff_datetime", TIMESTAMP),
    "passenger_count": ("passenger_count", T.IntegerType()),
    "trip_distance": ("trip_distance", T.DoubleType()),
    "rate_code_id": ("RatecodeID", T.IntegerType()),
    "store_and_fwd_flag": ("store_and_fwd_flag", T.StringType()),
    "pu_location_id": ("PULocationID", T.IntegerType()),
    "do_location_id": ("DOLocationID", T.IntegerType()),
    "payment_type": ("payment_type", T.IntegerType()),
    "fare_amount": ("fare_amount", T.DoubleType()),
    "extra": ("extra", T.DoubleType()),
    "mta_tax": ("mta_tax", T.DoubleType()),
    "tip_amount": ("tip_amount", T.DoubleType()),
    "tolls_amount": ("tolls_amount", T.DoubleType()),
    "improvement_surcharge": ("improvement_surcharge", T.DoubleType()),
    "total_amount": ("total_amount", T.DoubleType()),
    "congestion_surcharge": ("congestion_surcharge", T.DoubleType()),
    "airport_fee": ("airport_fee", T.DoubleType()),
    "cbd_congestion_fee": ("cbd_congestion_fee", T.DoubleType()),
}
# Row provenance added to every conformed row: the trip file, the row's index in it (Spark's own file metadata
# column `_metadata.row_index`, 0-based, not a guess), and the month the file is for.
SOURCE_COLUMNS: dict[str, T.DataType] = {
    "source_path": T.StringType(),
    "source_row": T.LongType(),
    "source_year": T.IntegerType(),
    "source_month": T.IntegerType(),
}


def target_schema() -> T.StructType:
    fields = [T.StructField(name, dtype, True) for name, (_, dtype) in TARGET_COLUMNS.items()]
    fields += [T.StructField(name, dtype, False) for name, dtype in SOURCE_COLUMNS.items()]
    return T.StructType(fields)


# The source types each target type is read from; anything else is not that column.
_NUMBER_SOURCES = (T.NumericType, T.StringType, T.BooleanType)
_TIMESTAMP_SOURCES = (T.TimestampType, T.TimestampNTZType, T.DateType, T.StringType, T.LongType)
_TEXT_SOURCES = (T.StringType, T.NumericType, T.BooleanType, T.DateType, T.TimestampType, T.TimestampNTZType)


def _accepts(dtype: T.DataType, source_type: T.DataType) -> bool:
    if dtype == TIMESTAMP:
        return isinstance(source_type, _TIMESTAMP_SOURCES)
    return isinstance(source_type, _TEXT_SOURCES if isinstance(dtype, T.StringType) else _NUMBER_SOURCES)


def _timestamp(column: Column, source_type: T.DataType) -> Column:
    if isinstance(source_type, T.LongType):  # ns timestamps read as longs
        return F.timestamp_micros(F.floor(column / 1000)).cast(TIMESTAMP)
    return column.try_cast(TIMESTAMP)


def _conformed(df: DataFrame, target: str, source: str, dtype: T.DataType, source_path: str) -> Column:
    by_lower = {f.name.lower(): f for f in df.schema.fields}
    field = by_lower.get(source.lower())
    if field is None:
        return F.lit(None).cast(dtype).alias(target)
    if not _accepts(dtype, field.dataType):
        raise InputFileError(
            f"column {field.name} of {source_path} is {field.dataType.simpleString()}, which cannot be read as "
            f"{target} ({dtype.simpleString()}): that file is not a TLC trip file; replace it at its source "
            "and re-extract that month with `etl extract`")
    column = F.col(f"`{field.name}`")
    if dtype == TIMESTAMP:
        return _timestamp(column, field.dataType).alias(target)
    return column.try_cast(dtype).alias(target)


def conform(df: DataFrame, source_path: str, year: int, month: int) -> DataFrame:
    """The file's rows in the target schema, tagged with the file, each row's index in it and the month the file
    is for (df: the file as spark.read.parquet returns it, so its `_metadata` column is there)."""
    columns = [_conformed(df, target, source, dtype, source_path)
               for target, (source, dtype) in TARGET_COLUMNS.items()]
    columns += [F.lit(source_path).alias("source_path"), F.col("_metadata.row_index").alias("source_row"),
                F.lit(year).alias("source_year"), F.lit(month).alias("source_month")]
    return df.select(*columns)


def extra_columns(df: DataFrame) -> list[str]:
    """Source columns the target schema does not know (logged, not kept)."""
    known = {source.lower() for source, _ in TARGET_COLUMNS.values()}
    return [f.name for f in df.schema.fields if f.name.lower() not in known]
