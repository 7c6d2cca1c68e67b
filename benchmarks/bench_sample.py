"""Benchmark of the sample loop (not a test): `etl transform` on the bundled sample, end to end.

On the running native stack, with its own scratch buckets rawzone-bench-*/gold-bench-* (made and
removed by MinIO's root user), it extracts the bundled sample (2 months) and measures, wall time
including the Spark application start on the two workers:
  trivial   - a spark-submit on the same cluster that reads the two sample files and counts rows
              (etl/transform/floor.py --count-only): the floor any Spark job pays
  first     - the transform into an empty gold (creates every table)
  edit      - the transform again (--force: what a user pays after editing clean_and_transform)
  unchanged - the transform with nothing changed (--skip-unchanged, as `etl transform` runs it)
and prints each, the ratios edit/trivial and first/trivial, and the edit run's breakdown
(start-up, read, classify, each write with its Delta commit). Goal (issue 13): edit <= 20 s and
<= 2x trivial; unchanged <= 10 s or skipped. Load on the machine is printed with the figures.

    PYTHONPATH=src python benchmarks/bench_sample.py [--rounds 1]

npm test runs its smoke inside `bench_preview.py --smoke`, on the same extraction: one floor, one transform for both.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

from bench_support import scratch_buckets

from etl.extract.layout import sample_source
from etl.extract.run import extract_months
from etl.submit import submit_task_to_spark
from etl.transform import floor


def timed(run_id: str, **kwargs) -> tuple[float, object]:
    clock = time.monotonic()
    result = submit_task_to_spark(run=run_id, echo=None, **kwargs)
    return time.monotonic() - clock, result


def load() -> str:
    return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg()) + f" on {os.cpu_count()} cores"


def breakdown(report: dict, wall: float) -> str:
    """Where the edit run's seconds went: before the driver's job clock, then its phases and writes."""
    job = report.get("duration_s") or 0.0
    lines = [f"  start-up (spark-submit, JVM, driver, Spark session; wall - job): {wall - job:6.1f} s"
             f"  (driver's own Python start to session: {report.get('startup_s')} s)"]
    lines += [f"  {phase:<10} {seconds:6.1f} s" for phase, seconds in (report.get("phases_s") or {}).items()]
    lines += [f"    write {label:<36} {seconds:6.1f} s (files + Delta commit; writes overlap: 4 threads)"
              for label, seconds in sorted((report.get("writes_s") or {}).items())]
    return "\n".join(lines)


def bench(run_id: str, rounds: int, smoke: bool = False,
          transform: Callable[[], tuple[float, object]] | None = None) -> dict[str, float]:
    """transform: how the edit run is made (bench_preview.py --smoke watches its executors), else timed()."""
    figures: dict[str, list[float]] = {"trivial": [], "first": [], "edit": [], "unchanged": []}
    report = {}
    for round_ in range(rounds):
        figures["trivial"].append(timed(run_id, entry=Path(floor.__file__), extra_args=["--count-only"])[0])
        if round_ == 0 and not smoke:
            figures["first"].append(timed(run_id)[0])
        wall, result = transform() if transform else timed(run_id)
        figures["edit"].append(wall)
        if smoke:  # one transform only: into the empty gold, so it is the first run and stands for the edit too
            figures["first"].append(wall)
        report = result.report
        wall, result = timed(run_id, skip_unchanged=True)
        assert result.skipped, "the unchanged rerun was not skipped"
        figures["unchanged"].append(wall)
    print("edit run breakdown:\n" + breakdown(report, figures["edit"][-1]))
    return {name: min(values) for name, values in figures.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=1, help="repeat trivial/edit/unchanged; the best is printed")
    parser.add_argument("--smoke", action="store_true",
                        help="npm test: one transform (first and edit alike), the floor, the skipped rerun; every "
                             "code path once, the figures not to quote")
    args = parser.parse_args()
    with scratch_buckets() as (tag, settings, _work):
        run_id = f"bench-sample-{tag}"
        extract_months("2024-01..2024-02", sample_source(), run_id=run_id, settings=settings)
        print(f"before: {load()}", flush=True)
        best = bench(run_id, args.rounds, args.smoke)
        print(f"after:  {load()}")
    print_figures(best)
    return 0


def print_figures(best: dict[str, float]) -> None:
    print(f"{'wall s':>8}  trivial {best['trivial']:.1f}  first {best['first']:.1f}  edit {best['edit']:.1f}  "
          f"unchanged (skipped) {best['unchanged']:.1f}")
    print(
        f"ratios    edit/trivial {best['edit'] / best['trivial']:.2f}  "
        f"first/trivial {best['first'] / best['trivial']:.2f}   "
        "(goal: edit <= 20 s and <= 2.00; unchanged <= 10 s or skipped)"
    )


if __name__ == "__main__":
    sys.exit(main())
