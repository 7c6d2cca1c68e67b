"""Every schema variant of the TLC files conforms to the one target schema."""
from __future__ import annotations

import re

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from support_spark import spark  # noqa: F401  (fixture)

from etl.extract.months import Month
from etl.sample.generator import generate_month
from etl.sample.schema import VARIANTS
from etl.transform.errors import InputFileError
from etl.transform.schema import TARGET_COLUMNS, conform, target_schema
from etl.transform.sources import read_zones

MONTH = Month(2024, 1)


@pytest.fixture(scope="module")
def variant_files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("variants")
    paths = {}
    for name, variant in VARIANTS.items():
        paths[name] = folder / f"{name}.parquet"
        pq.write_table(generate_month(MONTH, 300, seed=5, variant=variant), paths[name])
    return paths


def test_every_variant_conforms_to_the_target_schema(spark, variant_files):  # noqa: F811
    frames = {name: conform(spark.read.parquet(str(path)), str(path), 2024, 1) for name, path in variant_files.items()}
    for frame in frames.values():
        assert frame.schema == target_schema()
    reference = frames["2024"].drop("source_path", "cbd_congestion_fee").collect()
    for name in ("legacy", "2023", "2025"):  # ns vs us, double vs int, airport_fee case
        assert frames[name].drop("source_path", "cbd_congestion_fee").collect() == reference, name


def test_new_and_missing_columns(spark, variant_files):  # noqa: F811
    old = conform(spark.read.parquet(str(variant_files["2024"])), "x", 2024, 1)
    new = conform(spark.read.parquet(str(variant_files["2025"])), "y", 2024, 1)
    assert old.filter("cbd_congestion_fee IS NOT NULL").count() == 0
    assert new.filter("cbd_congestion_fee IS NOT NULL").count() == 300
    assert old.filter("airport_fee > 0").count() > 0
    assert old.unionByName(new).count() == 600


def _one_column_file(folder, name: str, values: pa.Array) -> str:
    path = folder / f"{name}.parquet"
    pq.write_table(pa.table({name: values}), path)
    return str(path)


def test_values_that_are_not_their_type_become_null_for_the_rules_to_quarantine(spark, tmp_path):  # noqa: F811
    columns = {
        "VendorID": pa.array(["2", "n/a"]),
        "tpep_pickup_datetime": pa.array(["2024-01-01 00:10:00", "yesterday"]),
        "PULocationID": pa.array([161.0, 1e30]),  # overflows an int: an ANSI cast would fail the run
        "total_amount": pa.array(["18.25", "<b>free</b>"]),
    }
    for name, values in columns.items():
        path = _one_column_file(tmp_path, name, values)
        target = next(t for t, (source, _) in TARGET_COLUMNS.items() if source == name)
        rows = conform(spark.read.parquet(path), path, 2024, 1).select(target).collect()
        assert rows[1][0] is None, name
        assert rows[0][0] is not None, name


@pytest.mark.parametrize("name, values, shown", [
    ("tpep_dropoff_datetime", pa.array([1, 2], pa.int32()), "int"),
    ("DOLocationID", pa.array([[1], [2]]), "array<bigint>"),
    ("total_amount", pa.array([b"1", b"2"]), "binary"),
    ("passenger_count", pa.array([{"a": 1}, {"a": 2}]), "struct<a:bigint>"),
])
def test_a_column_of_another_kind_fails_its_file_by_name(spark, tmp_path, name, values, shown):  # noqa: F811
    path = _one_column_file(tmp_path, name, values)
    with pytest.raises(InputFileError, match=rf"column {name} of {re.escape(path)} is {re.escape(shown)}, which "
                                             r"cannot be read as .*re-extract that month with `etl extract`"):
        conform(spark.read.parquet(path), path, 2024, 1)


@pytest.mark.parametrize("body", [
    '\ufeffLocationID,Borough,Zone,service_zone\r\n1,EWR,Newark Airport,EWR\r\n2,Queens,"Jamaica Bay, North",Boro\r\n',
    'LocationID,Borough,Zone,service_zone,extra\n1,EWR,Newark Airport,EWR,x\n2,Queens,"Jamaica Bay, North",Boro,y\n',
])
def test_zone_table_variants_read_the_same(spark, tmp_path, body):  # noqa: F811
    path = tmp_path / "zones.csv"
    path.write_bytes(body.encode())
    rows = [tuple(r) for r in read_zones(spark, str(path)).collect()]
    assert rows == [("1", "EWR", "Newark Airport", "EWR"), ("2", "Queens", "Jamaica Bay, North", "Boro")]


def test_zone_table_with_columns_fewer_reads_them_as_null(spark, tmp_path):  # noqa: F811
    path = tmp_path / "zones.csv"
    path.write_text("LocationID,Borough\n1,EWR\n")
    assert [tuple(r) for r in read_zones(spark, str(path)).collect()] == [("1", "EWR", None, None)]
