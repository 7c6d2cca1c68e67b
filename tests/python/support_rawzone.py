"""What the extraction fault cells compare: a rawzone object's state and the manifest, read back as a user would."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import jsonschema

from etl.config import PROJECT_ROOT
from etl.extract.layout import trip_key
from etl.extract.months import parse_month

MANIFEST_SCHEMA = json.loads((PROJECT_ROOT / "config" / "extracted_paths.schema.json").read_text())


def month_key(month: str) -> str:
    return trip_key(parse_month(month))  # the product's layout: not what the cells test


def object_state(minio, bucket: str, key: str) -> tuple | None:
    """(etag, size, sha256) of the stored object, None when it is absent."""
    try:
        stat = minio.stat_object(bucket, key)
    except Exception:  # noqa: BLE001  (absent)
        return None
    body = minio.get_object(bucket, key)
    try:
        data = body.read()
    finally:
        body.close()
        body.release_conn()
    return stat.etag, stat.size, hashlib.sha256(data).hexdigest()


def is_whole(state: tuple | None, body: bytes) -> bool:
    return state is not None and state[1:] == (len(body), hashlib.sha256(body).hexdigest())


def manifest_of(isolated_state: Path) -> dict:
    """The manifest, which must parse and match its schema whatever happened."""
    document = json.loads((isolated_state / "backup" / "extracted_paths.json").read_text())
    jsonschema.validate(document, MANIFEST_SCHEMA)
    return document


def manifest_run(document: dict, run_id: str) -> dict | None:
    return next((r for r in document["runs"] if r["run_id"] == run_id), None)


def commit_earlier_month(month: str, body: bytes, minio, settings, http_server, cli_env, isolated_state):
    """An earlier run (`committed-<year>`) stores `month` from the scripted source. Returns the source arguments of
    the CLI, that object's state and that run's manifest entry: what a faulted run later must leave untouched."""
    from support_cli import run_cli
    from support_http import Ok

    source = ["--source", http_server.base_url + "/{YYYY}-{MM}.parquet", "--no-zones"]
    http_server.route(f"/{month}.parquet", Ok(body))
    run_id = f"committed-{month[:4]}"
    first = run_cli(["--months", month, *source, "--run-id", run_id], cli_env)
    assert first.returncode == 0, first.stderr
    return (source, object_state(minio, settings.rawzone_bucket, month_key(month)),
            manifest_run(manifest_of(isolated_state), run_id))


FOREIGN_RUN = "pytest-sample-compose"


def foreign_run(run: dict) -> dict:
    """A copy of a manifest run recorded in another store (the compose stack's MinIO): a transform leaves it out."""
    return {**run, "run_id": FOREIGN_RUN, "store": {**run["store"], "id": "another-store", "mode": "compose"},
            "files": [{**run["files"][-1], "path": f"s3a://{run['bucket']}/nowhere"}]}
