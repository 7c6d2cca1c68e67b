"""Inputs of the transform: trip files from the manifest, cheap Parquet checks naming the object."""
from __future__ import annotations

import io

import pytest

from etl.manifest import atomic_write_json, manifest_path
from etl.transform import sources, stores
from etl.transform.errors import ForeignStoreError, InputFileError, TransformError
from etl.transform.sources import (
    TripFile,
    check_parquet_object,
    consumed_runs,
    left_out_runs,
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


@pytest.fixture
def fresh_stores(monkeypatch):
    """No store id nor left-out line remembered from another test (each is kept once per process)."""
    monkeypatch.setattr(stores, "_STORE_IDS", {})
    monkeypatch.setattr(sources, "_WARNED", set())


def test_older_runs_of_another_endpoint_or_bucket_are_left_out_and_named_and_refused_by_id(monkeypatch, caplog,
                                                                                         fresh_stores):
    """Runs of manifests written before runs recorded their store: judged by endpoint and bucket."""
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
    assert "compose (http://minio:9000, bucket raw)" in warning
    assert f"other-bucket ({here.minio_url}, bucket rawzone-team)" in warning
    assert consumed_runs() == ["native", "older"]
    with pytest.raises(ForeignStoreError, match=r"'compose' was stored elsewhere \(http://minio:9000, bucket raw\) "
                                                rf"than where this transform reads \(native, {here.minio_url}, "
                                                r"bucket raw\).*extract its months again here"):
        trip_files("compose")


def store(store_id: str, mode: str, endpoint: str = "http://127.0.0.1:9000") -> dict:
    return {"id": store_id, "endpoint": endpoint, "mode": mode}


def test_runs_are_told_apart_by_their_store_id_even_on_one_endpoint(monkeypatch, caplog, fresh_stores):
    """The native and compose MinIOs answer on the same host:port: the store id tells them apart. A transform of
    every run leaves the other store's out, once in the log (however often the driver selects), and names it."""
    monkeypatch.setenv("RAWZONE_BUCKET", "rawzone")
    monkeypatch.setenv("ETL_STACK_MODE", "native")
    monkeypatch.setattr(stores, "this_store_id", lambda: "id-native")
    url = stores.this_store().endpoint
    write_manifest([
        {"run_id": "r-native", "store": store("id-native", "native", url), "minio_endpoint": url,
         "files": [entry("trips", "2024-01", "s3a://rawzone/jan")]},
        {"run_id": "r-compose", "store": store("id-compose", "compose", url), "minio_endpoint": url,
         "files": [entry("trips", "2024-02", "s3a://rawzone/feb")]},
        {"run_id": "r-older", "files": [entry("trips", "2024-03", "s3a://rawzone/mar")]},
    ])
    with caplog.at_level("WARNING", logger="etl.transform.sources"):
        assert [f.label for f in trip_files()] == ["2024-01", "2024-03"]
        assert consumed_runs() == ["r-native", "r-older"]
    line = (f"left out 1 extraction run(s) stored elsewhere than where this transform reads (native, {url}, "
            f"bucket rawzone): r-compose (compose, {url})")
    assert [r.getMessage() for r in caplog.records] == [line]
    assert left_out_runs() == line and left_out_runs("r-native") is None
    with pytest.raises(ForeignStoreError, match=rf"'r-compose' was stored elsewhere \(compose, {url}\).*"
                                                r"`etl transform --mode compose`"):
        trip_files("r-compose")


def test_every_run_of_another_store_is_a_usage_error_saying_what_to_do(monkeypatch, capsys, fresh_stores):
    monkeypatch.setattr(stores, "this_store_id", lambda: None)  # nothing extracted to this store yet
    monkeypatch.setenv("ETL_STACK_MODE", "native")
    write_manifest([{"run_id": "r-compose", "store": store("id-compose", "compose"),
                     "files": [entry("trips", "2024-02", "s3a://rawzone/feb")]}])
    with pytest.raises(ForeignStoreError, match=r"every extraction run in the manifest \(1\) was stored elsewhere "
                                                r"\(compose, http://127.0.0.1:9000\).*extract months in this mode "
                                                r"first \(`etl extract`\), or .*`etl transform --mode compose`"):
        trip_files()
    from etl.submit import main

    assert main([]) == 2  # before any Spark start-up, as a usage error
    err = capsys.readouterr().err
    assert err.startswith("etl transform: error: every extraction run") and "Traceback" not in err


def test_a_profile_store_is_named_by_its_profile(monkeypatch, fresh_stores):
    monkeypatch.setattr(stores, "this_store_id", lambda: "id-native")
    write_manifest([{"run_id": "r-team", "store": store("id-team", "profile:team", "https://s3.team.example"),
                     "files": [entry("trips", "2024-02", "s3a://rawzone/feb")]}])
    with pytest.raises(ForeignStoreError, match=r"\(profile:team, https://s3.team.example\).*ETL_PROFILE=team"):
        trip_files("r-team")


def test_the_stack_mode_a_run_records(monkeypatch):
    from dataclasses import replace

    from etl.config import load_settings
    from etl.store_identity import stack_mode, store_record

    settings = load_settings()
    monkeypatch.setenv("ETL_STACK_MODE", "compose")  # what the CLI and VS Code pass, resolved
    assert stack_mode(settings) == "compose"
    monkeypatch.setenv("ETL_STACK_MODE", "auto")  # not resolved: the process reaches MinIO on this host
    assert stack_mode(settings) == "native"
    assert stack_mode(replace(settings, minio_host="minio")) == "compose"  # the compose runner
    assert stack_mode(replace(settings, s3_external=True, profile="team")) == "profile:team"
    assert store_record(settings, "id-1") == {"id": "id-1", "endpoint": settings.minio_url, "mode": "native"}


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
