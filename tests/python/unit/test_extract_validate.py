"""What makes a downloaded file fit to become a month's object (etl.extract.validate)."""
from __future__ import annotations

import pytest
from support_parquet import trip_parquet

from etl.config import PROJECT_ROOT
from etl.extract.errors import InvalidSource
from etl.extract.validate import TRIP_COLUMNS, check_trip_file, check_zones_file

SAMPLE = PROJECT_ROOT / "Data_extracted"


def _check(path):
    check_trip_file(path, path.stat().st_size)


def test_the_trip_columns_are_what_the_transform_requires():
    from etl.transform.rules import REQUIRED
    from etl.transform.schema import TARGET_COLUMNS

    assert set(TRIP_COLUMNS) == {TARGET_COLUMNS[name][0] for name in REQUIRED}


def test_the_sample_months_and_the_zone_table_pass():
    for month in ("2024-01", "2024-02"):
        _check(SAMPLE / f"yellow_tripdata_{month}.parquet")
    zones = SAMPLE / "taxi_zone_lookup.csv"
    check_zones_file(zones, zones.stat().st_size)


def test_column_names_match_whatever_their_case(tmp_path):
    import pyarrow.parquet as pq

    path = tmp_path / "upper.parquet"
    table = pq.read_table(SAMPLE / "yellow_tripdata_2024-01.parquet")
    pq.write_table(table.rename_columns([c.upper() for c in table.column_names]), path)
    _check(path)


@pytest.mark.parametrize("body, what", [
    (b"", "is empty"),
    (b"<html>not found</html>", "is not a Parquet file"),
    (b"PAR1" + b"\0" * 40, "is cut short"),
    (b"PAR1" + b"\0" * 40 + b"PAR1", "footer cannot be read"),
])
def test_bad_bytes_are_refused_with_what_is_wrong(tmp_path, body, what):
    path = tmp_path / "bad.parquet"
    path.write_bytes(body)
    with pytest.raises(InvalidSource, match=what):
        _check(path)


def test_a_footer_pointing_past_a_cut_body_is_refused(tmp_path):
    data = trip_parquet(rows=2000)
    footer_length = int.from_bytes(data[-8:-4], "little")
    path = tmp_path / "glued.parquet"
    path.write_bytes(data[:4] + data[len(data) // 2: -(footer_length + 8)][:100] + data[-(footer_length + 8):])
    with pytest.raises(InvalidSource, match="lies outside the file"):
        _check(path)


def test_a_zone_table_must_have_its_header(tmp_path):
    path = tmp_path / "zones.csv"
    path.write_text("hello\n")
    with pytest.raises(InvalidSource, match="no LocationID column"):
        check_zones_file(path, path.stat().st_size)
