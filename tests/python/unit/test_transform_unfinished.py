"""A transform that died is told by the next one (etl.transform.unfinished): the marker beside the lock."""
from __future__ import annotations

import json
import os
import threading
from dataclasses import replace

import pytest

from etl.transform.unfinished import (
    RunMarker,
    clear_marker,
    marker_path,
    read_marker,
    unfinished_message,
    with_commits,
)


@pytest.fixture(autouse=True)
def lock_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("ETL_LOCK_DIR", str(tmp_path))
    return tmp_path


def test_a_run_that_ends_leaves_no_marker_and_the_next_finds_none():
    first = RunMarker("gold", "transform-1")
    assert first.begin() is None
    assert marker_path("gold").exists()
    first.end()
    assert not marker_path("gold").exists()
    assert RunMarker("gold", "transform-2").begin() is None


def test_a_run_that_died_is_found_with_its_phase_and_its_commits():
    seen = []
    dead = RunMarker("gold", "transform-1")
    dead.begin()
    emit = dead.tracking(lambda event, **fields: seen.append((event, fields)))
    emit("phase", phase="write")
    emit("table_written", table="dim_zone", months=[], path="p", unchanged=True)  # not rewritten: not a commit
    emit("table_written", table="fact_trips", months=["2024-01"], path="p")
    assert [event for event, _ in seen] == ["phase", "table_written", "table_written"], "every event still emitted"
    # ... and the driver is killed here: no end().
    previous = RunMarker("gold", "transform-2").begin()
    assert (previous.run_id, previous.phase, previous.written) == ("transform-1", "write", ["fact_trips"])
    message = unfinished_message(previous)
    assert message.startswith("the previous transform, run transform-1 (started ")
    assert "ended without finishing during its write phase" in message
    assert message.endswith("it had committed fact_trips; the other tables are as the run before it left them")


def test_a_run_that_died_before_any_commit_says_gold_is_as_before():
    RunMarker("gold", "transform-1").begin()
    message = unfinished_message(RunMarker("gold", "transform-2").begin())
    assert "during its start phase" in message
    assert message.endswith("it had committed no table: gold is as the run before it left it")


def test_each_gold_bucket_has_its_own_marker():
    RunMarker("gold", "transform-1").begin()
    assert RunMarker("gold-team", "transform-2").begin() is None


def test_a_marker_that_does_not_parse_is_a_run_that_died_not_a_crash():
    path = marker_path("gold")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("{not json")
    previous = read_marker(path)
    assert previous.run_id.startswith("(unknown")
    assert "ended without finishing" in unfinished_message(previous)


def test_the_marker_is_replaced_whole(lock_dir):
    marker = RunMarker("gold", "transform-1")
    marker.begin()
    marker.tracking(lambda *a, **k: None)("phase", phase="classify")
    assert json.loads(marker_path("gold").read_text())["phase"] == "classify"
    assert [p.name for p in lock_dir.iterdir()] == [marker_path("gold").name], "no partial file left"


def test_etl_submit_clears_the_marker_of_a_run_it_told_about_and_only_that_one():
    RunMarker("gold", "transform-1").begin()
    clear_marker("gold", "transform-other")  # another run's marker (one that started since) stays
    assert read_marker(marker_path("gold")).run_id == "transform-1"
    clear_marker("gold", "transform-1")
    assert not marker_path("gold").exists()
    clear_marker("gold", "transform-1")  # none left: nothing to do


def test_commits_emitted_at_once_by_the_write_threads_are_all_kept_and_never_fail_the_run():
    marker = RunMarker("gold", "transform-1")
    marker.begin()
    emit = marker.tracking(lambda *a, **k: None)
    tables = [f"table_{i}" for i in range(40)]
    start = threading.Barrier(len(tables))

    def commit(table: str) -> None:
        start.wait()
        emit("table_written", table=table, months=[], path="p")

    threads = [threading.Thread(target=commit, args=(table,)) for table in tables]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(read_marker(marker_path("gold")).written) == sorted(tables)


def test_a_marker_folder_that_cannot_be_written_does_not_fail_the_run(lock_dir):
    marker = RunMarker("gold", "transform-1")
    lock_dir.chmod(0o500)
    try:
        if os.access(lock_dir, os.W_OK):  # root writes anyway: make the folder a file instead
            lock_dir.chmod(0o700)
            marker.path = lock_dir / "a-file" / "marker.json"
            (lock_dir / "a-file").write_text("")
        marker.begin()
        marker.tracking(lambda *a, **k: None)("phase", phase="write")
        marker.end()
    finally:
        lock_dir.chmod(0o700)


def test_commits_the_delta_log_names_are_added_to_those_the_marker_kept():
    """A kill between a commit and the marker's next write: gold's Delta log names the run, the marker does not."""
    RunMarker("gold", "transform-1").begin()
    previous = RunMarker("gold", "transform-2").begin()
    told = with_commits(previous, ["quarantine/rejected_trips"])
    assert told.written == ["quarantine/rejected_trips"]
    assert unfinished_message(told).endswith("it had committed quarantine/rejected_trips; the other tables are as "
                                             "the run before it left them")
    kept = replace(previous, written=["fact_trips"])
    assert with_commits(kept, ["fact_trips", "mart_daily_zone"]).written == ["fact_trips", "mart_daily_zone"]
    assert with_commits(kept, []) is kept
