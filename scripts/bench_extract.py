#!/usr/bin/env python3
"""Throughput of `python -m etl.extract` against `curl URL | mc pipe` on the same files.

Serves N trip files (Parquet, random padding so nothing compresses) of ~100 MB from a
local HTTP server, extracts them into a temporary bucket `rawzone-bench-*` (made and
removed with the admin key, MINIO_ROOT_USER) of the MinIO named by .env (MINIO_API_PORT etc. may be overridden
in the environment), then pipes the same files with curl + mc, and prints both
MB/s and their ratio. Everything it creates (files, bucket) is removed at the end.

    PYTHONPATH=src python scripts/bench_extract.py [--files 3] [--size-mb 100] [--mc PATH]
"""
from __future__ import annotations

import argparse
import functools
import os
import secrets
import subprocess
import sys
import tempfile
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

import pyarrow as pa  # noqa: E402
import pyarrow.parquet as pq  # noqa: E402
from bench_support import admin_client, remove_bucket  # noqa: E402

from etl.config import load_settings  # noqa: E402
from etl.extract.validate import TRIP_COLUMNS  # noqa: E402

MB = 1_000_000


def default_mc() -> Path:
    cache = os.environ.get("ETL_CACHE_DIR") or Path.home() / ".cache" / "etl-spark"
    return Path(cache) / "bin" / "mc"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=3, help="number of files (default 3)")
    parser.add_argument("--size-mb", type=int, default=100, help="size of each file in MB (default 100)")
    parser.add_argument("--mc", type=Path, default=default_mc(), help=f"mc binary (default {default_mc()})")
    return parser.parse_args()


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def serve(folder: Path) -> ThreadingHTTPServer:
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def _row_group(rows: int, padding: int) -> pa.Table:
    """The trip columns the extractor checks for, plus random bytes nothing can compress."""
    columns = {name: pa.array([1] * rows, pa.int64()) for name in TRIP_COLUMNS}
    columns["padding"] = pa.array([os.urandom(padding) for _ in range(rows)], pa.binary())
    return pa.table(columns)


def make_files(folder: Path, count: int, size: int) -> list[str]:
    """bench_2099-01.parquet ... : trip files the extractor accepts, of about `size` bytes."""
    names = []
    for index in range(count):
        name = f"bench_2099-{index + 1:02d}.parquet"
        group = _row_group(10, MB // 10)
        with pq.ParquetWriter(folder / name, group.schema, compression="none") as writer:
            for _ in range(size // MB):
                writer.write_table(_row_group(10, MB // 10))
        names.append(name)
    return names


def run_extract(base_url: str, count: int, bucket: str, state: Path) -> float:
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"), RAWZONE_BUCKET=bucket, ETL_BACKUP_DIR=str(state),
               ETL_LOG_DIR=str(state), ETL_LOCK_DIR=str(state))
    months = f"2099-01..2099-{count:02d}"
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "etl.extract", "--months", months, "--no-zones",
                    "--source", base_url + "/bench_{YYYY}-{MM}.parquet"], env=env, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def run_mc(mc: Path, base_url: str, names: list[str], bucket: str, settings) -> float:
    # MC_HOST_<alias> avoids writing an alias into the user's ~/.mc config
    host = f"http://{settings.minio_access_key}:{settings.minio_secret_key}@{settings.minio_endpoint}"
    env = dict(os.environ, MC_HOST_bench=host)
    started = time.perf_counter()
    for name in names:
        curl = subprocess.Popen(["curl", "-sS", "--fail", f"{base_url}/{name}"], stdout=subprocess.PIPE)
        subprocess.run([str(mc), "--quiet", "pipe", f"bench/{bucket}/mc/{name}"], stdin=curl.stdout, env=env,
                       check=True, stdout=subprocess.DEVNULL)
        curl.stdout.close()
        if curl.wait() != 0:
            raise SystemExit(f"curl failed on {name}")
    return time.perf_counter() - started


def main() -> int:
    args = parse_args()
    if not args.mc.exists():
        print(f"bench: mc not found at {args.mc}; run `etl setup` or pass --mc PATH", file=sys.stderr)
        return 1
    settings = load_settings()
    client = admin_client(settings)
    bucket = f"{settings.rawzone_bucket}-bench-{secrets.token_hex(4)}"
    client.make_bucket(bucket)
    total_mb = args.files * args.size_mb
    with tempfile.TemporaryDirectory(prefix="etl-bench-") as tmp:
        folder, state = Path(tmp) / "files", Path(tmp) / "state"
        folder.mkdir()
        names = make_files(folder, args.files, args.size_mb * MB)
        server = serve(folder)
        base_url = f"http://127.0.0.1:{server.server_address[1]}"
        try:
            extract_s = run_extract(base_url, args.files, bucket, state)
            mc_s = run_mc(args.mc, base_url, names, bucket, settings)
        finally:
            server.shutdown()
            remove_bucket(client, bucket)
    extract_rate, mc_rate = total_mb / extract_s, total_mb / mc_s
    print(f"files: {args.files} x {args.size_mb} MB into MinIO at {settings.minio_url}")
    print(f"etl.extract      : {extract_rate:7.1f} MB/s ({extract_s:.1f} s)")
    print(f"curl | mc pipe   : {mc_rate:7.1f} MB/s ({mc_s:.1f} s)")
    print(f"ratio extract/mc : {extract_rate / mc_rate:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
