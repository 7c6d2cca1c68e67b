"""spark-submit the clean_and_transform job to the standalone cluster (`submit_task_to_spark`).

    python -m etl.submit [--run RUN_ID] [--run-id ID] [--skip-unchanged [--force]] [--print-command]

Client mode against spark://<ETL_BIND_HOST>:<SPARK_MASTER_PORT>: the driver runs here, on
ETL_DRIVER_HOST when set (docker compose: the runner container's address, which the executors
in the worker containers connect back to), else ETL_BIND_HOST; the tasks run on the workers
(executor cores 1, cores.max 2: one executor per worker). The s3a jars come from the
`etl setup` cache (never --packages); the `etl` package reaches the executors as a zip built
now (--py-files), which also works on remote workers. The MinIO credentials
are not on the command line: the driver adds them from etl.config (etl.transform.session).
stdout carries the driver's JSON progress events unchanged (docs/data-model.md); Spark's
own logs go to stderr. Used by the CLI, the VS Code extension and Airflow.
With --skip-unchanged (what `etl transform` and VS Code pass unless forced) a run whose inputs
and code equal the latest successful run's is not submitted: it reports that run
(etl.transform.unchanged). Airflow and scripts rerun for real, as before.
"""
from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from etl.config import PROJECT_ROOT, Settings, load_settings, state_dir, usable_dir
from etl.contract import jar_file_name, new_transform_run_id, run_id_arg, spark_jar_coordinates
from etl.lifeline import child_dies_with_us, die_with_parent
from etl.problems import SOURCE_PACKAGE_ENV
from etl.transform.unfinished import clear_marker
from etl.transform_stop import Stopped, ended_message, raise_on_sigterm, stop_child, stopped_message
from etl.truststore import TrustStoreError, java_options, trust_store

PACKAGE_DIR = Path(__file__).resolve().parent  # src/etl
ENTRY = PACKAGE_DIR / "transform" / "__main__.py"
# Small data on 2 single-core executors. Not more: the classified rows are cached, and AQE does not
# coalesce a cached plan's shuffle (16 partitions stayed 16 tasks in every later write; docs/performance.md).
SHUFFLE_PARTITIONS = 4
# Bigger inputs get one shuffle partition per this much Parquet (about 2M rows of trips) for the marts'
# aggregations (AQE coalesces what is small). The classification sizes its own shuffle, month by month
# (etl.transform.months).
BYTES_PER_SHUFFLE_PARTITION = 32 * 1024 * 1024


class SubmitError(RuntimeError):
    """spark-submit could not be built or the job failed."""


class SubmitUsageError(SubmitError):
    """The request cannot be run as asked (its runs went to another store): exit 2, before any Spark start-up."""


class SubmitStopped(SubmitError):
    """etl.submit was sent SIGTERM: spark-submit stopped; exit 128 + the signal, as a shell reports it."""

    def __init__(self, message: str, exit_code: int):
        super().__init__(message)
        self.exit_code = exit_code


@dataclass
class SubmitResult:
    returncode: int
    run_id: str | None = None
    app_id: str | None = None
    report: dict[str, Any] | None = None
    error: str | None = None
    events: list[dict[str, Any]] = field(default_factory=list)
    skipped: str | None = None  # why nothing was submitted (--skip-unchanged)


def spark_submit_path() -> Path:
    import pyspark

    return Path(pyspark.__file__).parent / "bin" / "spark-submit"


def jar_names() -> list[str]:
    """s3a (hadoop-aws + its AWS SDK) and Delta Lake (gold tables): config/contract.json sparkJars."""
    return [jar_file_name(coordinates) for coordinates in spark_jar_coordinates()]


def jar_paths(settings: Settings) -> list[Path]:
    jars = [Path(settings.cache_dir) / "jars" / name for name in jar_names()]
    missing = [str(j) for j in jars if not j.is_file()]
    if missing:
        raise SubmitError(f"missing s3a jar(s): {', '.join(missing)}; "
                          "run `etl setup` (jars are never downloaded at run time)")
    return jars


