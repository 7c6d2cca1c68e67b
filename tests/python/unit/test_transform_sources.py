"""Inputs of the transform: trip files from the manifest, cheap Parquet checks naming the object."""
from __future__ import annotations

import io

import pytest

from etl.manifest import atomic_write_json, manifest_path
from etl.transform.errors import InputFileError, TransformError
from etl.transform.sources import (
    TripFile,
    check_parquet_object,
    consumed_runs,
    parse_zone_ids,
    trip_bytes,
    trip_files,
    zone_ids,
    zones_path,
)


class FakeObjects:
    """The two minio calls check_parquet_object makes, over in-memory objects."""

    def __init__(self, objects: dict[str, bytes]):
        self.objects = objects

    def stat_object(self, bucket, key):
        if f"{bucket}/{key}" not in self.objects:
            raise FileNotFoundError("NoSuchKey")
        return type("Stat", (), {"size": len(self.objects[f"{bucket}/{key}"])})

    def get_object(self, bucket, key, offset=0, length=0):  # length 0: to the end, as minio
        if f"{bucket}/{key}" not in self.objects:
            raise FileNotFoundError("NoSuchKey")
        body = self.objects[f"{bucket}/{key}"]
        data = io.BytesIO(body[offset:offset + length] if length else body[offset:])
        data.release_conn = lambda: None
        return data


def parquet_like(body: bytes = b"x" * 50, footer: bytes = b"f" * 20) -> bytes:
    return b"PAR1" + body + footer + len(footer).to_bytes(4, "little") + b"PAR1"


def test_parquet_check_names_the_object():
    good = parquet_like()
    client = FakeObjects({"raw/ok.parquet": good, "raw/cut.parquet": good[:40], "raw/tiny.parquet": b"PAR1"})
    assert check_parquet_object(client, "s3a://raw/ok.parquet") == len(good)  # its size sizes the month's shuffle
    for key in ("cut", "tiny", "missing"):
        with pytest.raises(InputFileError, match=f"s3a://raw/{key}.parquet"):
            check_parquet_object(client, f"s3a://raw/{key}.parquet")


def write_manifest(runs):
    atomic_write_json(manifest_path(), {"schema_version": 1, "updated_at": None, "runs": runs})


def entry(kind, month, path):
    return {"kind": kind, "month": month, "path": path}


def test_trip_files_per_run_or_all():
    write_manifest([
        {"run_id": "a", "files": [entry("zones", None, "s3a://r/reference/z.csv"), entry("trips", "2024-02", "s3a://r/feb"),
                                  entry("trips", "2024-01", "s3a://r/jan")]},
        {"run_id": "b", "files": [entry("trips", "2024-01", "s3a://r/jan")]},
    ])
    assert trip_files() == [TripFile(2024, 1, "s3a://r/jan"), TripFile(2024, 2, "s3a://r/feb")]
    assert trip_files("b") == [TripFile(2024, 1, "s3a://r/jan")]
    assert zones_path("b", "r") == "s3a://r/reference/z.csv"  # from an earlier run
    with pytest.raises(TransformError, match="'zz' is not in the manifest"):
        trip_files("zz")


