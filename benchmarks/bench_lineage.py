"""Benchmark of lineage (not a test): the cost of a run's OpenLineage events, and `etl lineage` with many
runs of events stored.

In a scratch backup folder it writes --runs runs of events with the transform's own emitter (START and
COMPLETE, --files trip files each: etl.lineage.emitter, the declared columns of every gold table), then
times, best of --rounds:
  emit    - one run's START + COMPLETE: all lineage adds to a transform run (it reads schemas, runs no Spark
            job), to set against the run's wall time (issue 25: <= 5% more on the 10M-row run)
  floor   - `etl lineage --help`: the CLI's own start (Node, the bundle), reading no event
  answer  - `etl lineage fact_trips.speed_mph`: the newest COMPLETE among every stored event
and prints answer/floor and the answer against its goal (<= 1 s with 500 runs stored). No service needed.

    PYTHONPATH=src python benchmarks/bench_lineage.py [--runs 500] [--files 12] [--rounds 5]
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from etl.config import PROJECT_ROOT
from etl.lineage.declared import table_lineage
from etl.lineage.emitter import RunLineage

CLI = ["node", str(PROJECT_ROOT / "dist" / "cli.js")]


def load() -> str:
    return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg()) + f" on {os.cpu_count()} cores"


def schemas() -> dict[str, list[tuple[str, str]]]:
    """Every table the transform writes, with its declared columns (the types do not matter here)."""
    tables = {table: [(c.column, "string") for c in columns] for table, columns in table_lineage().items()}
    return {**tables, **{name: [("key", "int")] for name in ("dim_date", "dim_vendor", "dim_rate_code",
                                                            "dim_payment_type")}}


def emit_run(folder: Path, index: int, files: int) -> float:
    trip_files = [f"s3a://rawzone/yellow_tripdata/year={2014 + m // 12}/month={m % 12 + 1:02d}/part-{index}.parquet"
                  for m in range(files)]
    clock = time.perf_counter()
    lineage = RunLineage(f"transform-bench-{index:05d}", "gold", folder=folder, server_url="")
    lineage.start(trip_files, "s3a://rawzone/taxi_zone_lookup.csv")
    lineage.complete(schemas())
    return time.perf_counter() - clock


def timed_cli(args: list[str], env: dict[str, str]) -> float:
    clock = time.perf_counter()
    done = subprocess.run([*CLI, *args], env=env, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120)
    elapsed = time.perf_counter() - clock
    if done.returncode != 0:
        raise SystemExit(f"etl {' '.join(args)} failed: {done.stderr.strip()}")
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=500)
    parser.add_argument("--files", type=int, default=12, help="trip files per run (a year of months)")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="etl-bench-lineage-") as tmp:
        folder = Path(tmp) / "lineage"
        print(f"before: {load()}", flush=True)
        emits = [emit_run(folder, i, args.files) for i in range(args.runs)]
        stored = sum(p.stat().st_size for p in folder.iterdir())
        env = {**os.environ, "ETL_BACKUP_DIR": tmp}
        floor = min(timed_cli(["lineage", "--help"], env) for _ in range(args.rounds))
        answer = min(timed_cli(["lineage", "fact_trips.speed_mph"], env) for _ in range(args.rounds))
        print(f"after:  {load()}")
    print(f"stored  {args.runs} runs, {2 * args.runs} event files, {stored / 1e6:.1f} MB "
          f"({args.files} trip files a run)")
    print(f"emit    one run's START + COMPLETE: best {min(emits) * 1000:.1f} ms, median "
          f"{sorted(emits)[len(emits) // 2] * 1000:.1f} ms")
    print(f"wall s  floor (etl lineage --help) {floor:.3f}  answer (etl lineage fact_trips.speed_mph) {answer:.3f}")
    print(f"ratios  answer/floor {answer / floor:.2f}   answer {answer:.3f} s against the goal 1 s "
          f"({'met' if answer <= 1 else 'NOT met'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
