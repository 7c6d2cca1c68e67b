"""A client session on the dev session's server.

Nothing of the code is shipped: the client builds the transform's plans from the modules it imported (the
working tree, imported afresh for each preview by etl.dev.worker), and the server runs plans. A Python function the
transform would run on the executors (a UDF) is imported by the server's worker from the working tree on disk
(etl.dev.server: its PYTHONPATH, a fresh worker per task)."""
from __future__ import annotations

import contextlib

from etl.config import Settings
from etl.transform.errors import TransformError
from etl.transform.failure import first_line

_current = None  # the session of the preview under way (interrupt_current)


def dev_session(settings: Settings):
    """A new Spark Connect session on the dev server: its cache goes with it (SparkSession.stop releases it).
    Fails at once, saying how to start it, when nothing answers."""
    global _current
    from pyspark.sql import SparkSession

    spark = _current = SparkSession.builder.remote(settings.spark_connect_url).create()
    try:
        spark.version  # noqa: B018  (the first call: a server that is down fails here)
    except Exception as error:
        spark.stop()
        raise TransformError(f"the dev session does not answer at {settings.spark_connect_url} "
                             f"({first_line(error)}); start it with `etl up --with dev` "
                             "(`etl preview` starts it itself)") from None
    _record_call_sites()
    return spark


def _record_call_sites() -> None:
    """Makes the expressions the transform builds carry their call site, so the server's error names the rule's
    line (etl.problems). PySpark decides that once per process, from the active session of the thread that
    first builds an expression; the transform builds its first ones in read_trips' threads, which have none, and
    that turned call sites off for the process (a wrong column was then reported where Spark noticed it, in
    _mark_duplicates). Decided again here, on the thread this session is active on."""
    from pyspark.errors import utils

    utils._enable_debugging_cache = None
    utils.is_debugging_enabled()


def interrupt_current() -> None:
    """Interrupts every Spark job of the preview under way (its client went away)."""
    if _current is not None:
        with contextlib.suppress(Exception):  # already stopped: nothing runs
            _current.interruptAll()
