"""The gold star schema from kept rows: fact_trips, dimensions and marts (pure functions).

`month_tables` and `dimension_tables` name every gold table and build its rows: the job writes them
(etl.transform.job), `etl preview` writes them beside gold to diff them (etl.dev.preview). One builder,
so a preview shows exactly what the job would publish."""
from __future__ import annotations

from datetime import date

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql import types as T

from etl.transform import columns
from etl.transform.codes import PAYMENT_TYPES, RATE_CODES, VENDORS
from etl.transform.rules import REJECT_COLUMN

CALENDAR = (date(2009, 1, 1), date(2030, 12, 31))  # TLC yellow data starts in 2009
PARTITION_COLUMNS = list(columns.PARTITION_COLUMNS)


def kept(classified: DataFrame) -> DataFrame:
    return classified.filter(F.col(REJECT_COLUMN).isNull()).drop(REJECT_COLUMN)


def rejected(classified: DataFrame) -> DataFrame:
    return classified.filter(F.col(REJECT_COLUMN).isNotNull())


def fact_trips(clean: DataFrame) -> DataFrame:
    """One row per kept trip, with surrogate keys to the dimensions and derived measures."""
    fact = clean.select(*[c.column() for c in columns.FACT_COLUMNS])
    return fact.withColumns({c.name: c.column() for c in columns.FACT_MEASURES})


def build_mart(fact: DataFrame, mart: columns.Mart) -> DataFrame:
    with_before = fact.withColumns({c.name: c.column() for c in mart.before}) if mart.before else fact
    grouped = with_before.groupBy(*mart.keys).agg(*[c.column() for c in mart.measures])
    return grouped.withColumns({c.name: c.column() for c in mart.after}) if mart.after else grouped


def mart_daily_zone(fact: DataFrame) -> DataFrame:
    """Trips and revenue per pickup day and pickup zone."""
    return build_mart(fact, columns.MART_DAILY_ZONE)


def mart_hourly_demand(fact: DataFrame) -> DataFrame:
    """Demand per hour of day (and weekday/weekend) within each month."""
    return build_mart(fact, columns.MART_HOURLY_DEMAND)


def _code_dim(spark: SparkSession, codes: dict[int, str], key: str) -> DataFrame:
    schema = T.StructType(
        [T.StructField(key, T.IntegerType(), False), T.StructField("description", T.StringType(), False)]
    )
    return spark.createDataFrame(sorted(codes.items()), schema)


def dim_vendor(spark: SparkSession) -> DataFrame:
    return _code_dim(spark, VENDORS, "vendor_id")


def dim_rate_code(spark: SparkSession) -> DataFrame:
    return _code_dim(spark, RATE_CODES, "rate_code_id")


def dim_payment_type(spark: SparkSession) -> DataFrame:
    return _code_dim(spark, PAYMENT_TYPES, "payment_type_id")


def dim_zone(zones_csv: DataFrame) -> DataFrame:
    """taxi_zone_lookup.csv (LocationID, Borough, Zone, service_zone) keyed by location_id."""
    return zones_csv.select(*[c.column() for c in columns.ZONE_COLUMNS]).dropDuplicates(["location_id"])


def dim_date(spark: SparkSession, first: date = CALENDAR[0], last: date = CALENDAR[1]) -> DataFrame:
    """A fixed calendar, so every run writes the same table and every date key resolves."""
    days = spark.sql(f"SELECT explode(sequence(DATE'{first}', DATE'{last}', INTERVAL 1 DAY)) AS date")
    return days.select(
        F.date_format("date", "yyyyMMdd").cast("int").alias("date_key"), "date",
        F.year("date").alias("year"), F.quarter("date").alias("quarter"), F.month("date").alias("month"),
        F.dayofmonth("date").alias("day"), ((F.dayofweek("date") + 5) % 7 + 1).alias("iso_day_of_week"),
        F.date_format("date", "EEEE").alias("day_name"), F.dayofweek("date").isin(1, 7).alias("is_weekend"))


FACT, QUARANTINE = "fact_trips", "quarantine/rejected_trips"
MARTS = {"mart_daily_zone": mart_daily_zone, "mart_hourly_demand": mart_hourly_demand}


def month_tables(classified: DataFrame) -> dict[str, DataFrame]:
    """One month's classified rows as its rows of each month-partitioned table: the fact, the marts built
    from it, and the rejected rows (the quarantine)."""
    fact = fact_trips(kept(classified))
    return {FACT: fact, **{name: build(fact) for name, build in MARTS.items()}, QUARANTINE: rejected(classified)}


def dimension_tables(spark: SparkSession, zones_csv: DataFrame) -> dict[str, DataFrame]:
    """The dimensions, each replaced whole by a run."""
    return {"dim_zone": dim_zone(zones_csv), "dim_date": dim_date(spark), "dim_vendor": dim_vendor(spark),
            "dim_rate_code": dim_rate_code(spark), "dim_payment_type": dim_payment_type(spark)}
