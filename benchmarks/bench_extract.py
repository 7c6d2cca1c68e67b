#!/usr/bin/env python3
"""Throughput and peak memory of `python -m etl.extract` against `curl URL | mc pipe` on the same files.

Serves trip files (Parquet, random padding so nothing compresses) from a local HTTP server,
extracts them into a temporary bucket `rawzone-bench-*` (made and removed with the admin key,
MINIO_ROOT_USER) of the MinIO named by .env (MINIO_API_PORT etc. may be overridden in the
environment), then pipes the same files with curl + mc, one after the other, and prints
MB/s of both, their ratio, the peak RSS (ru_maxrss) of the extractor and of mc and curl, and the
CPU seconds (user + system) each side used, its own and MinIO's (native stack: MinIO's pid file;
on a loaded machine CPU seconds compare better than wall times). Everything it creates (files,
bucket) is removed at the end.

    PYTHONPATH=src python benchmarks/bench_extract.py [--files 3] [--size-mb 100]
    PYTHONPATH=src python benchmarks/bench_extract.py --goal --repeat 2     # 3 x 100 MB and 1 x 500 MB, twice each
    ... [--parallel N] [--compare-src OTHER_CHECKOUT/src] [--mc PATH]

--compare-src also runs the extractor of another checkout (e.g. `git archive` of an older
commit), in the same minutes, for before/after figures on a loaded machine.
"""
from __future__ import annotations

import argparse
import functools
import json
import os
import secrets
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

import pyarrow as pa  # noqa: E402
import pyarrow.parquet as pq  # noqa: E402
from bench_support import admin_client, remove_bucket  # noqa: E402

from etl.config import load_settings, state_dir  # noqa: E402
from etl.extract.validate import TRIP_COLUMNS  # noqa: E402

MB = 1_000_000
GOAL_CASES = ((3, 100), (1, 500))  # issue 13, goal 3

# Runs the commands given as JSON argv lists, each one's stdout piped into the next one's stdin,
# and prints each one's [peak RSS (KiB), CPU seconds] as a JSON list. The commands are forked from this small
# process, not from the benchmark: a forked child starts with its parent's resident pages and
# ru_maxrss survives exec, so forking from the benchmark would count the benchmark's memory too.
PEAK_RSS = """
import json, os, subprocess, sys
procs, feed = [], None
commands = json.loads(sys.argv[1])
for index, argv in enumerate(commands):
    last = index == len(commands) - 1
    proc = subprocess.Popen(argv, stdin=feed, stdout=None if last else subprocess.PIPE)
    if feed is not None:
        feed.close()
    feed = proc.stdout
    procs.append(proc)
peaks, failed = {}, False
for _ in procs:
    pid, status, usage = os.wait4(-1, 0)
    peaks[pid] = [usage.ru_maxrss, usage.ru_utime + usage.ru_stime]
    failed = failed or os.waitstatus_to_exitcode(status) != 0
print(json.dumps([peaks[p.pid] for p in procs]), file=sys.stderr)
sys.exit(1 if failed else 0)
"""


@dataclass
class Measure:
    seconds: float
    peak_kib: list[int]  # per command of the pipeline, the highest over the runs
    cpu_s: float  # user + system of every command of the pipeline
    minio_cpu_s: float | None  # MinIO's own, meanwhile (None: its process is not known)

    def rate(self, total_mb: int) -> float:
        return total_mb / self.seconds

    def cpu(self) -> str:
        minio = f" + MinIO {self.minio_cpu_s:.2f}" if self.minio_cpu_s is not None else ""
        return f"CPU {self.cpu_s:.2f} s{minio}"


def minio_cpu_s() -> float | None:
    """CPU seconds MinIO has used so far: the native stack's pid file; None elsewhere (compose)."""
    try:
        pid = json.loads((state_dir() / "pids" / "minio.json").read_text())["pid"]
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, ValueError, KeyError):
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime, in clock ticks


def default_mc() -> Path:
    cache = os.environ.get("ETL_CACHE_DIR") or Path.home() / ".cache" / "etl-spark"
    return Path(cache) / "bin" / "mc"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=3, help="number of files (default 3)")
    parser.add_argument("--size-mb", type=int, default=100, help="size of each file in MB (default 100)")
    parser.add_argument("--goal", action="store_true", help="the goal's two cases: 3 x 100 MB, then 1 x 500 MB")
    parser.add_argument("--repeat", type=int, default=1, help="measure each case this many times (default 1)")
    parser.add_argument("--parallel", type=int, help="the extractor's --parallel (default: its own default)")
    parser.add_argument("--compare-src", type=Path, help="also run the extractor of this other src/ folder")
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


def timed_pipeline(commands: list[list[str]], env: dict[str, str]) -> Measure:
    """Wall time of the pipeline, each command's peak RSS, the CPU seconds of all of them and MinIO's."""
    minio_before, started = minio_cpu_s(), time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", PEAK_RSS, json.dumps(commands)], env=env,
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    seconds, minio_after = time.perf_counter() - started, minio_cpu_s()
    if proc.returncode != 0:
        raise SystemExit(f"bench: {' | '.join(c[0] for c in commands)} failed:\n{proc.stderr[-2000:]}")
    usage = json.loads(proc.stderr.strip().splitlines()[-1])
    minio = minio_after - minio_before if minio_before is not None and minio_after is not None else None
    return Measure(seconds, [peak for peak, _ in usage], sum(cpu for _, cpu in usage), minio)


