"""Driver entry of the clean_and_transform job (spark-submit runs this file; see etl.submit).

    python -m etl.submit [--run RUN_ID] [--run-id ID]     # what people and tools call
    spark-submit ... etl/transform/__main__.py [--run RUN_ID] [--run-id ID]

Only absolute imports: spark-submit runs this file as a script, with the etl package
on the path from the --py-files zip.
"""
from __future__ import annotations

import argparse
import contextlib
import logging
import os
import sys
import threading
import time

from etl.config import ConfigError, load_settings, minio_drive
from etl.contract import new_transform_run_id, run_id_arg
from etl.extract.store import make_client
from etl.lineage.emitter import RunLineage
from etl.logger import log_file, setup_logging
from etl.problems import Problem, problem_of
from etl.transform.errors import ChecksFailed, TransformError
from etl.transform.events import emit
from etl.transform.executors import ExecutorCheck, wait_seconds
from etl.transform.failure import explain, storage_full
from etl.transform.job import run_transform
from etl.transform.lock import acquire_transform_lock
from etl.transform.sources import left_out_runs
from etl.transform.unchanged import committed_last_by
from etl.transform.unfinished import RunMarker, RunState, unfinished_message, with_commits
from etl.transform.watchdog import Activity, Watchdog, minio_service, tcp_service

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
DRIVER_STARTED = time.monotonic()  # the Python driver's start (spark-submit's JVM start is before it)
REPORTING = threading.Lock()  # a failure is reported once: by the main thread, or by the watchdog if it is stuck
LINEAGE: list[RunLineage] = []  # this run's lineage events, once settings are read (a failure ends them with FAIL)


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="etl transform", description="clean rawzone trips into the gold star schema")
    parser.add_argument("--run", dest="manifest_run", type=run_id_arg,
                        help="extraction run id to transform (default: every run)")
    parser.add_argument("--run-id", default=None, type=run_id_arg, help="id of this transform run (report, logs)")
    parser.add_argument("--fingerprint", default=None, help="of the inputs and code (etl.submit), kept in the report")
    parser.add_argument("--code-digest", default=None,
                        help="of the etl sources (etl.submit): unchanged dimensions are not rewritten")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    run_id = args.run_id or new_transform_run_id()
    log = setup_logging("transform", run_id)
    spark = watchdog = settings = marker = None
    try:
        settings = load_settings()
        if os.environ.get("ETL_LINEAGE") != "off":  # off: no events (benchmarks/bench_transform.py measures their cost)
            LINEAGE.append(RunLineage(run_id, settings.gold_bucket, server_url=settings.lineage_url,
                                      api_key=settings.lineage_api_key or None))
        lock = acquire_transform_lock(settings.gold_bucket)  # noqa: F841  (held until the driver exits)
        marker = RunMarker(settings.gold_bucket, run_id)
        tell_unfinished(marker.begin(), log, settings)
        from etl.transform.session import driver_session  # pyspark import only where needed

        spark = driver_session(settings, f"etl-transform {run_id}")
        # Every Delta commit of this run names it (commitInfo.userMetadata): the Gold tables view shows
        # which run last wrote each table and each version.
        spark.conf.set("spark.databricks.delta.commitInfo.userMetadata", run_id)
        sc = spark.sparkContext
        activity = Activity()
        watchdog = start_watchdog(settings, sc, activity, on_stuck=lambda message: _exit_stuck(run_id, message, log))
        startup_s = round(time.monotonic() - DRIVER_STARTED, 2)
        left_out = left_out_runs(args.manifest_run)
        emit("run_start", run_id=run_id, app_id=sc.applicationId, ui_url=sc.uiWebUrl, master=sc.master,
             manifest_run=args.manifest_run, startup_s=startup_s, **({"left_out": left_out} if left_out else {}))
        report = run_transform(spark, settings, run_id, make_client(settings), manifest_run=args.manifest_run,
                               emit=marker.tracking(emit), log=log, activity=activity, aborted=lambda: watchdog.failure,
                               startup_s=startup_s, fingerprint=args.fingerprint, code_digest=args.code_digest,
                               lineage=LINEAGE[0] if LINEAGE else None)
    except ChecksFailed as error:  # stopped on purpose before any write: not a crash (its report is stored)
        return _failed(run_id, str(error), log, report=error.report, stopped_by=error.stopped_by)
    except (TransformError, ConfigError) as error:
        return _failed_or_exit(run_id, (watchdog and watchdog.diagnose()) or str(error), log, watchdog)
    except Exception as error:  # Spark/py4j: say what failed, the log has the trace
        log.exception("transform failed")
        message = explain(error, log_hint(), settings and settings.spark_executor_memory,
                          settings.spark_driver_bind if settings else "", **store_context(settings, watchdog))
        diagnosed = watchdog and watchdog.diagnose()
        # A service gone or full is no fault of the code; else the code's line that failed (the Problems panel).
        blame = None if diagnosed or storage_full(str(error)) else problem_of(error)
        return _failed_or_exit(run_id, diagnosed or message, log, watchdog, blame)
    finally:
        if marker is not None:  # however this run ends, it ended here (a kill never reaches this line)
            marker.end()
        if watchdog is not None:
            watchdog.stop()
        if spark is not None:
            spark.stop()
    emit("run_done", run_id=run_id, status="succeeded", report=report, report_path=report["report_path"], error=None)
    log.info("transform succeeded: %s", report["report_path"])
    return EXIT_OK


