"""The gold cache of `etl check` keeps exactly the current snapshot's files (no services)."""
from __future__ import annotations

from pathlib import Path

from etl.checks.gold import prune


def test_files_a_snapshot_no_longer_holds_are_removed(tmp_path: Path):
    kept, replaced = tmp_path / "pickup_year=2024" / "a.parquet", tmp_path / "pickup_year=2024" / "old.parquet"
    for path in (kept, replaced):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"x")
    prune(tmp_path, {kept})
    assert kept.exists() and not replaced.exists()
