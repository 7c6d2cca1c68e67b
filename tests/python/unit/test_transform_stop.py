"""What `etl transform` says when it is sent SIGTERM: where the run was and what it had committed."""
import json
import subprocess
import sys
import time

from etl.transform_stop import ended_message, stop_child, stopped_message

# A job that, stopped by SIGTERM, still commits the write under way and says so (as Spark's shutdown lets a job end).
GRACEFUL_JOB = """
import json, signal, sys, time
def stop(*_):
    time.sleep(0.3)
    event = {"event": "table_written", "table": "quarantine/rejected_trips", "months": ["2024-01"]}
    print(json.dumps(event), flush=True)
    sys.exit(143)
signal.signal(signal.SIGTERM, stop)
print("ready", flush=True)
time.sleep(30)
"""


def test_before_spark_submit_nothing_was_written():
    assert stopped_message("SIGTERM") == "stopped by SIGTERM before spark-submit started; nothing was written"


def test_mid_write_with_nothing_committed_says_gold_is_unchanged():
    events = [{"event": "phase", "phase": "read"}, {"event": "phase", "phase": "write"}]
    message = stopped_message("SIGTERM", events)
    assert message.startswith("stopped by SIGTERM during its write phase; spark-submit and its driver were stopped")
    assert message.endswith("no table was written: gold is as the last published run left it")


def test_the_tables_committed_are_named_with_their_months():
    events = [{"event": "phase", "phase": "write"},
              {"event": "table_written", "table": "dim_zone", "months": []},
              {"event": "table_written", "table": "fact_trips", "months": ["2024-01", "2024-02"]}]
    message = stopped_message("SIGTERM", events)
    assert "it had committed dim_zone, fact_trips 2024-01, 2024-02 (whole)" in message
    assert "run the transform again to publish them" in message


def test_no_phase_yet_means_before_the_job_started():
    assert "before the job started" in stopped_message("SIGTERM", [{"event": "run_start"}])


def test_a_jvm_killed_by_sigkill_is_named_with_the_oom_hint():
    message = ended_message(-9, [{"event": "phase", "phase": "classify"}])
    assert message.startswith("spark-submit (the Spark driver's JVM) was killed by SIGKILL during its classify phase")
    assert "OOM killer" in message and message.endswith("gold is as the last published run left it")


def test_a_python_driver_killed_is_passed_on_by_the_jvm_as_128_plus_the_signal():
    message = ended_message(137, [{"event": "phase", "phase": "read"}])
    assert message.startswith("the Spark driver (spark-submit's JVM or its Python process) was ended by SIGKILL "
                              "(exit 137) during its read phase")


def test_an_ordinary_exit_code_keeps_the_plain_message():
    assert ended_message(1, []) == "spark-submit exited with 1 before the job reported; see its stderr"


def test_skipped_dimensions_are_not_counted_as_committed():
    events = [{"event": "table_written", "table": "dim_zone", "months": [], "unchanged": True}]
    assert "no table was written" in stopped_message("SIGTERM", events)


def test_stopping_the_job_keeps_reading_what_it_still_says_so_the_message_names_a_late_commit():
    job = subprocess.Popen([sys.executable, "-c", GRACEFUL_JOB], stdout=subprocess.PIPE, text=True)
    assert job.stdout.readline() == "ready\n"
    lines: list[str] = []
    clock = time.monotonic()
    stop_child(job, lines.append)
    assert time.monotonic() - clock < 5 and job.returncode == 143
    events = [json.loads(line) for line in lines]
    assert [e["table"] for e in events] == ["quarantine/rejected_trips"]
    message = stopped_message("SIGTERM", [{"event": "phase", "phase": "write"}, *events])
    assert message.endswith("it had committed quarantine/rejected_trips 2024-01 (whole); the other tables keep the "
                            "last published run's rows: run the transform again to publish them"), message


def test_a_commit_no_event_reported_is_named_from_the_delta_log():
    """The driver stopped between a Delta commit and its table_written event: etl.submit found the table's newest
    commit to be this run's (commits_not_reported) and the message names it beside the reported ones."""
    events = [{"event": "phase", "phase": "write"},
              {"event": "table_written", "table": "quarantine/rejected_trips", "months": ["2024-01"]}]
    message = stopped_message("SIGTERM", events, ["fact_trips"])
    assert "it had committed quarantine/rejected_trips 2024-01, fact_trips (its commit landed as the run was " \
        "stopped) (whole)" in message, message


SIGNALLED_TWICE = """
import os, signal, sys, time
from etl.transform_stop import Stopped, raise_on_sigterm
raise_on_sigterm()
try:
    os.kill(os.getpid(), signal.SIGTERM)
    time.sleep(5)
except Stopped as stop:
    os.kill(os.getpid(), signal.SIGTERM)  # during the stop: must not raise again
    time.sleep(0.2)
    print("stopped once by", stop.signal_name, flush=True)
"""


def test_a_second_sigterm_during_the_stop_does_not_cut_it_short():
    from etl.config import PROJECT_ROOT

    done = subprocess.run([sys.executable, "-c", SIGNALLED_TWICE], capture_output=True, text=True, timeout=30,
                          env={"PYTHONPATH": str(PROJECT_ROOT / "src")})
    assert (done.returncode, done.stdout) == (0, "stopped once by SIGTERM\n"), done.stderr[-2000:]


def test_a_killed_driver_names_a_commit_no_event_reported_and_gold_is_read_only_then():
    """As a stopped one: the JVM killed between a Delta commit and its event (etl.submit reads the Delta log)."""
    asked = []

    def unreported() -> list[str]:
        asked.append(True)
        return ["fact_trips"]

    message = ended_message(-9, [{"event": "phase", "phase": "write"}], unreported)
    assert message.endswith("it had committed fact_trips (its commit landed as the run was stopped) (whole); the "
                            "other tables keep the last published run's rows: run the transform again to publish "
                            "them"), message
    assert ended_message(1, [], unreported).startswith("spark-submit exited with 1")
    assert len(asked) == 1, "gold read for a plain exit code, whose message does not tell what gold keeps"
