"""Fault matrix, a full disk: MinIO's drive and the manifest's folder, each on a small tmpfs this file mounts.

A full drive refuses the write whole: the extract says which store is full and what to do, stores no part of the
file, keeps what an earlier run stored, and succeeds once space returns; the transform says which store and table,
commits nothing, and a rerun with space back publishes the same gold. A second MinIO (the stack's own binary, a
root user made here) serves the small drive, so the stack's MinIO is never filled."""
from __future__ import annotations

import io
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest
from minio import Minio
from support_cli import etl_cli
from support_ports import unused_port
from support_spark_stack import run_submit, wait_until

from etl.config import PROJECT_ROOT
from etl.delta_snapshot import s3_snapshot
from etl.extract.layout import trip_key
from etl.extract.months import Month
from etl.extract.store import incomplete_uploads

BUCKET = "rawzone"


def mounted_tmpfs(path: Path, size: str) -> Path:
    assert os.geteuid() == 0, "the disk-full cells mount a small tmpfs: run the fault matrix as root (CI does)"
    path.mkdir(parents=True)
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)], check=True,
                   capture_output=True, text=True)
    return path


def unmount(path: Path) -> None:
    subprocess.run(["umount", "-l", str(path)], check=False, capture_output=True)


def fill(folder: Path, leave: int = 0) -> Path:
    """A filler file taking all but `leave` bytes of the file system's free space."""
    filler = folder / "filler"
    free = os.statvfs(folder).f_bavail * os.statvfs(folder).f_frsize
    with open(filler, "wb") as handle:
        chunk = b"\0" * (1 << 20)
        remaining = max(free - leave, 0)
        while remaining > 0:
            try:
                remaining -= handle.write(chunk[:remaining])
            except OSError:
                break  # full already
    return filler


@pytest.fixture
def small_minio(tmp_path):
    """A real MinIO whose only drive is a 48 MB tmpfs; yields (client, environment for `etl.extract`, drive)."""
    drive = mounted_tmpfs(tmp_path / "drive", "48m")
    port, user, password = unused_port(), "diskfull", secrets.token_hex(12)
    which = etl_cli("which", "minio")
    assert which.returncode == 0, which.stderr
    binary = which.stdout.strip()
    server = subprocess.Popen(
        [binary, "server", str(drive / "data"), "--address", f"127.0.0.1:{port}", "--console-address",
         f"127.0.0.1:{unused_port()}"], env={**os.environ, "MINIO_ROOT_USER": user, "MINIO_ROOT_PASSWORD": password},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    client = Minio(f"127.0.0.1:{port}", user, password, secure=False)
    try:
        wait_until(lambda: _answers(client), 60, "the small MinIO to answer")
        client.make_bucket(BUCKET)
        state = tmp_path / "state"
        env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT / "src"), "MINIO_API_PORT": str(port),
               "MINIO_ACCESS_KEY": user, "MINIO_SECRET_KEY": password, "RAWZONE_BUCKET": BUCKET,
               "ETL_BACKUP_DIR": str(state / "backup"), "ETL_LOG_DIR": str(state / "logs"),
               "ETL_LOCK_DIR": str(state / "locks")}
        yield client, env, drive
    finally:
        server.terminate()
        server.wait(30)
        unmount(drive)


def _answers(client: Minio) -> bool:
    try:
        client.list_buckets()
        return True
    except Exception:  # noqa: BLE001 - starting
        return False


def extract(env: dict[str, str], month: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "etl.extract", "--months", month, "--sample", "--no-zones"],
                          env=env, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=300)


def manifest_of(env: dict[str, str]) -> Path:
    return Path(env["ETL_BACKUP_DIR"]) / "extracted_paths.json"


def stored(client: Minio) -> dict[str, str]:
    return {o.object_name: o.etag for o in client.list_objects(BUCKET, recursive=True)
            if not o.object_name.startswith("_")}


