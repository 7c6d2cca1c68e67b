"""The dev session's server: `python -m etl.dev.server --preview-dir DIR [--bind ADDRESS]` runs a Spark session
in local mode on this machine with Spark's Connect server inside it, and its preview runner (etl.dev.worker),
until SIGTERM (its JVM ends with this process).

Local mode, not the standalone cluster: the session holds no executor on the workers, so an `etl transform`
or a DAG run started while it is warm gets both at once (benchmarks/bench_preview.py measures it). It gets the
transform's s3a and Delta jars and settings (etl.submit). The S3 key reaches the JVM in its environment (the
AWS SDK's environment provider), never on its command line, which `ps` shows.
"""
from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

from etl.config import ConfigError, Settings, load_settings
from etl.submit import (
    DELTA_CONF,
    TRANSFORM_SQL_CONF,
    SubmitError,
    jar_paths,
    java_options_conf,
    s3_trust_store,
    s3a_conf,
)

APP_NAME = "etl-dev-session"
WORKER_SOCKET = ".worker.sock"  # in the preview folder: extension/core/preview/run.ts connects to it
ENV_CREDENTIALS = "software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider"


def server_conf(settings: Settings, bind: str, python: str) -> dict[str, str]:
    store = s3_trust_store(settings)
    return {
        "spark.connect.grpc.binding.address": bind,
        "spark.connect.grpc.binding.port": str(settings.spark_connect_port),
        "spark.ui.port": str(settings.spark_connect_ui_port),
        # Local mode: nothing outside this JVM connects to the driver itself (SPARK_LOCAL_IP binds the UI).
        "spark.driver.bindAddress": "127.0.0.1",
        "spark.driver.host": "127.0.0.1",
        "spark.driver.extraClassPath": os.pathsep.join(str(jar) for jar in jar_paths(settings)),
        "spark.pyspark.python": python,
        "spark.ui.showConsoleProgress": "false",  # its log is a file, not a terminal
        # One class loader for every client session (see serve): the generated code stays cached.
        "spark.sql.artifact.isolation.enabled": "false",
        "spark.sql.artifact.isolation.alwaysApplyClassloader": "false",
        # A preview uses some 100 generated classes, Spark's default cache size: room for several previews.
        "spark.sql.codegen.cache.maxEntries": "1000",
        # A Python function of the transform (a UDF) runs in a fresh worker that imports the working tree
        # from disk (PYTHONPATH), never a worker still holding the module of an earlier preview.
        "spark.python.worker.reuse": "false",
        **TRANSFORM_SQL_CONF,
        **s3a_conf(settings),
        "spark.hadoop.fs.s3a.aws.credentials.provider": ENV_CREDENTIALS,
        **DELTA_CONF,
        **java_options_conf(store, None),
    }


def server_env(settings: Settings, bind: str, python: str = sys.executable) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key != "SPARK_HOME"}  # the venv's pyspark
    env.update(SPARK_LOCAL_IP=bind, PYSPARK_PYTHON=python, AWS_ACCESS_KEY_ID=settings.minio_access_key,
               AWS_SECRET_ACCESS_KEY=settings.minio_secret_key, AWS_REGION=settings.minio_region)
    return env


def serve(settings: Settings, bind: str, preview_dir: Path) -> None:
    """Starts the session and Spark's Connect service in it, then the preview runner (etl.dev.worker, on a Unix
    socket in `preview_dir`); waits for SIGTERM or SIGINT, or the runner's end, and stops both.

    Spark's Connect service is started here, in our session, as SparkConnectServer's main would, not by that main:
    it forces a class loader per client session (spark.sql.artifact.isolation.*) and Spark's cache of generated
    code is per class loader (SPARK-44795), so each preview (a new session) compiled its some 90 classes again,
    8-13 s of CPU on the sample (docs/performance.md "The dev session")."""
    from pyspark.sql import SparkSession

    os.environ.update(server_env(settings, bind))  # the JVM pyspark launches inherits them
    builder = SparkSession.builder.master("local[*]").appName(APP_NAME)
    for key, value in {**server_conf(settings, bind, sys.executable),
                       "spark.driver.memory": settings.spark_driver_memory}.items():
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    jvm = spark._jvm
    # As SparkConnectServer does, without its per-session class loaders: the session first, so the port opens
    # (and the stack calls it healthy) only when a client can use it.
    jvm.org.apache.spark.sql.SparkSession.setDefaultSession(spark._jsparkSession)
    jvm.org.apache.spark.sql.connect.service.SparkConnectService.start(spark._jsc.sc())
    print(f"etl dev session: Spark Connect at {settings.spark_connect_url}, Spark UI on port "
          f"{settings.spark_connect_ui_port}", file=sys.stderr, flush=True)
    stopping = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stopping.set())
    worker = subprocess.Popen([sys.executable, "-m", "etl.dev.worker", "--socket", str(preview_dir / WORKER_SOCKET)])
    # The session is of no use without its preview runner: one ending ends the other.
    threading.Thread(target=lambda: (worker.wait(), stopping.set()), daemon=True).start()
    stopping.wait()
    if worker.poll() is None:
        worker.terminate()
        worker.wait(timeout=10)
    else:
        print(f"etl dev session: the preview runner ended (exit {worker.returncode}); stopping", file=sys.stderr)
    jvm.org.apache.spark.sql.connect.service.SparkConnectService.stop(jvm.scala.Option.empty(),
                                                                       jvm.scala.Option.empty())
    spark.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m etl.dev.server",
                                     description="run the dev session (a Spark Connect server) in the foreground")
    parser.add_argument("--bind", help="address to listen on (default ETL_BIND_HOST; compose: 0.0.0.0)")
    parser.add_argument("--preview-dir", type=Path, required=True,
                        help="where previews are written (the state folder's preview/); the runner's socket too")
    args = parser.parse_args(argv)
    try:
        settings = load_settings()
        args.preview_dir.mkdir(parents=True, exist_ok=True)
        serve(settings, args.bind or settings.bind_host, args.preview_dir)
    except (ConfigError, SubmitError) as error:
        print(f"etl dev session: error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
