"""A client session on the dev session's server.

Nothing of the code is shipped: the client builds the transform's plans from the modules it imported (the
working tree, read afresh by each preview's new process), and the server runs plans. A Python function the
transform would run on the executors (a UDF) is imported by the server's worker from the working tree on disk
(etl.dev.server: its PYTHONPATH, a fresh worker per task)."""
from __future__ import annotations

from etl.config import Settings
from etl.transform.errors import TransformError
from etl.transform.sources import first_line


def dev_session(settings: Settings):
    """A new Spark Connect session on the dev server: its cache and its artifacts are its own, and go with it
    (SparkSession.stop releases them). Fails at once, saying how to start it, when nothing answers."""
    from pyspark.sql import SparkSession

    spark = SparkSession.builder.remote(settings.spark_connect_url).getOrCreate()
    try:
        spark.version  # noqa: B018  (the first call: a server that is down fails here)
    except Exception as error:
        spark.stop()
        raise TransformError(f"the dev session does not answer at {settings.spark_connect_url} "
                             f"({first_line(error)}); start it with `etl up --with dev` "
                             "(`etl preview` starts it itself)") from None
    return spark
