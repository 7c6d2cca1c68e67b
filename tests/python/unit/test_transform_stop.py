"""What `etl transform` says when it is sent SIGTERM: where the run was and what it had committed."""
from etl.transform_stop import ended_message, stopped_message


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
