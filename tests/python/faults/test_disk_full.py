"""Fault matrix, a full disk: MinIO's drive and the manifest's folder, each on a small tmpfs this file mounts.

A full drive refuses the write whole: the extract says which store is full and what to do, stores no part of the
file, keeps what an earlier run stored, and succeeds once space returns. A second MinIO (the stack's own binary,
a root user made here) serves the small drive, so the stack's MinIO is never filled."""
from __future__ import annotations

import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from minio import Minio
from support_ports import unused_port
from support_spark_stack import wait_until

from etl.config import PROJECT_ROOT
from etl.extract.layout import trip_key
from etl.extract.months import Month
from etl.extract.store import incomplete_uploads

CLI = ["node", str(PROJECT_ROOT / "dist" / "cli.js")]
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
    binary = subprocess.run([*CLI, "which", "minio"], capture_output=True, text=True, check=True).stdout.strip()
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
