"""What a run may skip because gold already holds it (docs/performance.md "Skipping work").

- A whole run: the quality report stores a fingerprint of its inputs (each trip file's and the
  zone table's S3 ETag and size) and of the transform code (the `etl` package sources). A rerun
  whose fingerprint equals the latest successful report's, with every gold table still there,
  would write the same gold again; `etl transform` skips it (``--force`` runs it anyway).
- A small table replaced whole (the dimensions): its Delta commit carries a tag of what it was
  built from (`userMetadata`); when the table's newest commit has the same tag, the write is skipped.
Both checks are a few S3 calls from the driver or from etl.submit, no Spark job."""
from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from etl.contract import gold_tables

PACKAGE_DIR = Path(__file__).resolve().parents[1]  # src/etl
# Every table etl.transform.job writes (config/contract.json goldTables): a skipped run needs them all still in gold.
GOLD_TABLES = list(gold_tables())
_COMMIT = re.compile(r"(\d{20})\.json$")


def _sha256(parts: Iterable[str]) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode())
        digest.update(b"\0")
    return digest.hexdigest()


def code_digest(package_dir: Path = PACKAGE_DIR) -> str:
    """Every .py of the etl package: an edit to clean_and_transform (or what it uses) changes it."""
    sources = sorted(p for p in package_dir.rglob("*.py") if "__pycache__" not in p.parts)
    return _sha256(f"{p.relative_to(package_dir).as_posix()}\0{p.read_text()}" for p in sources)


def _bucket_key(path: str) -> tuple[str, str]:
    bucket, _, key = path.removeprefix("s3a://").partition("/")
    return bucket, key


def object_tag(client, path: str) -> str:
    """ETag and size of an s3a:// object (MinIO's ETag changes with the content)."""
    bucket, key = _bucket_key(path)
    stat = client.stat_object(bucket, key)
    return f"{path} {stat.etag} {stat.size}"


def run_fingerprint(client, trip_paths: list[str], zones_path: str, gold_bucket: str) -> str:
    inputs = [object_tag(client, p) for p in sorted(trip_paths)] + [object_tag(client, zones_path)]
    return _sha256([gold_bucket, *inputs, code_digest()])


def _read(client, bucket: str, key: str) -> bytes:
    response = client.get_object(bucket, key)
    try:
        return response.read()
    finally:
        response.close()
        response.release_conn()


def latest_commit_info(client, bucket: str, table: str) -> dict[str, Any] | None:
    """The commitInfo of a Delta table's newest commit, None when the table has no commit."""
    prefix = f"{table}/_delta_log/"
    versions = [m.group(1) for o in client.list_objects(bucket, prefix=prefix) if (m := _COMMIT.search(o.object_name))]
    if not versions:
        return None
    for line in _read(client, bucket, f"{prefix}{max(versions)}.json").decode().splitlines():
        action = json.loads(line) if line.strip() else {}
        if "commitInfo" in action:
            return action["commitInfo"]
    return {}


RUN_SEPARATOR = " | "  # commit userMetadata of a tagged write: "<run id> | <tag>" (etl restore finds a run's commits)


def committed_last_by(client, bucket: str, run_id: str) -> list[str]:
    """Gold tables whose newest Delta commit is run `run_id`'s (its userMetadata): what that run moved, when it is
    the last writer. The Delta log is the truth where a run's own events may not be (a driver killed between a
    commit and its event)."""
    return [table for table in GOLD_TABLES
            if str((latest_commit_info(client, bucket, table) or {}).get("userMetadata") or "")
            .partition(RUN_SEPARATOR)[0] == run_id]


def commit_metadata(run_id: str, tag: str | None) -> str:
    """A commit's userMetadata: the run that wrote it, then what the table was built from (when tagged)."""
    return f"{run_id}{RUN_SEPARATOR}{tag}" if tag else run_id


def table_holds(client, bucket: str, table: str, tag: str) -> bool:
    info = latest_commit_info(client, bucket, table)
    return info is not None and str(info.get("userMetadata") or "").partition(RUN_SEPARATOR)[2] == tag


def previous_unchanged_run(client, gold_bucket: str, fingerprint: str,
                           tables: list[str] = GOLD_TABLES) -> dict[str, Any] | None:
    """The latest successful report when it has this fingerprint and every gold table is still there."""
    from etl.transform.report import QUALITY_PREFIX

    try:
        report = json.loads(_read(client, gold_bucket, f"{QUALITY_PREFIX}/latest.json"))
    except Exception:  # no report yet (NoSuchKey), or unreadable: run
        return None
    if report.get("status") != "succeeded" or report.get("fingerprint") != fingerprint:
        return None
    if any(latest_commit_info(client, gold_bucket, table) is None for table in tables):
        return None
    return report