@pytest.mark.cell(component="MinIO", fault="disk full", phase="transfer")
def test_a_full_drive_refuses_the_month_whole_says_so_and_recovers(small_minio):
    client, env, drive = small_minio
    earlier = extract(env, "2024-02")
    assert earlier.returncode == 0, earlier.stderr[-2000:]
    before, manifest_before = stored(client), manifest_of(env).read_text()
    filler = fill(drive, leave=200_000)  # room for part of the 530 kB month
    # Until MinIO reads its drive's free space again (a second or two) it takes the write and fills midway;
    # from then on it refuses it whole. Either way: a clear message, nothing stored.
    midway = extract(env, "2024-01")
    assert midway.returncode == 1, midway.stderr[-2000:]
    assert re.search(r"has no space left .*XMinioStorageFull|stopped storing .*IncompleteBody", midway.stderr), \
        midway.stderr[-2000:]
    assert "free space" in midway.stderr and "Traceback" not in midway.stderr
    # The refusal's own wording: a midway failure's warnings can name XMinioStorageFull too (the manifest's mirror).
    full = wait_until(lambda: "has no space left" in (r := extract(env, "2024-01")).stderr and r, 30,
                      "MinIO to refuse the write whole")
    assert full.returncode == 1 and "free space on its drive" in full.stderr, full.stderr[-2000:]
    assert stored(client) == before, "no part of the month, the earlier month unchanged"
    assert not incomplete_uploads(client, BUCKET, ""), "no multipart upload left behind"
    runs = json.loads(manifest_of(env).read_text())["runs"]
    assert json.loads(manifest_before)["runs"][0] == runs[0], "the earlier run's record unchanged"
    assert all(r["status"] != "succeeded" for r in runs[1:]) and not any(r.get("files") for r in runs[1:])
    filler.unlink()
    # Until MinIO reads its drive's free space again, it still refuses: retried until it takes the month.
    again = wait_until(lambda: (r := extract(env, "2024-01")).returncode == 0 and r, 60, "a rerun with space back")
    assert trip_key(Month(2024, 1)) in stored(client), again.stderr[-2000:]


@pytest.mark.cell(component="manifest folder", fault="disk full", phase="commit")
def test_a_full_manifest_folder_keeps_the_manifest_and_stores_nothing(small_minio, tmp_path):
    client, env, _ = small_minio
    folder = mounted_tmpfs(tmp_path / "manifest-fs", "1m")
    try:
        env = {**env, "ETL_BACKUP_DIR": str(folder)}
        earlier = extract(env, "2024-02")
        assert earlier.returncode == 0, earlier.stderr[-2000:]
        before, manifest_before = stored(client), manifest_of(env).read_bytes()
        filler = fill(folder)
        failed = extract(env, "2024-01")
        assert failed.returncode == 1, failed.stderr[-2000:]
        assert f"cannot write {manifest_of(env)}" in failed.stderr and "No space left" in failed.stderr, failed.stderr
        assert "it is unchanged" in failed.stderr and "Traceback" not in failed.stderr
        assert manifest_of(env).read_bytes() == manifest_before
        assert sorted(p.name for p in folder.iterdir()) == ["extracted_paths.json", "filler"], "no temporary file"
        assert stored(client) == before, "the run is recorded before rawzone changes: nothing was stored"
        filler.unlink()
        again = extract(env, "2024-01")
        assert again.returncode == 0, again.stderr[-2000:]
        assert trip_key(Month(2024, 1)) in stored(client)
    finally:
        unmount(folder)


def copy_bucket(source: Minio, source_bucket: str, target: Minio, target_bucket: str) -> None:
    if not target.bucket_exists(target_bucket):
        target.make_bucket(target_bucket)
    for item in source.list_objects(source_bucket, recursive=True):
        response = source.get_object(source_bucket, item.object_name)
        try:
            body = response.read()
        finally:
            response.close()
            response.release_conn()
        target.put_object(target_bucket, item.object_name, io.BytesIO(body), len(body))


