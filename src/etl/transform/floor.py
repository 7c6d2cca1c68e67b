"""Benchmark floor (benchmarks/bench_transform.py): read the raw files and write them back unchanged,
on the same cluster, as a Delta table like gold's. spark-submitted by etl.submit with entry=this file.
--count-only (benchmarks/bench_sample.py): the trivial job, read the files and count their rows."""
from __future__ import annotations

import argparse
import sys
import time

from etl.config import load_settings
from etl.transform.events import emit
from etl.transform.session import driver_session
from etl.transform.sources import trip_files


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="etl-transform-floor")
    parser.add_argument("--run", dest="manifest_run")
    parser.add_argument("--run-id", default="floor")
    parser.add_argument("--count-only", action="store_true", help="count the rows (a data pass), write nothing")
    args = parser.parse_args(argv)
    settings = load_settings()
    spark = driver_session(settings, f"etl-transform-floor {args.run_id}")
    emit("run_start", run_id=args.run_id, app_id=spark.sparkContext.applicationId, ui_url=spark.sparkContext.uiWebUrl,
         master=spark.sparkContext.master, manifest_run=args.manifest_run)
    clock, rows = time.monotonic(), 0
    for trip_file in trip_files(args.manifest_run):
        df = spark.read.parquet(trip_file.path)
        rows += df.count()  # from the Parquet footers: no data pass
        if not args.count_only:
            df.write.format("delta").mode("overwrite").save(f"s3a://{settings.gold_bucket}/_bench/floor/{trip_file.label}")
    report = {"run_id": args.run_id, "rows_read": rows, "duration_s": round(time.monotonic() - clock, 2)}
    emit("run_done", run_id=args.run_id, status="succeeded", report=report, report_path=None, error=None)
    spark.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