def jar_args(settings: Settings) -> list[str]:
    """The s3a and Delta jars. An external cluster gets them with the job (--jars: each executor fetches
    them). The native and compose workers read them where `etl setup` (or the image) put them, at the
    same path as here: shipping them copied 570 MB into each executor's work folder on every run (1.1 GB
    of disk a run, never cleaned, and seconds of I/O on a small machine)."""
    jars = [str(jar) for jar in jar_paths(settings)]
    if settings.spark_external:
        return ["--jars", ",".join(jars)]
    classpath = os.pathsep.join(jars)
    return ["--conf", f"spark.driver.extraClassPath={classpath}",
            "--conf", f"spark.executor.extraClassPath={classpath}"]


def s3a_conf(settings: Settings) -> dict[str, str]:
    """Where MinIO is; credentials are added by the driver. No committer settings: gold is Delta Lake,
    whose commit is one log entry (docs/data-model.md), so task output needs no S3A committer."""
    return {
        # The active profile's S3 (etl.profiles): an https URL for TLS, its region and addressing.
        "spark.hadoop.fs.s3a.endpoint": settings.minio_url,
        "spark.hadoop.fs.s3a.endpoint.region": settings.minio_region,
        "spark.hadoop.fs.s3a.path.style.access": str(settings.s3_path_style).lower(),
        "spark.hadoop.fs.s3a.connection.ssl.enabled": str(settings.s3_secure).lower(),
        "spark.hadoop.fs.s3a.aws.credentials.provider": "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider",
        **S3A_FAIL_FAST,
    }


# A local MinIO either answers in milliseconds or is gone: one S3 call gives up after 1 SDK attempt
# and 2 retries 1 s apart (a refused connection fails at once; a silent one after the 15 s connect
# timeout, the minimum Hadoop 3.4 accepts), not after Hadoop's minutes of defaults. The driver's
# watchdog (etl.transform.watchdog) bounds the whole job; see docs/data-model.md "Failing fast".
S3A_FAIL_FAST = {
    "spark.hadoop.fs.s3a.attempts.maximum": "1",
    "spark.hadoop.fs.s3a.retry.limit": "2",
    "spark.hadoop.fs.s3a.retry.interval": "1s",
    "spark.hadoop.fs.s3a.retry.throttle.limit": "3",
    "spark.hadoop.fs.s3a.connection.establish.timeout": "15s",
    "spark.hadoop.fs.s3a.connection.timeout": "30s",
    "spark.hadoop.fs.s3a.connection.request.timeout": "60s",
}
DELTA_CONF = {
    "spark.sql.extensions": "io.delta.sql.DeltaSparkSessionExtension",
    "spark.sql.catalog.spark_catalog": "org.apache.spark.sql.delta.catalog.DeltaCatalog",
    # Rebuilding a table's state from its log is a Spark job with 50 partitions by default: on gold's
    # small logs (tens of files) and 2 single-core executors that is most of a commit's time.
    "spark.databricks.delta.snapshotPartitions": "2",
}


# Sample-sized input: the driver and executor JVMs live some 20 s, mostly starting up, and the C2
# compiler's work costs more CPU than it gives back on 2 cores (C1 only and the serial collector halve
# a sample run); adaptive query execution re-plans every shuffle of a few kilobytes as a job of its
# own (docs/performance.md "Second round"). Above this size, the defaults: full JIT, AQE.
QUICK_START_MAX_BYTES = 16 * 1024 * 1024  # the sample is 1 MB; a real TLC month 50-60 MB (not measured with these)
QUICK_START_JAVA_OPTIONS = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC"


def small_input(input_bytes: int | None) -> bool:
    """The run's trip files are sample-sized (None: their size is unknown)."""
    return input_bytes is not None and input_bytes <= QUICK_START_MAX_BYTES


def shuffle_partitions(input_bytes: int | None) -> int:
    """SHUFFLE_PARTITIONS, or one per BYTES_PER_SHUFFLE_PARTITION of trip files when that is more."""
    return partitions_for(input_bytes, SHUFFLE_PARTITIONS)