def gold_tables(client: Minio, gold: str) -> dict[str, tuple[int, dict[str, int | None]]]:
    """Each Delta table of gold: its version and the rows of each partition (from the log, no data read)."""
    tables = {o.object_name.split("/_delta_log/")[0] for o in client.list_objects(gold, recursive=True)
              if "/_delta_log/" in o.object_name}
    state = {}
    for table in sorted(tables):
        snapshot = s3_snapshot(client, gold, table)
        partitions: dict[str, list[int | None]] = defaultdict(list)
        for path, values in snapshot.files.items():
            partitions["/".join(f"{k}={v}" for k, v in sorted(values.items()))].append(snapshot.rows.get(path))
        counted = {key: None if None in rows else sum(rows) for key, rows in partitions.items()}
        state[table] = (snapshot.version, counted)
    return state


@pytest.mark.cell(component="MinIO", fault="disk full", phase="write")
def test_a_full_drive_fails_the_transform_naming_it_commits_nothing_and_a_rerun_converges(small_minio, minio,
                                                                                          published_sample, tmp_path):
    """The published sample (rawzone with its store marker, gold, the manifest) copied onto the small MinIO under
    the same bucket names (the manifest names its objects by bucket); its drive filled; the same extraction
    transformed again (--force: the same input is otherwise skipped)."""
    client, env, drive = small_minio
    sample = published_sample.env
    raw, gold = sample["RAWZONE_BUCKET"], sample["GOLD_BUCKET"]
    copy_bucket(minio, raw, client, raw)
    copy_bucket(minio, gold, client, gold)
    Path(env["ETL_BACKUP_DIR"]).mkdir(parents=True)
    shutil.copy(manifest_of(sample), manifest_of(env))
    env = {**env, "RAWZONE_BUCKET": raw, "GOLD_BUCKET": gold}
    published, objects = gold_tables(client, gold), {o.object_name for o in client.list_objects(gold, recursive=True)}
    assert "fact_trips" in published, "the published sample's gold, copied"
    filler = fill(drive, leave=150_000)

    full = run_submit(env, tmp_path / "full.err", "--run", sample["EXTRACT_RUN"], "--force")
    message = full.done["error"] if full.events else full.stderr[-2000:]
    assert full.returncode == 1, full.stderr[-2000:]
    assert re.search(rf"^MinIO at http://127\.0\.0\.1:\d+ has no space left for the write of s3a://{gold}/[\w/]+ "
                     r"\(XMinioStorageFull\); .*free space on its drive \(.+\) and rerun$", message), message
    assert "Traceback" not in full.stderr and "o2" not in message
    assert gold_tables(client, gold) == published, "every table at its version, every partition's rows as published"
    written = {o.object_name for o in client.list_objects(gold, recursive=True)} - objects
    assert not [key for key in written if "/_delta_log/" in key or key.startswith("_quality/")], written

    filler.unlink()
    # MinIO reads its drive's free space again within a few seconds: the rerun starts once a small write passes.
    wait_until(lambda: _takes_a_write(client, raw), 30, "MinIO to take writes with space back")
    rerun = run_submit(env, tmp_path / "rerun.err", "--run", sample["EXTRACT_RUN"], "--force")
    assert rerun.returncode == 0, rerun.stderr[-2000:]
    assert {table: rows for table, (_, rows) in gold_tables(client, gold).items()} == \
        {table: rows for table, (_, rows) in published.items()}, "the rerun publishes the same rows"


def _takes_a_write(client: Minio, bucket: str) -> bool:
    try:
        client.put_object(bucket, "_space-probe", io.BytesIO(b"x"), 1)
        client.remove_object(bucket, "_space-probe")
        return True
    except Exception:  # noqa: BLE001 - still refusing
        return False
