"""Fail fast and say why, without a cluster: the watchdog against a real dead port and a real
HTTP server, the explanation of a corrupt-page failure, the transform lock."""
from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from support_ports import unused_port

from etl.transform.failure import explain, unreadable_object
from etl.transform.lock import TransformBusy, acquire_transform_lock
from etl.transform.watchdog import Activity, Watchdog, minio_service, tcp_service


class Live(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802  (http.server's name)
        self.send_response(200 if self.path == "/minio/health/live" else 404)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def live_minio():
    server = HTTPServer(("127.0.0.1", 0), Live)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


def test_a_dead_minio_trips_the_watchdog_within_its_bound_and_is_named(live_minio):
    port = unused_port()
    url = f"http://127.0.0.1:{port}"
    cancelled = threading.Event()
    activity = Activity()
    activity.writing("fact_trips 2024-03")
    watchdog = Watchdog([minio_service(live_minio), minio_service(url)], cancelled.set, activity,
                        down_after_s=1.0, every_s=0.2)
    started = time.monotonic()
    watchdog.start()
    assert cancelled.wait(10), "the watchdog never cancelled the jobs"
    assert time.monotonic() - started < 5
    assert watchdog.failure.startswith(f"MinIO at {url} stopped answering during the write of fact_trips 2024-03")
    assert "the previous gold snapshot is intact" in watchdog.failure and "etl up" in watchdog.failure


def test_a_live_service_never_trips(live_minio):
    cancelled = threading.Event()
    watchdog = Watchdog([minio_service(live_minio)], cancelled.set, Activity(), down_after_s=0.5, every_s=0.1)
    watchdog.start()
    time.sleep(1.5)
    watchdog.stop()
    assert not cancelled.is_set() and watchdog.diagnose() is None


def test_after_a_failure_jobs_started_later_are_cancelled_too_then_a_stuck_driver_is_ended():
    # A thread that submits its Spark job after the first cancel would wait for ever on executors that
    # never connect (the CI case: a driver the workers cannot reach, snapshot loads started late).
    cancels, stuck = [], threading.Event()
    reported: list[str] = []

    def on_stuck(message: str) -> None:
        reported.append(message)
        stuck.set()

    watchdog = Watchdog([], lambda: cancels.append(time.monotonic()), Activity(), every_s=0.1,
                        checks=[lambda: "no executor connected back"], on_stuck=on_stuck, exit_within_s=1.0)
    started = time.monotonic()
    watchdog.start()
    assert stuck.wait(10), "a driver stuck after the failure was never ended"
    assert reported == ["no executor connected back"]
    assert len(cancels) >= 5, f"cancelled only {len(cancels)} time(s) while the driver was stuck"
    assert 0.9 <= time.monotonic() - started < 5


def test_a_driver_that_ends_in_time_is_not_ended_by_the_watchdog():
    stuck = threading.Event()
    watchdog = Watchdog([], lambda: None, Activity(), every_s=0.05, checks=[lambda: "failed"],
                        on_stuck=lambda _message: stuck.set(), exit_within_s=2.0)
    watchdog.start()
    time.sleep(0.5)
    watchdog.stop()  # what main() does once it has reported
    watchdog.join(5)
    assert not watchdog.is_alive() and not stuck.is_set()


def test_diagnose_after_a_failure_names_the_master_and_what_was_committed():
    port = unused_port()
    activity = Activity()
    activity.writing("dim_zone")
    activity.written("dim_zone")
    master = tcp_service("the Spark master", f"spark://127.0.0.1:{port}", "127.0.0.1", port, "start it (`etl up`)")
    message = Watchdog([master], lambda: None, activity).diagnose()
    assert message.startswith(f"the Spark master at spark://127.0.0.1:{port} stopped answering")
    assert "this run had committed dim_zone" in message


SPARK_READ_FAILURE = """An error occurred while calling o1045.collectToPython.
: org.apache.spark.SparkException: Job aborted due to stage failure: Task 0 in stage 3.0 failed 2 times, most recent failure: Lost task 0.1 in stage 3.0 (TID 7) (127.0.0.1 executor 1): org.apache.spark.SparkException: [FAILED_READ_FILE.NO_HINT] Encountered error while reading file s3a://rawzone/yellow_tripdata/year=2024/month=04/yellow_tripdata_2024-04.parquet.  SQLSTATE: KD001
Caused by: org.apache.parquet.io.ParquetDecodingException: Can not read value at 0 in block -1
Caused by: java.io.IOException: can not read class org.apache.parquet.format.PageHeader: Required field 'uncompressed_page_size' was not found"""  # noqa: E501 (Spark's own message, verbatim)


def test_a_corrupt_page_names_the_object_not_a_py4j_call():
    path = "s3a://rawzone/yellow_tripdata/year=2024/month=04/yellow_tripdata_2024-04.parquet"
    assert unreadable_object(SPARK_READ_FAILURE) == path
    message = explain(RuntimeError(SPARK_READ_FAILURE), "see the log")
    assert message.startswith(f"cannot read {path}: it is not valid Parquet inside")
    assert "PageHeader" in message and "o1045" not in message


# What the driver sees when an executor dies of OutOfMemoryError on a standalone worker: the worker's
# ExecutorRunner reports the JVM's exit code 52 (SparkExitCode.OOM).
SPARK_EXECUTOR_OOM = """An error occurred while calling o2939.collectToPython.
: org.apache.spark.SparkException: Job aborted due to stage failure: Task 1 in stage 21.0 failed 4 times, most recent failure: Lost task 1.3 in stage 21.0 (TID 318) (127.0.0.1 executor 6): ExecutorLostFailure (executor 6 exited caused by one of the running tasks) Reason: Command exited with code 52"""  # noqa: E501


def test_executors_out_of_memory_say_which_setting_to_raise():
    message = explain(RuntimeError(SPARK_EXECUTOR_OOM), "see the log", "1g")
    assert message.startswith("Spark executors ran out of memory (1g each)")
    assert "SPARK_EXECUTOR_MEMORY" in message and "o2939" not in message
    assert "published whole or keeps its previous version" in message
    heap = explain(RuntimeError("boom\nCaused by: java.lang.OutOfMemoryError: Java heap space"), "see the log")
    assert heap.startswith("Spark executors ran out of memory:")


DRIVER_BIND_FAILURE = """An error occurred while calling None.org.apache.spark.api.java.JavaSparkContext.
: java.net.BindException: Cannot assign requested address: Service 'sparkDriver' failed after 16 retries (on a random free port)! Consider explicitly setting the appropriate binding address for the service 'sparkDriver' (for example spark.driver.bindAddress for SparkDriver) to the correct binding address."""  # noqa: E501


def test_a_driver_address_of_another_machine_says_which_setting_to_change():
    message = explain(RuntimeError(DRIVER_BIND_FAILURE), "see the log", "1g", "192.0.2.1")
    assert message.startswith("the Spark driver cannot listen on 192.0.2.1: it is not an address of this machine")
    assert "ETL_DRIVER_HOST" in message and "driverBindAddress" in message and "JavaSparkContext" not in message


# As Spark 4 and S3A said it when MinIO's drive was full during a gold write (tests/python/faults/test_disk_full.py).
SPARK_STORAGE_FULL = (
    "An error occurred while calling o2054.save.\n: org.apache.spark.SparkException: [TASK_WRITE_FAILED] Task failed "
    "while writing rows to s3a://gold/fact_trips. SQLSTATE: 58030\n\tat org.apache.spark.sql...\nCaused by: "
    "org.apache.hadoop.fs.s3a.AWSStatus500Exception: Writing Object on fact_trips/pickup_year=2024/part-0.parquet: "
    "software.amazon.awssdk.services.s3.model.S3Exception: Storage backend has reached its minimum free drive "
    "threshold. Please delete a few objects to proceed. (Service: S3, Status Code: 507, Request ID: 18EE):"
    "XMinioStorageFull: Storage backend has reached its minimum free drive threshold.")


def test_a_full_store_names_the_store_the_table_what_gold_kept_and_where_to_free_space():
    activity = Activity()
    activity.writing("dim_zone")
    activity.written("dim_zone")
    message = explain(RuntimeError(SPARK_STORAGE_FULL), "see the log", "1g", "", store="MinIO at http://127.0.0.1:9000",
                      free_space="free space on its drive (/state/data/minio) and rerun", kept=activity.kept())
    assert message == ("MinIO at http://127.0.0.1:9000 has no space left for the write of s3a://gold/fact_trips "
                       "(XMinioStorageFull); this run had committed dim_zone; every other gold table keeps "
                       "its previous snapshot; free space on its drive (/state/data/minio) and rerun")
    assert "o2054" not in message
    assert explain(RuntimeError("put failed (Service: S3, Status Code: 507)"), "see the log").startswith(
        "the object store has no space left for the write of gold (HTTP 507 Insufficient Storage); the previous gold "
        "snapshot is intact")


def test_other_failures_keep_their_first_line():
    assert explain(RuntimeError("boom\nmore"), "see the log") == "Spark job failed: boom; see the log"


def test_a_second_transform_on_the_same_gold_is_refused_at_once(isolated_state):
    held = acquire_transform_lock("gold-x")
    try:
        with pytest.raises(TransformBusy, match="another transform or a restore is writing the gold bucket 'gold-x'"):
            acquire_transform_lock("gold-x")
        acquire_transform_lock("gold-y").close()  # another bucket is another lock
    finally:
        held.close()
    acquire_transform_lock("gold-x").close()  # released with its holder


class PlannedWrite:
    """Stands for etl.transform.job.Write in the scheduling logic of run_writes (no Spark): runs `action`."""

    def __init__(self, table: str, month: str, action):
        self.table, self.months, self.tag, self.action = table, {month: None}, None, action
        self.label = f"{table} {month}"

    def run(self, gold: str) -> str:
        self.action()
        return f"s3a://{gold}/{self.table}"


def test_after_a_failed_write_no_further_write_starts_and_the_failure_is_raised():
    from etl.transform.job import run_writes

    started, failed, ran = threading.Event(), threading.Event(), []

    def out_of_memory():
        assert started.wait(10)
        failed.set()
        raise RuntimeError("java.lang.OutOfMemoryError: Java heap space")

    def under_way():  # past its Spark jobs (committing) when the other table's write failed: it finishes, whole
        started.set()
        assert failed.wait(10)
        time.sleep(0.5)  # run_writes has seen the failure by now
        ran.append("mart 2025-01")

    writes = [PlannedWrite("fact", "2025-01", out_of_memory), PlannedWrite("fact", "2025-02", lambda: ran.append("f2")),
              PlannedWrite("mart", "2025-01", under_way), PlannedWrite("mart", "2025-02", lambda: ran.append("m2"))]
    events = []
    with pytest.raises(RuntimeError, match="OutOfMemoryError"):
        run_writes(writes, "gold", lambda kind, **fields: events.append((kind, fields.get("table"))))
    assert ran == ["mart 2025-01"]
    assert events == [("table_written", "mart")]


def test_a_failed_write_cancels_the_writes_under_way_and_raises_its_own_error():
    """A full drive fails every write, each after its own retries: the first failure cancels the Spark jobs of the
    others (their commits never happen) instead of waiting for each to fail in turn."""
    from etl.transform.job import run_writes

    started, cancelled, calls = threading.Event(), threading.Event(), []

    def drive_full():
        assert started.wait(10)
        raise RuntimeError("XMinioStorageFull: no space left")

    def under_way():  # a Spark job: ends when cancelled, with Spark's own error
        started.set()
        assert cancelled.wait(10), "the write under way was not cancelled"
        raise RuntimeError("Job 7 cancelled part of cancelled job group")

    def cancel():
        calls.append("cancel")
        cancelled.set()

    writes = [PlannedWrite("fact", "2025-01", drive_full), PlannedWrite("mart", "2025-01", under_way),
              PlannedWrite("mart", "2025-02", lambda: calls.append("m2"))]
    events = []
    with pytest.raises(RuntimeError, match="XMinioStorageFull"):
        run_writes(writes, "gold", lambda kind, **fields: events.append(kind), cancel=cancel)
    assert calls == ["cancel"], "cancelled once, and no write started after the failure"
    assert events == []