def tell_unfinished(previous: RunState | None, log: logging.Logger, settings=None) -> None:
    """A run that died before this one (etl.transform.unfinished): said before Spark starts, with the tables its
    marker names and those the Delta log of `settings`' gold says it committed last (None: the marker's alone)."""
    if previous is None:
        return
    try:
        if settings is not None:
            previous = with_commits(previous, committed_last_by(make_client(settings), settings.gold_bucket,
                                                                previous.run_id))
    except Exception as error:  # noqa: BLE001 - the marker's word alone rather than no note
        log.warning("could not read gold's Delta logs for the previous run's commits: %s", error)
    message = unfinished_message(previous)
    log.warning(message)
    emit("previous_unfinished", run_id=previous.run_id, phase=previous.phase, written=previous.written,
         message=message)


def store_context(settings, watchdog) -> dict[str, str]:
    """How a failure of the object store is told: which store, where to free space, what gold keeps."""
    context = {"kept": watchdog.activity.kept()} if watchdog else {}
    if settings is None:
        return context
    where = "the bucket's store (its owner can free space or raise a quota)" if settings.s3_external \
        else f"its drive ({minio_drive()})"
    return {**context, "store": f"{settings.s3_name} at {settings.minio_url}", "free_space": f"free space on {where} "
            "and rerun"}


def log_hint() -> str:
    """Where to look next: the transform's log where ETL_LOG_DIR puts it."""
    return f"see {log_file('transform')} and the Spark UI"


def start_watchdog(settings, sc, activity: Activity, on_stuck) -> Watchdog:
    """MinIO and the Spark master are probed for the whole job (etl.transform.watchdog)."""
    # An external S3 (AWS has no MinIO health URL) and an external master are probed by a TCP connect.
    external_hint = f"check it is up and reachable (profile {settings.profile}), then run again"
    storage = tcp_service(settings.s3_name, settings.minio_url, *settings.s3_address, external_hint) \
        if settings.s3_external else minio_service(settings.minio_url, settings.s3_ca_file or None)
    services = [storage,
                tcp_service("the Spark master", settings.spark_master_url, *settings.spark_master_address,
                            external_hint if settings.spark_external else "start it (`etl up`) and run again")]
    watchdog = Watchdog(services, sc.cancelAllJobs, activity, checks=[executor_check(settings, sc).failure],
                        on_stuck=on_stuck)
    watchdog.start()
    return watchdog


def executor_check(settings, sc) -> ExecutorCheck:
    """No executor connecting back within the bound fails the run with what to change (etl.transform.executors)."""
    host = sc.getConf().get("spark.driver.host")
    hint = (f'"driverHost" of profile {settings.profile} (now {host})' if settings.spark_external
            else f"ETL_DRIVER_HOST in .env (now {host})")
    tracker = sc._jsc.sc().statusTracker()  # the driver is one of its executor infos
    return ExecutorCheck(registered=lambda: len(tracker.getExecutorInfos()) - 1, master_url=sc.master,
                         ui_url=settings.spark_ui_url, driver=f"{host}:{sc.getConf().get('spark.driver.port')}",
                         hint=hint, wait_s=wait_seconds())


def _failed_or_exit(run_id: str, message: str, log, watchdog: Watchdog | None, place: Problem | None = None) -> int:
    """With MinIO or the master gone, writer threads may sit in Delta's and s3a's retries and
    spark.stop() would wait for them: report, then end the driver now (its JVM and executors go
    with it; a Delta commit is one PUT, so a table those threads had not committed stays as it was)."""
    REPORTING.acquire()  # held for good: a stuck-driver exit from the watchdog cannot report twice
    code = _failed(run_id, message, log, place=place)
    if watchdog is not None and watchdog.failure:
        _end_now(code)
    return code


def _exit_stuck(run_id: str, message: str, log) -> None:
    """The watchdog's last resort: the main thread did not end after the failure (see etl.transform.watchdog)."""
    if REPORTING.acquire(blocking=False):
        log.warning("the driver did not stop after the failure; ending it")
        _end_now(_failed(run_id, message, log))


def _end_now(code: int) -> None:
    """Ends the driver without waiting for its threads (its JVM and executors go with it)."""
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    os._exit(code)


def _failed(run_id: str, message: str, log, report: dict | None = None, stopped_by: str | None = None,
            place: Problem | None = None) -> int:
    """stopped_by "checks": an error check stopped the run before any write (the Runs view tells it from a crash).
    place: the code's file and line that failed, when the traceback names one in the package."""
    log.error(message)
    for lineage in LINEAGE:
        lineage.fail(message)
    where = {"file": place.file, "line": place.line} if place and place.file else {}
    emit("run_done", run_id=run_id, status="failed", report=report, report_path=report and report.get("report_path"),
         error=message, **({"stopped_by": stopped_by} if stopped_by else {}), **where)
    # `error: FILE:LINE: message` is what the `$etlSpark` problem matcher reads from a terminal or a task.
    at = f"{place.file}:{place.line}: " if where else ""
    print(f"etl transform: error: {at}{message}", file=sys.stderr, flush=True)
    return EXIT_FAILED


if __name__ == "__main__":
    exit_code = main()
    if exit_code != EXIT_OK:  # reported, Spark stopped: no thread still inside a JVM call may hold the exit
        _end_now(exit_code)
    sys.exit(exit_code)
