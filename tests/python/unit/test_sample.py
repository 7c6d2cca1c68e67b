import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from etl.extract.months import Month
from etl.sample.__main__ import main as sample_main
from etl.sample.generator import generate_month, write_month
from etl.sample.schema import VARIANTS, variant_for
from etl.sample.trips import month_bounds_us

JAN = Month(2024, 1)


@pytest.fixture(scope="module")
def january():
    return generate_month(JAN, 20_000, seed=42)


def test_same_seed_same_bytes(tmp_path):
    first = write_month(tmp_path / "a", JAN, 2_000, seed=7).read_bytes()
    second = write_month(tmp_path / "b", JAN, 2_000, seed=7).read_bytes()
    assert first == second


def test_other_seed_other_data():
    assert not generate_month(JAN, 2_000, seed=1).equals(generate_month(JAN, 2_000, seed=2))


def test_committed_sample_is_reproducible(tmp_path):
    from etl.config import PROJECT_ROOT

    assert sample_main(["--out", str(tmp_path), "--months", "2024-01..2024-02", "--rows", "20000", "--seed", "42"]) == 0
    for name in ("yellow_tripdata_2024-01.parquet", "yellow_tripdata_2024-02.parquet"):
        assert (tmp_path / name).read_bytes() == (PROJECT_ROOT / "Data_extracted" / name).read_bytes()


def test_value_domains(january):
    assert set(pc.unique(january["VendorID"]).to_pylist()) <= {1, 2, 6, 7}
    assert set(pc.unique(january["RatecodeID"]).drop_null().to_pylist()) <= {1, 2, 3, 4, 5, 6, 99}
    assert set(pc.unique(january["payment_type"]).to_pylist()) <= {0, 1, 2, 3, 4, 5, 6}
    assert set(pc.unique(january["store_and_fwd_flag"]).drop_null().to_pylist()) == {"N", "Y"}
    assert pc.min(january["PULocationID"]).as_py() >= 1 and pc.max(january["PULocationID"]).as_py() <= 265
    median_distance = np.median(january["trip_distance"].to_numpy())
    assert 1.0 < median_distance < 4.0  # NYC trips are short


def _count(mask) -> int:
    return pc.sum(pc.cast(mask, pa.int64())).as_py() or 0


def test_dirty_rows_are_present_but_few(january):
    rows = january.num_rows
    start, end = month_bounds_us(JAN)
    pickup = january["tpep_pickup_datetime"].cast(pa.int64())
    counts = {
        "zero_distance": _count(pc.equal(january["trip_distance"], 0.0)),
        "negative_total": _count(pc.less(january["total_amount"], 0.0)),
        "dropoff_before_pickup": _count(pc.less(january["tpep_dropoff_datetime"], january["tpep_pickup_datetime"])),
        "out_of_month": _count(pc.or_(pc.less(pickup, start), pc.greater_equal(pickup, end))),
        "unknown_zone": _count(pc.greater_equal(january["PULocationID"], 264)),
        "null_passengers": january["passenger_count"].null_count,
        "null_ratecode": january["RatecodeID"].null_count,
    }
    assert all(count > 0 for count in counts.values()), counts
    assert sum(counts.values()) < rows * 0.08, counts


@pytest.mark.parametrize("name, airport, ts_unit, passenger_type, cbd", [
    ("legacy", "airport_fee", "ns", pa.float64(), False),
    ("2023", "airport_fee", "us", pa.float64(), False),
    ("2024", "Airport_fee", "us", pa.int64(), False),
    ("2025", "Airport_fee", "us", pa.int64(), True),
])
def test_schema_variants(tmp_path, name, airport, ts_unit, passenger_type, cbd):
    path = write_month(tmp_path, JAN, 500, seed=1, variant_name=name)
    schema = pq.read_schema(path)
    assert airport in schema.names
    assert schema.field("tpep_pickup_datetime").type == pa.timestamp(ts_unit)
    assert schema.field("passenger_count").type == passenger_type
    assert ("cbd_congestion_fee" in schema.names) is cbd


def test_auto_variant_follows_the_year():
    assert variant_for(2019).name == "legacy"
    assert variant_for(2024).name == "2024"
    assert variant_for(2026).name == "2025"
    assert set(VARIANTS) == {"legacy", "2023", "2024", "2025"}


def test_ns_variant_keeps_the_same_instants():
    us = generate_month(JAN, 300, seed=3, variant=VARIANTS["2024"])
    ns = generate_month(JAN, 300, seed=3, variant=VARIANTS["legacy"])
    assert us["tpep_pickup_datetime"].cast(pa.int64()).to_pylist() == [
        v // 1000 for v in ns["tpep_pickup_datetime"].cast(pa.int64()).to_pylist()]
