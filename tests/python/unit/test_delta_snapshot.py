"""etl.delta_snapshot on a real Delta table written by delta-spark 4.0.0 (tests/fixtures/delta-table:
January, February, then January replaced 10 times; a checkpoint at version 10)."""
from __future__ import annotations

import shutil

import pytest

from etl.config import PROJECT_ROOT
from etl.delta_snapshot import NotADeltaTable, local_snapshot

FIXTURE = PROJECT_ROOT / "tests" / "fixtures" / "delta-table"


def test_the_snapshot_is_the_last_january_and_the_february():
    snapshot = local_snapshot(FIXTURE)
    assert snapshot.version == 11
    assert sorted(p["pickup_month"] for p in snapshot.files.values()) == ["1", "2"]
    in_folder = list((FIXTURE / "pickup_year=2024" / "pickup_month=1").glob("*.parquet"))
    assert len(in_folder) == 11  # ten superseded Januaries are still in the folder
    assert all((FIXTURE / p).is_file() for p in snapshot.paths)


def test_the_checkpoint_gives_the_same_snapshot_when_early_commits_are_gone(tmp_path):
    copy = shutil.copytree(FIXTURE, tmp_path / "table")
    for version in range(10):
        (copy / "_delta_log" / f"{version:020d}.json").unlink()
    assert local_snapshot(copy).files == local_snapshot(FIXTURE).files
    assert local_snapshot(copy).version == 11


def test_a_plain_folder_is_not_a_delta_table(tmp_path):
    with pytest.raises(NotADeltaTable):
        local_snapshot(tmp_path)


@pytest.mark.parametrize("early_commits_gone", [False, True])
def test_partition_rows_come_from_the_log_stats_and_match_the_files(tmp_path, early_commits_gone):
    import pyarrow.parquet as pq

    table = shutil.copytree(FIXTURE, tmp_path / "table")
    if early_commits_gone:  # the counts then come from the checkpoint's add actions
        for version in range(10):
            (table / "_delta_log" / f"{version:020d}.json").unlink()
    snapshot = local_snapshot(table)
    for month in ("1", "2"):
        files = [p for p, values in snapshot.files.items() if values["pickup_month"] == month]
        read = sum(pq.ParquetFile(table / p).metadata.num_rows for p in files)
        assert snapshot.partition_rows({"pickup_year": "2024", "pickup_month": month}) == read > 0
    assert snapshot.partition_rows({"pickup_year": "2023", "pickup_month": "12"}) == 0
