"""Loads the gold tables' Delta snapshots while the read and classify phases run.

Every Delta write first rebuilds its table's state from `_delta_log/` (3 small Spark jobs per table
in delta-spark 4.0: scan the log, shuffle by file, aggregate), then lists the files `replaceWhere`
removes. Done in the write phase, that is most of a sample run's first write per table
(docs/performance.md). Done here, on a background thread, it overlaps jobs that leave the
executors mostly idle; the writes then find the snapshot cached in the table's DeltaLog (same
path, same file-system options). Best effort: a table that does not exist yet, or any error,
only means the write loads the snapshot itself, as before.

The threads are daemons: a run that fails while they are inside a JVM call (a corrupt input found
during the read) must not wait for them to exit. A ThreadPoolExecutor's threads are joined at
interpreter exit, and a CI rehearsal saw one such call never return after spark.stop(): the failed driver
then hung for 5 minutes, its error unsaid."""
from __future__ import annotations

import logging
from concurrent.futures import Future
from functools import partial

from pyspark.sql import SparkSession

from etl.daemon_threads import on_daemon_threads

log = logging.getLogger("etl.transform")
THREADS = 2


def warm_snapshot(spark: SparkSession, url: str) -> bool:
    """The table's current snapshot with its state computed (what a write needs first); False: not warmed."""
    spark.sparkContext.setJobDescription(f"load the Delta snapshot of {url}")
    try:  # the JVM's io.delta.tables API: the delta-spark jars are on the classpath, its Python package is not
        table = spark._jvm.io.delta.tables.DeltaTable.forPath(spark._jsparkSession, url)
        table.detail().collect()  # size and file count: the state aggregate
        return True
    except Exception as error:  # not a Delta table yet (first run), or anything else: the write will tell
        log.debug("snapshot of %s not preloaded: %s", url, str(error).splitlines()[0] if str(error) else error)
        return False


def warm_snapshots(spark: SparkSession, urls: list[str]) -> list[Future[bool]]:
    """Starts loading each table's snapshot, THREADS at a time; returns the futures (wait for them before writing)."""
    return on_daemon_threads([partial(warm_snapshot, spark, url) for url in urls], THREADS, "etl-warm")
