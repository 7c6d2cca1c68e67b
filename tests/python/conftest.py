"""Shared fixtures. Integration tests use the REAL MinIO named by load_settings()
(.env + environment, e.g. MINIO_API_PORT=19000), in a bucket of their own that is
removed at the end, with manifest, logs and locks in a temporary folder.

`minio` signs in with the ETL's key (what the code under test uses); buckets are made
and removed with `admin` (MINIO_ROOT_USER), since the ETL's key may not."""
from __future__ import annotations

import os
import secrets
import threading
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from support_buckets import admin_client, temporary_bucket
from support_http import ScriptedServer
from support_rawzone import foreign_run
from support_spark_stack import JobRun, download, run_submit

from etl.config import PROJECT_ROOT, load_settings
from etl.extract.layout import sample_source
from etl.extract.run import extract_months
from etl.extract.store import make_client
from etl.manifest import manifest_path, update_manifest


@pytest.fixture(autouse=True)
def isolated_state(tmp_path, monkeypatch) -> Path:
    """Manifest, logs and locks of every test go to its own tmp folder."""
    for name, sub in (("ETL_BACKUP_DIR", "backup"), ("ETL_LOG_DIR", "logs"), ("ETL_LOCK_DIR", "locks")):
        monkeypatch.setenv(name, str(tmp_path / sub))
    return tmp_path


@pytest.fixture(scope="session")
def base_settings():
    return load_settings()


@pytest.fixture(scope="session")
def admin(base_settings):
    """A client signed in as MinIO's root user: only for making and removing buckets."""
    return admin_client(base_settings)


@pytest.fixture(scope="session")
def minio(base_settings, admin):
    """A client of the real MinIO with the ETL's key; the stack's rawzone/gold buckets exist."""
    for bucket in (base_settings.rawzone_bucket, base_settings.gold_bucket):
        if not admin.bucket_exists(bucket):
            admin.make_bucket(bucket)
    return make_client(base_settings)


@pytest.fixture(scope="session")
def test_bucket(admin):
    """A bucket only this session uses; emptied and removed afterwards."""
    yield from temporary_bucket(admin, "rawzone-pytest")


@pytest.fixture
def settings(base_settings, test_bucket):
    return replace(base_settings, rawzone_bucket=test_bucket)


@dataclass(frozen=True)
class PublishedSample:
    env: dict[str, str]  # etl.submit's environment: the scratch buckets and state folder, EXTRACT_RUN, STDERR_DIR
    first: JobRun  # the transform that published it
    gold_copy: Path  # the gold it wrote, downloaded right after


@pytest.fixture(scope="session")
def published_sample(tmp_path_factory, base_settings, admin, minio) -> PublishedSample:
    """The bundled sample (2024-01..02) extracted into scratch buckets and transformed once (a real spark-submit),
    with a copy of the gold it wrote. The manifest also holds a run of another store (FOREIGN_RUN), left out.
    The transform's integration tests and the fault matrix share it: npm test runs them in one session, the
    integration tests first (they compare with the copy; the matrix then changes gold)."""
    raw_bucket, gold_bucket = temporary_bucket(admin, "rawzone-pytest"), temporary_bucket(admin, "gold-pytest")
    raw, gold = next(raw_bucket), next(gold_bucket)
    state = tmp_path_factory.mktemp("published-sample")
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT / "src"), "RAWZONE_BUCKET": raw, "GOLD_BUCKET": gold,
           "ETL_BACKUP_DIR": str(state / "backup"), "ETL_LOG_DIR": str(state / "logs"),
           "ETL_LOCK_DIR": str(state / "locks"), "STDERR_DIR": str(state)}
    with pytest.MonkeyPatch.context() as patch:
        for key in ("ETL_BACKUP_DIR", "ETL_LOCK_DIR", "ETL_LOG_DIR"):
            patch.setenv(key, env[key])
        env["EXTRACT_RUN"] = f"sample-{secrets.token_hex(3)}"
        extract_months("2024-01..2024-02", sample_source(), run_id=env["EXTRACT_RUN"],
                       settings=replace(base_settings, rawzone_bucket=raw))
        update_manifest(manifest_path(), lambda document: document["runs"].append(foreign_run(document["runs"][0])))
    # Every run of the manifest (no --run): the one of another store is left out (test_store_identity_integration).
    first = run_submit(env, state / "first.err", "--run-id", f"first-{secrets.token_hex(3)}")
    assert first.returncode == 0, first.stderr[-3000:]
    yield PublishedSample(env, first, download(minio, gold, tmp_path_factory.mktemp("gold-first")))
    for bucket in (raw_bucket, gold_bucket):
        next(bucket, None)  # empties and removes it


@pytest.fixture
def http_server():
    server = ScriptedServer()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def cli_env(settings, isolated_state) -> dict[str, str]:
    """Environment for `python -m etl.extract` subprocesses: same MinIO, test bucket, tmp state."""
    env = dict(os.environ)
    env.update(PYTHONPATH=str(PROJECT_ROOT / "src"), RAWZONE_BUCKET=settings.rawzone_bucket,
               MINIO_API_PORT=str(settings.minio_api_port))
    return env


def pytest_collection_modifyitems(config, items):
    """The folder is the tier: everything in integration/ needs the stack (so `-m "not integration"` still works),
    and a unit test that asks for the stack is a misplaced file, refused at collection."""
    for item in items:
        tier = item.path.parent.name
        if tier != "unit":  # integration/, faults/: the stack
            item.add_marker(pytest.mark.integration)
        elif tier == "unit" and item.get_closest_marker("integration"):
            raise pytest.UsageError(f"{item.nodeid} needs the stack: move it to tests/python/integration/")
