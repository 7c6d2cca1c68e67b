"""What makes a downloaded file fit to become a month's object (etl.extract.validate)."""
from __future__ import annotations

import re

import pyarrow as pa
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
    with pytest.raises(InvalidSource, match="does not start with the LocationID column"):
        check_zones_file(path, path.stat().st_size)


ZONE_ROWS = '1,"EWR","Newark Airport","EWR"\n2,"Queens","Jamaica Bay, North","Boro Zone"\n'


@pytest.mark.parametrize("body", [
    "\ufeffLocationID,Borough,Zone,service_zone\n" + ZONE_ROWS,  # a byte order mark
    ('"LocationID","Borough","Zone","service_zone"\n' + ZONE_ROWS).replace("\n", "\r\n"),  # CRLF, quoted
    "LocationID,Borough,Zone,service_zone,extra\n1,EWR,Newark Airport,EWR,x\n",  # a column more
    "LocationID,Borough\n1,EWR\n",  # columns fewer: the transform reads them as null
])
def test_zone_table_variants_pass(tmp_path, body):
    path = tmp_path / "zones.csv"
    path.write_bytes(body.encode())
    check_zones_file(path, path.stat().st_size)


@pytest.mark.parametrize("body, what", [
    ("", "is empty"),
    ("Borough,LocationID,Zone,service_zone\nEWR,1,Newark Airport,EWR\n", "does not start with the LocationID"),
    ("\n1,EWR,Newark Airport,EWR\n", "does not start with the LocationID"),
])
def test_zone_table_without_its_first_column_is_refused(tmp_path, body, what):
    path = tmp_path / "zones.csv"
    path.write_bytes(body.encode())
    with pytest.raises(InvalidSource, match=what):
        check_zones_file(path, path.stat().st_size)


def _trips_with(tmp_path, **replace):
    import pyarrow.parquet as pq

    table = pq.read_table(SAMPLE / "yellow_tripdata_2024-01.parquet").slice(0, 10)
    for name, values in replace.items():
        index = table.column_names.index(name)
        table = table.set_column(index, name, values(len(table)))
    path = tmp_path / "trips.parquet"
    pq.write_table(table, path)
    return path


def test_a_renamed_trip_column_is_refused_by_name(tmp_path):
    import pyarrow.parquet as pq

    table = pq.read_table(SAMPLE / "yellow_tripdata_2024-01.parquet").slice(0, 10)
    path = tmp_path / "renamed.parquet"
    pq.write_table(table.rename_columns(["pickup_time" if c == "tpep_pickup_datetime" else c
                                         for c in table.column_names]), path)
    with pytest.raises(InvalidSource, match=r"lacks the trip column\(s\) tpep_pickup_datetime \(its columns: "):
        _check(path)


@pytest.mark.parametrize("name, make, what", [
    ("total_amount", lambda n: pa.array([b"x"] * n), "total_amount is binary, not a number"),
    ("tpep_pickup_datetime", lambda n: pa.array([1] * n, "int32"),
     "tpep_pickup_datetime is int32, not a time"),
    ("PULocationID", lambda n: pa.array([[1]] * n), "PULocationID is list<"),
])
def test_a_retyped_trip_column_is_refused_by_name(tmp_path, name, make, what):
    with pytest.raises(InvalidSource, match=re.escape(what)):
        _check(_trips_with(tmp_path, **{name: make}))


def test_trip_columns_as_text_or_wider_numbers_pass(tmp_path):
    _check(_trips_with(tmp_path, VendorID=lambda n: pa.array(["2"] * n), total_amount=lambda n: pa.array([1] * n)))
