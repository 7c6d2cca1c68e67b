"""What `etl transform` says when it is sent SIGTERM: where the run was and what it had committed."""
from etl.transform_stop import stopped_message


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
