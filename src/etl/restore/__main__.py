"""`python -m etl.restore --table T=VERSION ... --run-id RESTORE_ID --before-run RUN`

Run by `etl restore` and VS Code's "Restore Gold to Before This Run" with the plan's tables, in order. Holds the
transform lock (one writer of gold at a time: a transform or another restore makes it refuse at once), restores
each table in a local Spark session, writes gold/_quality/<restore id>.json (and latest.json), and prints JSON
events on stdout: restore_start, table_restored / table_failed, restore_done. Exit 0 ok, 1 failed, 2 usage."""
from __future__ import annotations

import sys
import time

from etl.config import ConfigError, load_settings
from etl.logger import setup_logging
from etl.restore.args import RestoreArgs, checked_bucket, parse_args
from etl.restore.run import Outcome, restore_report, restore_tables, short_error, utc_now
from etl.transform.events import emit
from etl.transform.lock import TransformBusy, acquire_transform_lock

EXIT_OK, EXIT_FAILED = 0, 1


def fail(message: str) -> int:
    print(f"etl restore: error: {message}", file=sys.stderr, flush=True)
    return EXIT_FAILED


def run(args: RestoreArgs) -> int:
    log = setup_logging("restore", args.run_id)
    try:
        settings = load_settings()
        bucket = checked_bucket(settings.gold_bucket)
        lock = acquire_transform_lock(bucket)  # noqa: F841  (held until this process exits)
    except TransformBusy as error:
        return fail(f"cannot restore now: {error}")
    except (ConfigError, ValueError) as error:
        return fail(str(error))
    started_at, started = utc_now(), time.monotonic()
    emit("restore_start", run_id=args.run_id, before_run=args.before_run,
         tables={t.table: t.version for t in args.tables})
    spark = None
    try:
        from etl.restore.session import local_session  # pyspark only once the lock is held

        spark = local_session(settings, args.run_id)
        outcome = restore_tables(spark, bucket, args, emit, log)
    except Exception as error:  # the session did not start: no table was touched
        log.exception("restore session failed")
        outcome = Outcome(error=f"Spark session: {short_error(error)}",
                          not_restored=[t.table for t in args.tables])
    finally:
        if spark is not None:
            spark.stop()
    report = restore_report(args, outcome, started_at, time.monotonic() - started)
    report_path, error = None, outcome.error
    try:
        from etl.extract.store import make_client
        from etl.transform.report import put_report

        report_path = put_report(make_client(settings), bucket, report)
    except Exception as put_error:  # the tables are restored or not either way; say the report is missing
        error = f"{error + '; ' if error else ''}report not written ({short_error(put_error)})"
    emit("restore_done", run_id=args.run_id, status=report["status"] if error == outcome.error else "failed",
         report=report, report_path=report_path, error=error, restored=outcome.restored,
         not_restored=outcome.not_restored)
    if error:
        return fail(error)
    log.info("restored %s before run %s", ", ".join(outcome.restored), args.before_run)
    return EXIT_OK


def main(argv: list[str] | None = None) -> int:
    return run(parse_args(sys.argv[1:] if argv is None else argv))


if __name__ == "__main__":
    sys.exit(main())