def run_extract(src: Path, base_url: str, count: int, bucket: str, state: Path, parallel: int | None) -> Measure:
    env = dict(os.environ, PYTHONPATH=str(src), RAWZONE_BUCKET=bucket, ETL_BACKUP_DIR=str(state),
               ETL_LOG_DIR=str(state), ETL_LOCK_DIR=str(state))
    argv = [sys.executable, "-m", "etl.extract", "--months", f"2099-01..2099-{count:02d}", "--no-zones",
            "--source", base_url + "/bench_{YYYY}-{MM}.parquet"]
    return timed_pipeline([argv + (["--parallel", str(parallel)] if parallel else [])], env)


def run_mc(mc: Path, base_url: str, names: list[str], bucket: str, settings) -> Measure:
    # MC_HOST_<alias> avoids writing an alias into the user's ~/.mc config
    host = f"http://{settings.minio_access_key}:{settings.minio_secret_key}@{settings.minio_endpoint}"
    env = dict(os.environ, MC_HOST_bench=host)
    total = Measure(0.0, [0, 0], 0.0, 0.0)
    for name in names:
        one = timed_pipeline([["curl", "-sS", "--fail", f"{base_url}/{name}"],
                              [str(mc), "--quiet", "pipe", f"bench/{bucket}/mc/{name}"]], env)
        total.seconds += one.seconds
        total.peak_kib = [max(a, b) for a, b in zip(total.peak_kib, one.peak_kib, strict=True)]
        total.cpu_s += one.cpu_s
        total.minio_cpu_s = None if one.minio_cpu_s is None else (total.minio_cpu_s or 0.0) + one.minio_cpu_s
    return total


def clear_bucket(client, bucket: str) -> None:
    """Every round starts from an empty bucket: the extractor uploads (no skip), mc writes anew."""
    for obj in client.list_objects(bucket, recursive=True):
        client.remove_object(bucket, obj.object_name)


def _mib(kib: int) -> str:
    return f"{kib / 1024:.0f} MiB"


def measure_case(args: argparse.Namespace, files: int, size_mb: int, settings, client, bucket: str) -> None:
    total_mb = files * size_mb
    print(f"files: {files} x {size_mb} MB into MinIO at {settings.minio_url}", flush=True)
    with tempfile.TemporaryDirectory(prefix="etl-bench-") as tmp:
        folder = Path(tmp) / "files"
        folder.mkdir()
        names = make_files(folder, files, size_mb * MB)
        server = serve(folder)
        base_url = f"http://127.0.0.1:{server.server_address[1]}"
        try:
            for round_ in range(1, args.repeat + 1):
                ours = _extract_round(ROOT / "src", args.parallel, base_url, files, bucket, Path(tmp), client)
                other = (_extract_round(args.compare_src, None, base_url, files, bucket, Path(tmp), client)
                         if args.compare_src else None)
                mc = run_mc(args.mc, base_url, names, bucket, settings)
                clear_bucket(client, bucket)
                _report(round_, total_mb, ours, other, mc, args.compare_src)
        finally:
            server.shutdown()


def _extract_round(src: Path, parallel: int | None, base_url: str, files: int, bucket: str, tmp: Path,
                   client) -> Measure:
    with tempfile.TemporaryDirectory(dir=tmp) as state:
        result = run_extract(src, base_url, files, bucket, Path(state), parallel)
    clear_bucket(client, bucket)
    return result


def _report(round_: int, total_mb: int, ours: Measure, other: Measure | None, mc: Measure, other_src) -> None:
    rows = [("etl.extract", ours, f"peak RSS {_mib(ours.peak_kib[0])}")]
    if other is not None:
        rows.append((f"etl.extract of {other_src}", other, f"peak RSS {_mib(other.peak_kib[0])}"))
    rows.append(("curl | mc pipe", mc, f"peak RSS mc {_mib(mc.peak_kib[1])}, curl {_mib(mc.peak_kib[0])}"))
    print(f"round {round_}")
    for label, measure, memory in rows:
        print(f"  {label:<16} : {measure.rate(total_mb):7.1f} MB/s ({measure.seconds:.1f} s), {memory}, "
              f"{measure.cpu()}")
    print(f"  ratio extract/mc : {ours.rate(total_mb) / mc.rate(total_mb):.2f}"
          + (f" (other: {other.rate(total_mb) / mc.rate(total_mb):.2f})" if other else ""), flush=True)


def main() -> int:
    args = parse_args()
    if not args.mc.exists():
        print(f"bench: mc not found at {args.mc}; run `etl setup` or pass --mc PATH", file=sys.stderr)
        return 1
    settings = load_settings()
    client = admin_client(settings)
    bucket = f"{settings.rawzone_bucket}-bench-{secrets.token_hex(4)}"
    client.make_bucket(bucket)
    try:
        for files, size_mb in GOAL_CASES if args.goal else ((args.files, args.size_mb),):
            measure_case(args, files, size_mb, settings, client, bucket)
    finally:
        remove_bucket(client, bucket)
    return 0


if __name__ == "__main__":
    sys.exit(main())
