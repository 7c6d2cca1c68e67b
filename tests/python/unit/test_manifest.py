import json
import os

import pytest

from etl.manifest import (
    ManifestWriteError,
    atomic_write_json,
    extracted_paths,
    load_manifest,
    manifest_path,
    run_document,
    update_manifest,
)


def _run(run_id, paths, kind="trips"):
    return {"run_id": run_id, "status": "succeeded",
            "files": [{"kind": kind, "path": p} for p in paths]}


def test_path_follows_env(isolated_state):
    assert manifest_path() == isolated_state / "backup" / "extracted_paths.json"


def test_missing_manifest_reads_as_empty(tmp_path):
    assert load_manifest(tmp_path / "none.json")["runs"] == []


def test_atomic_write_leaves_no_temp_file(tmp_path):
    target = tmp_path / "m.json"
    atomic_write_json(target, {"a": 1})
    assert json.loads(target.read_text()) == {"a": 1}
    assert [p.name for p in tmp_path.iterdir()] == ["m.json"]


def test_failed_write_keeps_previous_content(tmp_path, monkeypatch):
    target = tmp_path / "m.json"
    atomic_write_json(target, {"version": "old"})

    def crash(*_args):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(ManifestWriteError, match=r"cannot write .*m\.json: disk full; it is unchanged\. Free space"):
        atomic_write_json(target, {"version": "new"})
    assert json.loads(target.read_text()) == {"version": "old"}
    assert [p.name for p in tmp_path.iterdir()] == ["m.json"], "the temporary file is removed"


def test_update_appends_runs_and_stamps_time(tmp_path):
    target = tmp_path / "m.json"
    update_manifest(target, lambda doc: doc["runs"].append(_run("r1", ["s3a://b/1"])))
    document = update_manifest(target, lambda doc: doc["runs"].append(_run("r2", ["s3a://b/2"])))
    assert [r["run_id"] for r in load_manifest(target)["runs"]] == ["r1", "r2"]
    assert document["updated_at"] and document["schema_version"] == 1


def test_paths_per_run_and_for_all_runs(tmp_path):
    target = tmp_path / "m.json"
    update_manifest(target, lambda doc: doc["runs"].extend([
        _run("r1", ["s3a://b/2024-01", "s3a://b/2024-02"]),
        _run("r2", ["s3a://b/2024-02", "s3a://b/2024-03"]),
        _run("r2z", ["s3a://b/zones.csv"], kind="zones"),
    ]))
    assert extracted_paths("r2", path=target) == ["s3a://b/2024-02", "s3a://b/2024-03"]
    assert extracted_paths(path=target) == ["s3a://b/2024-01", "s3a://b/2024-02", "s3a://b/2024-03"]
    assert extracted_paths(kind="zones", path=target) == ["s3a://b/zones.csv"]
    assert run_document(load_manifest(target), "r1")["runs"][0]["run_id"] == "r1"