def test_runs_of_another_store_are_left_out_and_named_and_refused_by_id(monkeypatch, caplog):
    """The native and compose stacks share the manifest but not MinIO: a transform reads only the runs stored
    where it reads (a run of the other store failed on its first object, NoSuchKey)."""
    from etl.config import load_settings

    here = load_settings()
    monkeypatch.setenv("RAWZONE_BUCKET", "raw")
    native = {"minio_endpoint": here.minio_url, "bucket": "raw"}
    write_manifest([
        {"run_id": "native", **native, "files": [entry("trips", "2024-01", "s3a://raw/jan")]},
        {"run_id": "compose", "minio_endpoint": "http://minio:9000", "bucket": "raw",
         "files": [entry("trips", "2024-02", "s3a://raw/feb")]},
        {"run_id": "other-bucket", "minio_endpoint": here.minio_url, "bucket": "rawzone-team",
         "files": [entry("trips", "2024-03", "s3a://rawzone-team/mar")]},
        {"run_id": "older", "files": [entry("trips", "2024-04", "s3a://raw/apr")]},  # no store recorded: kept
    ])
    with caplog.at_level("WARNING", logger="etl.transform.sources"):
        assert [f.label for f in trip_files()] == ["2024-01", "2024-04"]
    warning = caplog.text
    assert "left out 2 extraction run(s)" in warning
    assert "compose (http://minio:9000/raw)" in warning and f"other-bucket ({here.minio_url}/rawzone-team)" in warning
    assert consumed_runs() == ["native", "older"]
    with pytest.raises(TransformError, match=r"'compose' was extracted to http://minio:9000/raw, not to "
                                             rf"{here.minio_url}/raw .*extract its months again here"):
        trip_files("compose")


def test_trip_bytes_sum_the_manifest_sizes_of_the_runs_trip_files():
    sized = [{**entry("trips", "2024-01", "s3a://r/jan"), "size": 100},
             {**entry("trips", "2024-02", "s3a://r/feb"), "size": 50},
             {**entry("zones", None, "s3a://r/reference/z.csv"), "size": 7}]
    old = {"run_id": "old", "files": [entry("trips", "2023-12", "s3a://r/dec")]}
    write_manifest([{"run_id": "a", "files": sized}, old])
    assert trip_bytes("a") == 150
    assert trip_bytes() is None  # the old run's file has no recorded size


def test_empty_manifest_says_extract_first():
    with pytest.raises(TransformError, match="etl extract"):
        trip_files()


def test_consumed_runs_are_the_extractions_with_trip_files():
    """The report's extract_runs: how the VS Code Runs view joins a transform to its extraction."""
    write_manifest([
        {"run_id": "zones-only", "files": [entry("zones", None, "s3a://r/reference/z.csv")]},
        {"run_id": "a", "files": [entry("trips", "2024-01", "s3a://r/jan")]},
        {"run_id": "b", "files": [entry("trips", "2024-02", "s3a://r/feb")]},
    ])
    assert consumed_runs() == ["a", "b"]
    assert consumed_runs("b") == ["b"]


def test_zone_ids_are_the_first_column_of_the_committed_zone_table():
    from etl.config import PROJECT_ROOT

    text = (PROJECT_ROOT / "Data_extracted" / "taxi_zone_lookup.csv").read_text()
    assert parse_zone_ids(text) == list(range(1, 266))  # 264 "Unknown" and 265 "Outside of NYC" included


def test_zone_ids_read_quoted_fields_a_byte_order_mark_and_skip_what_is_not_an_id():
    text = '"LocationID","Borough","Zone","service_zone"\r\n"7","Queens","Astoria, North","Boro Zone"\r\n' \
           '"N/A","x","y","z"\r\n\r\n3,Bronx,Allerton,Boro Zone\r\n'
    client = FakeObjects({"rawzone/reference/zones.csv": "\ufeff".encode() + text.encode()})
    assert zone_ids(client, "s3a://rawzone/reference/zones.csv") == [3, 7]


def test_a_missing_or_empty_zone_table_says_how_to_get_one():
    client = FakeObjects({"rawzone/reference/empty.csv": b"LocationID,Borough,Zone,service_zone\n"})
    with pytest.raises(InputFileError, match=r"cannot read the zone table s3a://rawzone/reference/gone.csv "
                                             r"\(NoSuchKey\); extract it with `etl extract`"):
        zone_ids(client, "s3a://rawzone/reference/gone.csv")
    with pytest.raises(InputFileError, match="lists no LocationID: every trip would be rejected as unknown_zone"):
        zone_ids(client, "s3a://rawzone/reference/empty.csv")
