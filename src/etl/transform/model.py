"""The gold star schema from kept rows: fact_trips, dimensions and marts (pure functions).

`month_tables` and `dimension_tables` name every gold table and build its rows: the job writes them
(etl.transform.job), `etl preview` writes them beside gold to diff them (etl.dev.preview). One builder,
so a preview shows exactly what the job would publish."""
from __future__ import annotations

from datetime import date

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql import types as T

from etl.transform.codes import PAYMENT_TYPES, RATE_CODES, UNKNOWN_RATE_CODE, VENDORS
from etl.transform.rules import NATURAL_KEY, REJECT_COLUMN, duration_seconds

PARTITION_COLUMNS = ["pickup_year", "pickup_month"]
CALENDAR = (date(2009, 1, 1), date(2030, 12, 31))  # TLC yellow data starts in 2009
MONEY = ["fare_amount", "extra", "mta_tax", "tip_amount", "tolls_amount", "improvement_surcharge",
         "congestion_surcharge", "airport_fee", "cbd_congestion_fee", "total_amount"]
SURCHARGES_NULL_AS_ZERO = ["extra", "mta_tax", "tip_amount", "tolls_amount", "improvement_surcharge",
                           "congestion_surcharge", "airport_fee", "cbd_congestion_fee"]


def kept(classified: DataFrame) -> DataFrame:
    return classified.filter(F.col(REJECT_COLUMN).isNull()).drop(REJECT_COLUMN)


def rejected(classified: DataFrame) -> DataFrame:
    return classified.filter(F.col(REJECT_COLUMN).isNotNull())


def _ratio(numerator: F.Column, denominator: F.Column) -> F.Column:
    return F.when(denominator > 0, F.round(numerator / denominator, 4))


def fact_trips(clean: DataFrame) -> DataFrame:
    """One row per kept trip, with surrogate keys to the dimensions and derived measures."""
    seconds = duration_seconds()
    df = clean.select(
        F.xxhash64(*NATURAL_KEY).alias("trip_key"),
        "vendor_id",
        F.coalesce("rate_code_id", F.lit(UNKNOWN_RATE_CODE)).alias("rate_code_id"),
        F.col("payment_type").alias("payment_type_id"),
        F.date_format("pickup_datetime", "yyyyMMdd").cast("int").alias("pickup_date_key"),
        F.col("pu_location_id").alias("pickup_location_id"),
        F.col("do_location_id").alias("dropoff_location_id"),
        "pickup_datetime", "dropoff_datetime",
        F.hour("pickup_datetime").alias("pickup_hour"),
        "passenger_count", "store_and_fwd_flag",
        F.col("trip_distance").alias("trip_distance_mi"),
        F.round(seconds / 60, 2).alias("duration_min"),
        F.round(F.col("trip_distance") / (seconds / 3600), 2).alias("speed_mph"),
        *[F.coalesce(c, F.lit(0.0)).alias(c) if c in SURCHARGES_NULL_AS_ZERO else F.col(c) for c in MONEY],
        "source_path",
        F.col("source_year").alias("pickup_year"), F.col("source_month").alias("pickup_month"),
    )
    return (df.withColumn("tip_share", _ratio(F.col("tip_amount"), F.col("total_amount") - F.col("tip_amount")))
              .withColumn("revenue_per_mile", _ratio(F.col("total_amount"), F.col("trip_distance_mi"))))


def mart_daily_zone(fact: DataFrame) -> DataFrame:
    """Trips and revenue per pickup day and pickup zone."""
    return (fact.groupBy(*PARTITION_COLUMNS, "pickup_date_key", "pickup_location_id")
                .agg(F.count("*").alias("trips"),
                     F.sum(F.coalesce("passenger_count", F.lit(0))).alias("passengers"),
                     F.round(F.sum("trip_distance_mi"), 2).alias("distance_mi"),
                     F.round(F.sum("fare_amount"), 2).alias("fare_revenue"),
                     F.round(F.sum("tip_amount"), 2).alias("tip_revenue"),
                     F.round(F.sum("total_amount"), 2).alias("total_revenue"),
                     F.round(F.avg("duration_min"), 2).alias("avg_duration_min")))


def mart_hourly_demand(fact: DataFrame) -> DataFrame:
    """Demand per hour of day (and weekday/weekend) within each month."""
    weekend = F.dayofweek(F.col("pickup_datetime")).isin(1, 7)
    return (fact.withColumn("is_weekend", weekend)
                .groupBy(*PARTITION_COLUMNS, "pickup_hour", "is_weekend")
                .agg(F.count("*").alias("trips"),
                     F.countDistinct("pickup_date_key").alias("days"),
                     F.round(F.avg("duration_min"), 2).alias("avg_duration_min"),
                     F.round(F.avg("speed_mph"), 2).alias("avg_speed_mph"),
                     F.round(F.sum("total_amount"), 2).alias("total_revenue"))
                .withColumn("trips_per_day", F.round(F.col("trips") / F.col("days"), 2)))


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
    return zones_csv.select(F.col("LocationID").cast("int").alias("location_id"),
                            F.col("Borough").alias("borough"), F.col("Zone").alias("zone"),
                            F.col("service_zone").alias("service_zone")).dropDuplicates(["location_id"])


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
