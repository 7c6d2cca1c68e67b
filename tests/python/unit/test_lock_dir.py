"""Where the extract's locks live: under ETL_STATE_DIR unless ETL_LOCK_DIR moves them."""
from __future__ import annotations

from etl.config import PROJECT_ROOT
from etl.extract.locks import lock_dir


def test_the_locks_follow_the_state_dir(monkeypatch, tmp_path):
    monkeypatch.delenv("ETL_LOCK_DIR")
    monkeypatch.setenv("ETL_STATE_DIR", str(tmp_path / "state"))
    assert lock_dir() == tmp_path / "state" / "locks"
    monkeypatch.setenv("ETL_STATE_DIR", "relative-state")  # as extension/core/paths.ts: from the project root
    assert lock_dir() == PROJECT_ROOT / "relative-state" / "locks"
    monkeypatch.setenv("ETL_LOCK_DIR", str(tmp_path / "locks"))  # still moves only the locks (tests)
    assert lock_dir() == tmp_path / "locks"
