"""A run stopped or killed: the gold tables whose newest Delta commit names this run, though no event reported them
(the driver stopped between a commit and its table_written line), read from a real MinIO's Delta logs."""
from __future__ import annotations

import io
import json
from dataclasses import replace

from etl.submit import commits_not_reported


def put_commit(minio, bucket: str, table: str, version: int, user_metadata: str) -> None:
    lines = [{"commitInfo": {"operation": "WRITE", "userMetadata": user_metadata}}, {"add": {"path": "x.parquet"}}]
    body = "\n".join(json.dumps(line) for line in lines).encode()
    minio.put_object(bucket, f"{table}/_delta_log/{version:020d}.json", io.BytesIO(body), len(body))


def test_the_newest_commit_of_this_run_with_no_event_is_found(minio, settings, test_bucket):
    gold = replace(settings, gold_bucket=test_bucket)
    put_commit(minio, test_bucket, "fact_trips", 0, "transform-old | tag-a")
    put_commit(minio, test_bucket, "fact_trips", 1, "transform-stopped | tag-b")  # this run's, unreported
    put_commit(minio, test_bucket, "mart_daily_zone", 0, "transform-old")  # another run's newest
    put_commit(minio, test_bucket, "quarantine/rejected_trips", 3, "transform-stopped")  # reported below
    reported = [{"event": "table_written", "table": "quarantine/rejected_trips", "months": ["2024-01"]}]
    assert commits_not_reported(gold, "transform-stopped", reported) == ["fact_trips"]
    assert commits_not_reported(gold, "transform-other", reported) == []


def test_gold_that_cannot_be_read_leaves_the_message_as_the_events_say(settings):
    nowhere = replace(settings, gold_bucket="no-such-bucket-for-this-test")
    assert commits_not_reported(nowhere, "transform-stopped", []) == []


def test_the_next_run_names_a_commit_the_dead_runs_marker_missed(minio, settings, test_bucket, capsys):
    """A driver killed between a commit and its marker write: the next driver's note names the commit (gold's Delta
    log) beside the marker's tables."""
    import logging

    from etl.transform.__main__ import tell_unfinished
    from etl.transform.unfinished import RunState

    put_commit(minio, test_bucket, "quarantine/rejected_trips", 7, "transform-killed")  # newer than the above
    put_commit(minio, test_bucket, "fact_trips", 8, "transform-killed | tag-c")
    dead = RunState("transform-killed", "2026-12-06T10:00:00+00:00", 1, "write", ["fact_trips"])
    tell_unfinished(dead, logging.getLogger("test"), replace(settings, gold_bucket=test_bucket))
    note = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert (note["event"], note["written"]) == ("previous_unfinished", ["fact_trips", "quarantine/rejected_trips"])
    assert note["message"].endswith("it had committed fact_trips, quarantine/rejected_trips; the other tables are "
                                    "as the run before it left them")
