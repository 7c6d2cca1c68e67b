"""Every schema variant of the TLC files conforms to the one target schema."""
from __future__ import annotations

import pyarrow.parquet as pq
import pytest
from support_spark import spark  # noqa: F401  (fixture)

from etl.extract.months import Month
from etl.sample.generator import generate_month
from etl.sample.schema import VARIANTS
from etl.transform.schema import conform, target_schema

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
