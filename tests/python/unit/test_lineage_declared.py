"""The column declarations (etl.transform.columns) against what Spark's plan of each gold column reads.

Each gold column is selected alone over Parquet files of conformed rows; the columns the scan still reads
(Spark prunes the rest) are what the column's code reads. They must equal its declaration resolved to
conformed columns: a declaration that names too few or too many columns fails here.
"""
from __future__ import annotations

import pytest
from support_spark import good_trip, spark, trips_frame  # noqa: F401

from etl.lineage.declared import FACT, TRIPS, table_lineage
from etl.transform import columns, model
from etl.transform.schema import TARGET_COLUMNS

FACT_BY_NAME = {c.name: c for c in columns.FACT_COLUMNS}


def columns_read(df) -> set[str]:
    """The columns the file scans under df's physical plan read."""
    leaves = df._jdf.queryExecution().sparkPlan().collectLeaves()
    return {name for i in range(leaves.size()) for name in leaves.apply(i).requiredSchema().fieldNames()}


def conformed(fact_columns) -> set[str]:
    """Fact columns resolved to the conformed columns their declarations read."""
    return {name for column in fact_columns for name in FACT_BY_NAME[column].reads}


@pytest.fixture(scope="module")
def clean(spark, tmp_path_factory):  # noqa: F811
    folder = str(tmp_path_factory.mktemp("conformed") / "rows")
    trips_frame(spark, [good_trip()]).write.parquet(folder)
    return spark.read.parquet(folder)


@pytest.mark.parametrize("declared", columns.FACT_COLUMNS, ids=lambda c: c.name)
def test_a_fact_column_reads_what_it_declares(clean, declared):
    assert columns_read(model.fact_trips(clean).select(declared.name)) == set(declared.reads)


@pytest.mark.parametrize("declared", columns.FACT_MEASURES, ids=lambda c: c.name)
def test_a_fact_measure_reads_what_its_fact_columns_declare(clean, declared):
    assert columns_read(model.fact_trips(clean).select(declared.name)) == conformed(declared.reads)


MART_COLUMNS = [(mart, c) for mart in (columns.MART_DAILY_ZONE, columns.MART_HOURLY_DEMAND) for c in mart.columns()]
FACT_MEASURES = {c.name: c.reads for c in columns.FACT_MEASURES}


def mart_inputs(mart: columns.Mart, names) -> set[str]:
    """A mart's inputs (fact columns and measures, its `before` columns, its own measures) as conformed columns."""
    made_here = {c.name: c.reads for c in (*mart.before, *mart.measures)}
    found: set[str] = set()
    for name in names:
        if name in made_here:
            found |= mart_inputs(mart, made_here[name])
        else:
            found |= conformed(FACT_MEASURES[name]) if name in FACT_MEASURES else set(FACT_BY_NAME[name].reads)
    return found


@pytest.mark.parametrize("mart,declared", MART_COLUMNS, ids=lambda v: getattr(v, "name", ""))
def test_a_mart_column_reads_what_it_declares_and_its_group_keys(clean, mart, declared):
    mart_rows = model.build_mart(model.fact_trips(clean), mart)
    assert columns_read(mart_rows.select(declared.name)) == mart_inputs(mart, [*declared.reads, *mart.keys])


@pytest.mark.parametrize("declared", columns.ZONE_COLUMNS, ids=lambda c: c.name)
def test_a_zone_column_reads_what_it_declares(spark, tmp_path, declared):  # noqa: F811
    folder = str(tmp_path / "zones")  # a new folder: tmp_path exists
    spark.createDataFrame([("1", "EWR", "Newark Airport", "EWR")],
                          ["LocationID", "Borough", "Zone", "service_zone"]).write.parquet(folder)
    zone = model.dim_zone(spark.read.parquet(folder))
    # dropDuplicates(["location_id"]) reads the key for every column
    assert columns_read(zone.select(declared.name)) == set(declared.reads) | {"LocationID"}


def raw_fields(table: str, column: str) -> set[str]:
    lineage = next(c for c in table_lineage()[table] if c.column == column)
    return {s.field for s in lineage.sources if s.kind == TRIPS}


def test_lineage_lists_exactly_the_raw_columns_of_speed_mph_and_tip_share():
    assert raw_fields(FACT, "speed_mph") == {"trip_distance", "tpep_pickup_datetime", "tpep_dropoff_datetime"}
    assert raw_fields(FACT, "tip_share") == {"tip_amount", "total_amount"}
    assert raw_fields(FACT, "pickup_location_id") == {TARGET_COLUMNS["pu_location_id"][0]} == {"PULocationID"}
