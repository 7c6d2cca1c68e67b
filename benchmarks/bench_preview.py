"""Benchmark of the dev loop (not a test): `etl preview` on the bundled sample against a trivial spark-submit.

On the running native stack, with its own scratch buckets rawzone-bench-*/gold-bench-* (made and removed by
MinIO's root user), it extracts the bundled sample (2 months), publishes it once with a real transform, then
measures, wall time, in one run:
  trivial   - a spark-submit on the same cluster that reads the two sample files and counts rows
              (etl/transform/floor.py --count-only): the floor any Spark job pays
  first     - `etl preview --run RUN` with the dev session stopped: its start (warm-up included) and the preview
  second    - the same preview again on the warm session (then a few more: the loop a user is in)
  executors - seconds from a real transform's spark-submit until its 2 executors run on the workers, with the
              dev session stopped, then while it is warm (the session runs in local mode: it takes no executor)
and prints the ratios second/trivial and first - trivial. Goals (issue "Develop the transform in seconds"):
second <= 5 s and <= 0.4x trivial; first <= trivial + 5 s; executors within 10 s while the session is warm.
Every preview is checked to have committed nothing: each gold table's Delta version is the same after it.

    PYTHONPATH=src python benchmarks/bench_preview.py [--previews 3] [--smoke]

--smoke (npm test): the dev session is left as it is (the first preview is cold only if it was down), one warm
preview, and the executors are measured once, on the transform that publishes the sample; bench_sample.py's smoke
runs on the same extraction (its floor and that transform, then its skipped rerun), so npm test runs it only here.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import bench_sample
import requests
from bench_sample import load, timed
from bench_support import scratch_buckets

from etl.config import PROJECT_ROOT, config_values, load_settings
from etl.extract.layout import sample_source
from etl.extract.run import extract_months
from etl.extract.store import make_client
from etl.submit import submit_task_to_spark
from etl.transform import floor

CLI = [os.environ.get("NODE", "node"), str(PROJECT_ROOT / "dist" / "cli.js")]


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([*CLI, *args], cwd=PROJECT_ROOT, capture_output=True, text=True, check=False)


def timed_preview(run_id: str) -> tuple[float, dict]:
    clock = time.monotonic()
    result = cli("preview", "--run", run_id, "--json")
    wall = time.monotonic() - clock
    if result.returncode != 0:
        raise SystemExit(f"etl preview failed:\n{result.stderr[-2000:]}")
    diff = json.loads(result.stdout)
    versions_after = gold_versions(diff["goldVersions"])
    assert versions_after == diff["goldVersions"], f"a preview committed: {diff['goldVersions']} -> {versions_after}"
    return wall, diff


def gold_versions(tables: dict) -> dict:
    """Each table's newest Delta commit, from its log as stored."""
    settings = load_settings()
    client = make_client(settings)
    versions = {}
    for table in tables:
        logs = [o.object_name for o in client.list_objects(settings.gold_bucket, f"{table}/_delta_log/")
                if o.object_name.endswith(".json")]
        versions[table] = max((int(Path(name).stem) for name in logs), default=None)
    return versions


def executors_start(run_id: str, master_ui: str) -> float:
    """Seconds from spark-submit until the master shows the transform running on both workers' cores."""
    return watched_transform(run_id, master_ui)[0]


def watched_transform(run_id: str, master_ui: str) -> tuple[float, float, object]:
    """The transform of `run_id`, its executors watched on the master: (seconds until they run on both workers'
    cores, the run's wall seconds, its result)."""
    clock = time.monotonic()
    done: dict[str, object] = {}

    def run() -> None:
        try:
            done["result"] = submit_task_to_spark(run=run_id, echo=None)
        except BaseException as error:  # noqa: BLE001 - raised again below, in the main thread
            done["error"] = error

    submit = threading.Thread(target=run)
    submit.start()
    started = None
    while submit.is_alive():
        apps = requests.get(f"{master_ui}/json/", timeout=2).json().get("activeapps", [])
        # The transform's application, not the floor's (etl-transform-floor): "etl-transform <run id>".
        running = [a for a in apps
                   if str(a.get("name", "")).split(" ")[0] == "etl-transform" and a.get("cores", 0) >= 2]
        if started is None and running:
            started = time.monotonic() - clock
        time.sleep(0.1)
    submit.join()
    wall = time.monotonic() - clock
    if "error" in done:
        raise done["error"]
    if started is None:
        raise SystemExit("the transform never showed running on 2 cores")
    return started, wall, done["result"]


def sample_smoke(run_id: str, master_ui: str) -> tuple[float, float]:
    """bench_sample.py --smoke (the floor, the transform that publishes the sample, its skipped rerun), the
    transform's executors watched; prints bench_sample's figures. Returns (executors seconds, the floor's wall)."""
    executors: list[float] = []

    def transform() -> tuple[float, object]:
        started, wall, result = watched_transform(run_id, master_ui)
        executors.append(started)
        return wall, result

    best = bench_sample.bench(run_id, 1, smoke=True, transform=transform)
    print("bench_sample (smoke):")
    bench_sample.print_figures(best)
    return executors[0], best["trivial"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--previews", type=int, default=3, help="warm previews after the first (each is printed)")
    parser.add_argument("--smoke", action="store_true", help="the quick run of npm test (see above)")
    args = parser.parse_args()
    if args.smoke:
        args.previews = 1
    values = config_values()
    master_ui = f"http://{values['ETL_BIND_HOST']}:{values['SPARK_MASTER_UI_PORT']}"
    with scratch_buckets() as (tag, settings, _work):
        run_id = f"bench-preview-{tag}"
        extract_months("2024-01..2024-02", sample_source(), run_id=run_id, settings=settings)
        print(f"before: {load()}", flush=True)
        if args.smoke:  # bench_sample.py's smoke on this extraction: its floor and transform serve both benchmarks
            cold_executors, trivial = sample_smoke(run_id, master_ui)
        else:
            cli("stop", "spark-connect")
            cold_executors = executors_start(run_id, master_ui)  # also publishes the sample: gold to diff against
            trivial, _ = timed(run_id, entry=Path(floor.__file__), extra_args=["--count-only"])
        first, diff = timed_preview(run_id)
        warm = [timed_preview(run_id)[0] for _ in range(max(1, args.previews))]
        warm_executors = cold_executors if args.smoke else executors_start(run_id, master_ui)
        print(f"after:  {load()}")
    second = warm[0]
    changed = [t["table"] for t in diff["tables"] if t["added"] or t["removed"] or t["changed"]]
    print(f"first preview's diff against the transform of the same input: changed tables {changed or 'none'}")
    print(f"{'wall s':>8}  trivial {trivial:.1f}  first {first:.1f}  second {second:.1f}  "
          f"warm {', '.join(f'{w:.1f}' for w in warm)}")
    print(f"ratios    second/trivial {second / trivial:.2f}  first-trivial {first - trivial:+.1f} s   "
          "(goals: second <= 5 s and <= 0.40; first <= trivial + 5 s)")
    if args.smoke:
        print(f"executors running after spark-submit: {cold_executors:.1f} s (smoke run: the session as it was)")
    else:
        print(f"executors running after spark-submit: {cold_executors:.1f} s with the dev session stopped, "
              f"{warm_executors:.1f} s while it is warm (goal: <= 10 s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
