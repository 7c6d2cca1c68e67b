"""`etl preview`: what the working tree's transform would publish, computed on the warm dev session and
written beside gold, never into it.

    main(["--out", DIR, "--run", RUN | "--months", SPEC | "--sample", "--preview-id", ID])

etl.dev.worker, the session's warm preview runner, calls main with each request's arguments, this module and
the transform imported afresh; `python -m etl.dev.preview …` runs the same in a process of its own.

The job's own functions run (etl.transform: read_trips, classify_months, rule_counts, model.month_tables,
model.dimension_tables), imported from the `etl` package on this process's path: the working tree, edited or
not. Each gold table's rows go to DIR/<table>/ as Parquet (DIR: a folder of the dev session, of this machine or
of its container); no Delta log, no bucket is written. The TypeScript side diffs them against
gold (extension/core/diff). Events on stdout as the transform's (etl.transform.events): preview_start, phase,
preview_done (status succeeded or failed; a failure names the edited file and line: etl.problems).
Exit 0 when it succeeded, 1 when it failed, 2 on a usage error.
"""
from __future__ import annotations

import argparse
import secrets
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from functools import reduce
from typing import Any

from etl.config import ConfigError, load_settings
from etl.problems import Problem, problem_of
from etl.transform.errors import TransformError
from etl.transform.events import emit

EXIT_OK, EXIT_FAILED = 0, 1
# Each table is its own small Spark job on the session's cores; a few at once keep both cores busy (more only
# queue: benchmarks/bench_preview.py).
WRITE_THREADS = 3


def default_preview_id() -> str:
    return f"preview-{datetime.now(UTC):%Y%m%dT%H%M%SZ}-{secrets.token_hex(3)}"


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m etl.dev.preview",
                                     description="the working tree's transform on the dev session, beside gold")
    parser.add_argument("--out", required=True, help="folder the dev session writes each table's Parquet under")
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--run", help="an extraction run of the manifest (default: the last one)")
    source.add_argument("--months", help="months of the rawzone, e.g. 2024-01..2024-02")
    source.add_argument("--sample", action="store_true", help="the newest extraction run of the bundled sample")
    parser.add_argument("--preview-id", default=None, help="id of this preview (default preview-<UTC time>-<random>)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    preview_id = args.preview_id or default_preview_id()
    clock, spark = time.monotonic(), None
    try:
        settings = load_settings()
        from etl.dev.session import dev_session  # pyspark (and the edited code) only from here on

        emit("preview_start", preview_id=preview_id, out=args.out)
        spark = dev_session(settings)
        result = run_preview(spark, settings, args, preview_id)
    except (ConfigError, TransformError) as error:  # input, settings, session: said as they are
        return _failed(preview_id, Problem(str(error)), clock)
    except Exception as error:  # the edited code's own errors: where they are, never a bare traceback
        return _failed(preview_id, problem_of(error), clock)
    finally:
        if spark is not None:
            spark.stop()  # releases the session on the server
    emit("preview_done", preview_id=preview_id, status="succeeded", seconds=round(time.monotonic() - clock, 2),
         **result)
    return EXIT_OK


def _failed(preview_id: str, problem: Problem, clock: float) -> int:
    emit("preview_done", preview_id=preview_id, status="failed", error=problem.message, file=problem.file,
         line=problem.line, seconds=round(time.monotonic() - clock, 2))
    print(f"etl preview: error: {problem}", file=sys.stderr, flush=True)
    return EXIT_FAILED


def run_preview(spark, settings, args: argparse.Namespace, preview_id: str) -> dict[str, Any]:
    from etl.dev.inputs import select_inputs
    from etl.extract.store import make_client
    from etl.transform.job import PhaseClock
    from etl.transform.watchdog import Activity

    inputs = select_inputs(make_client(settings), settings.rawzone_bucket, run=args.run, months=args.months,
                           sample=args.sample)
    emit("preview_inputs", preview_id=preview_id, described=inputs.described, months=inputs.months,
         inputs=[f.path for f in inputs.files], zones=inputs.zones)
    phases = PhaseClock(emit, Activity())
    counts, tables = write_tables(spark, inputs, args.out, phases)
    return {"described": inputs.described, "months": inputs.months, "inputs": [f.path for f in inputs.files],
            "tables": tables, "counts": counts, "phases_s": phases.seconds}


def write_tables(spark, inputs, out: str, phases) -> tuple[dict[str, Any], list[str]]:
    """The job's read, classification and model on `inputs`, each gold table's rows written as Parquet under
    `out`; returns the quality counts and the tables written. Also the dev session's warm-up (etl.dev.server)."""
    from pyspark.sql import DataFrame

    from etl.submit import shuffle_partitions, small_input_conf
    from etl.transform import model
    from etl.transform.months import classify_months
    from etl.transform.report import quality_counts
    from etl.transform.rules import rule_counts
    from etl.transform.sources import read_trips, read_zones

    input_bytes = sum(inputs.sizes.values()) or None
    # What the job's spark-submit sets for this input size, set on this session only.
    for key, value in {"spark.sql.shuffle.partitions": str(shuffle_partitions(input_bytes)),
                       **small_input_conf(input_bytes)}.items():
        spark.conf.set(key, value)

    phases.start("read", "the read of the trip files")
    months, _ = read_trips(spark, inputs.files)
    classified = {month: rows.persist() for month, rows in
                  classify_months(months, inputs.sizes, inputs.zone_ids).items()}
    try:
        phases.start("classify", "the classification of the rows")
        every_row = reduce(DataFrame.unionByName, classified.values())
        counts = quality_counts([tuple(r) for r in rule_counts(every_row).collect()])  # fills the cache

        phases.start("write", "the write of the preview tables")
        per_table: dict[str, list[DataFrame]] = {}
        for _, rows in sorted(classified.items()):
            for table, frame in model.month_tables(rows).items():
                per_table.setdefault(table, []).append(frame)
        tables = {table: reduce(DataFrame.unionByName, frames) for table, frames in per_table.items()}
        tables.update(model.dimension_tables(spark, read_zones(spark, inputs.zones)))
        with ThreadPoolExecutor(max_workers=WRITE_THREADS, thread_name_prefix="etl-preview") as pool:
            list(pool.map(lambda item: item[1].write.parquet(f"{_file_url(out)}/{item[0]}"), tables.items()))
    finally:  # the session's cache is the server's memory: never left behind, even by a failed preview
        for rows in classified.values():
            rows.unpersist()
    phases.stop()
    return counts, sorted(tables)


def _file_url(folder: str) -> str:
    return folder if "://" in folder else f"file://{folder}"


if __name__ == "__main__":
    sys.exit(main())