def partitions_for(input_bytes: int | None, minimum: int) -> int:
    """One partition per BYTES_PER_SHUFFLE_PARTITION of trip files, and at least `minimum`
    (also etl.transform.months, for each month's classification)."""
    return max(minimum, -(-(input_bytes or 0) // BYTES_PER_SHUFFLE_PARTITION))


def small_input_conf(input_bytes: int | None) -> dict[str, str]:
    return {"spark.sql.adaptive.enabled": "false"} if small_input(input_bytes) else {}


def events_dir() -> Path:
    """Where the event log goes: ETL_SPARK_EVENTS_DIR (compose: a volume the History Server reads), else
    <state>/spark/events, the native History Server's folder (extension/core/stack/services.ts)."""
    raw = os.environ.get("ETL_SPARK_EVENTS_DIR")
    return usable_dir("ETL_SPARK_EVENTS_DIR", raw or state_dir() / "spark" / "events")


def event_log_conf() -> dict[str, str]:
    """Every run's Spark UI stays readable in the Spark History Server after its driver has ended."""
    return {"spark.eventLog.enabled": "true", "spark.eventLog.dir": events_dir().resolve().as_uri()}


def driver_conf(settings: Settings) -> dict[str, str]:
    """Where the executors reach the driver back: its address, and fixed ports when a firewall needs them."""
    host = settings.spark_driver_host
    conf = {"spark.driver.host": host, "spark.driver.bindAddress": settings.spark_driver_bind}
    if settings.driver_port:
        conf["spark.driver.port"] = str(settings.driver_port)
    if settings.block_manager_port:
        conf["spark.driver.blockManager.port"] = str(settings.block_manager_port)
    return conf


def java_options_conf(store: Path | None, input_bytes: int | None) -> dict[str, str]:
    """The driver's and the executors' JVM options: the quick-start ones for sample-sized input, and the
    trust store of the profile's S3 CA (the driver reads the store here, each executor the copy that
    --files puts in its working folder, so remote workers need nothing installed)."""
    driver, executor = [], []
    if small_input(input_bytes):
        driver.append(QUICK_START_JAVA_OPTIONS)
        executor.append(QUICK_START_JAVA_OPTIONS)
    if store is not None:
        driver.append(java_options(str(store)))
        executor.append(java_options(store.name))
    conf = {"spark.driver.extraJavaOptions": " ".join(driver), "spark.executor.extraJavaOptions": " ".join(executor)}
    return {key: value for key, value in conf.items() if value}


def s3_trust_store(settings: Settings) -> Path | None:
    """A trust store with the profile's CA (etl.truststore), when it names one."""
    if not settings.s3_ca_file:
        return None
    try:
        return trust_store(settings.s3_ca_file, state_dir() / "tls")
    except TrustStoreError as error:
        raise SubmitError(str(error)) from None


# What the transform's rules rely on, in every session that runs them (the job, and the dev session of etl.dev).
TRANSFORM_SQL_CONF = {
    "spark.sql.session.timeZone": "UTC",
    "spark.sql.legacy.parquet.nanosAsLong": "true",  # ns timestamps of old files, converted in schema.py
    "spark.log.level": "WARN",
}


def spark_conf(settings: Settings, python: str, store: Path | None = None,
               input_bytes: int | None = None) -> dict[str, str]:
    return {
        **driver_conf(settings),
        "spark.executor.cores": "1",
        "spark.cores.max": "2",
        "spark.pyspark.python": python,
        "spark.pyspark.driver.python": python,
        "spark.sql.shuffle.partitions": str(shuffle_partitions(input_bytes)),
        # A task whose data is cached on the other (busy) executor runs at once on the free one instead
        # of waiting 3 s for locality: the writes run as concurrent jobs on 2 cores.
        "spark.locality.wait": "0s",
        **TRANSFORM_SQL_CONF,
        # A task fails the job on its 2nd failure (default 4): a dead MinIO or a corrupt page
        # is not worth 4 tries; executors lost with a worker do not count (they are rescheduled).
        "spark.task.maxFailures": "2",
        **s3a_conf(settings),
        **java_options_conf(store, input_bytes),
        **DELTA_CONF,
        **event_log_conf(),
        **small_input_conf(input_bytes),
    }


def build_py_files(target_dir: Path) -> Path:
    """A zip of the etl package (sources only) for the executors."""
    archive = target_dir / "etl.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(PACKAGE_DIR.rglob("*.py")):
            zf.write(path, path.relative_to(PACKAGE_DIR.parent).as_posix())
    return archive


def build_command(settings: Settings, py_files: Path, job_args: list[str], python: str = sys.executable,
                  entry: Path = ENTRY, input_bytes: int | None = None) -> list[str]:
    command = [str(spark_submit_path()), "--master", settings.spark_master_url, "--deploy-mode", "client",
               "--name", "etl-transform", *jar_args(settings),
               "--driver-memory", settings.spark_driver_memory, "--executor-memory", settings.spark_executor_memory,
               "--py-files", str(py_files)]
    store = s3_trust_store(settings)
    if store is not None:
        command += ["--files", str(store)]
    for key, value in spark_conf(settings, python, store, input_bytes).items():
        command += ["--conf", f"{key}={value}"]
    return [*command, str(entry), *job_args]


def submit_env(settings: Settings, python: str = sys.executable) -> dict[str, str]:
    env = dict(os.environ)
    # The driver binds its UI and ports on the bind address; spark.driver.host is only what it advertises.
    env.update(SPARK_LOCAL_IP=settings.spark_driver_bind,
               PYSPARK_PYTHON=python, PYSPARK_DRIVER_PYTHON=python,
               PYTHONUNBUFFERED="1", ETL_PROJECT_ROOT=str(PROJECT_ROOT))
    # The driver imports the package from the --py-files zip: a failure's frames are placed in these sources.
    env[SOURCE_PACKAGE_ENV] = str(PACKAGE_DIR)
    env.pop("SPARK_HOME", None)  # the venv's pyspark, not another install
    return env


def job_args(run: str | None, run_id: str | None, fingerprint: str | None = None,
             code_digest: str | None = None) -> list[str]:
    args = []
    if run:
        args += ["--run", run]
    if run_id:
        args += ["--run-id", run_id]
    if fingerprint:
        args += ["--fingerprint", fingerprint]
    if code_digest:
        args += ["--code-digest", code_digest]
    return args


def commits_not_reported(settings: Settings, run_id: str, events: list[dict[str, Any]]) -> list[str]:
    """Gold tables whose newest Delta commit is this run's but whose table_written event never came: the driver was
    stopped between a commit and its event (the Delta log is the truth). Best effort: [] when gold cannot be read."""
    from etl.extract.store import make_client
    from etl.transform.unchanged import committed_last_by

    reported = {e.get("table") for e in events if e.get("event") == "table_written"}
    try:
        return [t for t in committed_last_by(make_client(settings), settings.gold_bucket, run_id) if t not in reported]
    except Exception:  # noqa: BLE001 - the message goes out without it rather than not at all
        return []


def _parse_event(line: str) -> dict[str, Any] | None:
    if not line.startswith("{"):
        return None
    try:
        event = json.loads(line)
    except json.JSONDecodeError:
        return None
    return event if isinstance(event, dict) and "event" in event else None


def submit_task_to_spark(run: str | None = None, run_id: str | None = None, *, settings: Settings | None = None,
                         echo: IO[str] | None = sys.stdout, env: dict[str, str] | None = None,
                         check: bool = True, entry: Path = ENTRY, extra_args: list[str] | None = None,
                         skip_unchanged: bool = False) -> SubmitResult:
    """Runs the job to completion. stdout lines are echoed to `echo`; raises SubmitError when it fails (check).
    skip_unchanged: when the inputs and code are those of the latest successful run, submit nothing."""
    settings = settings or load_settings()
    input_bytes = _check_inputs(run, env)
    check_reachable(settings)
    fingerprint, digest = _fingerprint(settings, run, env) if entry == ENTRY else (None, None)
    if skip_unchanged and fingerprint:
        skipped = _skipped(settings, fingerprint, echo)
        if skipped:
            return skipped
    run_id = run_id or new_transform_run_id()  # named here: this process tells how that run ended
    with tempfile.TemporaryDirectory(prefix="etl-submit-") as tmp:
        args = job_args(run, run_id, fingerprint, digest) + (extra_args or [])
        command = build_command(settings, build_py_files(Path(tmp)), args, entry=entry, input_bytes=input_bytes)
        child_env = {**submit_env(settings), **(env or {})}
        # spark-submit (and the driver JVM it becomes) ends with this process, never publishing for nobody.
        process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=child_env, cwd=PROJECT_ROOT,
                                   preexec_fn=child_dies_with_us())
        result = SubmitResult(returncode=-1)
        try:
            _follow(process, result, echo)
        except Stopped as stop:
            stop_child(process, lambda line: _take(line, result, echo))
            clear_marker(settings.gold_bucket, run_id)
            unreported = commits_not_reported(settings, run_id, result.events)
            raise SubmitStopped(stopped_message(stop.signal_name, result.events, unreported), stop.exit_code) from None
        clear_marker(settings.gold_bucket, run_id)  # however the driver ended, this process tells it
    if result.returncode != 0 and result.error is None:  # a killed driver, like a stopped one, may not report a commit
        result.error = ended_message(result.returncode, result.events,
                                     lambda: commits_not_reported(settings, run_id, result.events))
    if check and result.returncode != 0:
        raise SubmitError(result.error)
    return result


def _follow(process: subprocess.Popen, result: SubmitResult, echo: IO[str] | None) -> None:
    assert process.stdout is not None
    for line in process.stdout:
        _take(line, result, echo)
    result.returncode = process.wait()


def _take(line: str, result: SubmitResult, echo: IO[str] | None) -> None:
    """A line of the job: recorded (and a note told) before it is passed on, so whoever reads our stdout never
    sees an event this process has not acted on yet."""
    event = _parse_event(line.strip())
    if event:
        _record(result, event)
    if echo is not None:
        echo.write(line)
        echo.flush()


def _fingerprint(settings: Settings, run: str | None, env: dict[str, str] | None) -> tuple[str | None, str | None]:
    """Of the run's inputs and the code (etl.transform.unchanged); None when an input cannot be
    stat'ed: the driver then reports that input as it always does."""
    from etl.extract.store import make_client
    from etl.manifest import manifest_path
    from etl.transform.sources import trip_files, zones_path
    from etl.transform.unchanged import code_digest, run_fingerprint

    digest = code_digest()
    try:
        paths = [f.path for f in trip_files(run, manifest=manifest_path((env or {}).get("ETL_BACKUP_DIR")))]
        zones = zones_path(run, settings.rawzone_bucket)
        return run_fingerprint(make_client(settings), paths, zones, settings.gold_bucket), digest
    except Exception:  # a missing object, MinIO refusing: not ours to report here
        return None, digest


def _skipped(settings: Settings, fingerprint: str, echo: IO[str] | None) -> SubmitResult | None:
    from etl.extract.store import make_client
    from etl.transform.unchanged import previous_unchanged_run

    report = previous_unchanged_run(make_client(settings), settings.gold_bucket, fingerprint)
    if report is None:
        return None
    message = (f"nothing changed since run {report['run_id']} ({report.get('ended_at', '?')}): same rawzone inputs, "
               f"same transform code, every gold table in place; skipped (use --force to run it anyway)")
    event = {"event": "run_done", "run_id": report["run_id"], "status": "skipped", "report": report,
             "report_path": report.get("report_path"), "error": None, "message": message}
    if echo is not None:
        echo.write(json.dumps(event, separators=(",", ":")) + "\n")
        echo.flush()
    print(f"etl transform: {message}", file=sys.stderr, flush=True)
    return SubmitResult(returncode=0, run_id=report["run_id"], app_id=report.get("app_id"), report=report,
                        events=[event], skipped=message)


def check_reachable(settings: Settings, timeout_s: float = 3.0) -> None:
    """A stopped master or MinIO is reported at once, not after Spark's registration retries."""
    targets = [("the Spark master", settings.spark_master_url, settings.spark_master_address, settings.spark_external),
               (settings.s3_name, settings.minio_url, settings.s3_address, settings.s3_external)]
    for name, url, address, external in targets:
        try:
            socket.create_connection(address, timeout=timeout_s).close()
        except OSError as error:
            what = (f"check its address in the profile ({settings.profile}) and that this machine can reach it "
                    "(network, VPN); `etl up` never starts an external service") if external else \
                "start the stack with `etl up` or fix the ports in .env"
            raise SubmitError(f"cannot reach {name} at {url} ({error.strerror or error}); {what}") from None


def _check_inputs(run: str | None, env: dict[str, str] | None) -> int | None:
    """Fail in a second, not after the Spark start-up, when the manifest has nothing to transform.
    Returns the trip files' bytes as the manifest records them (None when a size is missing)."""
    from etl.manifest import manifest_path
    from etl.transform.errors import ForeignStoreError, TransformError
    from etl.transform.sources import trip_bytes

    try:
        return trip_bytes(run, manifest=manifest_path((env or {}).get("ETL_BACKUP_DIR")))
    except ForeignStoreError as error:
        raise SubmitUsageError(str(error)) from None
    except TransformError as error:
        raise SubmitError(str(error)) from None


def _record(result: SubmitResult, event: dict[str, Any]) -> None:
    result.events.append(event)
    if event["event"] == "previous_unfinished":  # a run that died before this one, told once on stderr
        print(f"etl transform: note: {event.get('message')}", file=sys.stderr, flush=True)
    elif event["event"] == "run_start":
        result.run_id, result.app_id = event.get("run_id"), event.get("app_id")
    elif event["event"] == "run_done":
        result.report, result.error = event.get("report"), event.get("error")


def main(argv: list[str] | None = None) -> int:
    # Whoever started the transform (an Airflow task, the CLI) dying ends it too: SIGTERM, as a cancel does.
    raise_on_sigterm()  # before the parent check: a parent already gone sends SIGTERM at once
    die_with_parent(signal.SIGTERM, os.getppid())
    parser = argparse.ArgumentParser(
        prog="python -m etl.submit", description="spark-submit the clean_and_transform job"
    )
    # Run ids name the report object, log fields and lineage files: checked here, before Spark (exit 2).
    parser.add_argument("--run", type=run_id_arg,
                        help="extraction run id to transform (default: every run in the manifest)")
    parser.add_argument("--run-id", type=run_id_arg, help="id of this transform run")
    parser.add_argument("--skip-unchanged", action="store_true",
                        help="submit nothing when the inputs and code equal the latest successful run's")
    parser.add_argument("--force", action="store_true",
                        help="run even when nothing changed (overrides --skip-unchanged)")
    parser.add_argument("--print-command", action="store_true", help="print the spark-submit command and exit")
    args = parser.parse_args(argv)
    try:
        settings = load_settings()
        if args.print_command:
            print(json.dumps(build_command(settings, Path("<etl.zip>"), job_args(args.run, args.run_id))))
            return 0
        result = submit_task_to_spark(args.run, args.run_id, settings=settings, check=False,
                                      skip_unchanged=args.skip_unchanged and not args.force)
        if result.returncode != 0:
            # The driver's own stderr is merged into spark-submit's stdout (PythonRunner): repeat it here.
            print(f"etl transform: error: {result.error}", file=sys.stderr)
    except SubmitUsageError as error:
        print(f"etl transform: error: {error}", file=sys.stderr)
        return 2
    except SubmitStopped as error:
        print(f"etl transform: error: {error}", file=sys.stderr)
        return error.exit_code
    except Stopped as stop:  # before spark-submit started: nothing to stop
        print(f"etl transform: error: {stopped_message(stop.signal_name)}", file=sys.stderr)
        return stop.exit_code
    except (SubmitError, ValueError) as error:
        print(f"etl transform: error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    return 0 if result.returncode == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
