"""An unusable ETL_STATE_DIR, ETL_BACKUP_DIR or ETL_LOG_DIR fails at once, naming the setting
and the path (exit 2), instead of an errno or a traceback half-way through a run."""
from __future__ import annotations

import pytest
from support_cli import run_cli
from support_folders import read_only_folder

ARGS = ["--months", "2024-01", "--sample", "--no-zones"]


def _assert_names(result, setting: str, path) -> None:
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("etl extract: usage error: configuration: ") and f"{setting}: {path}" in last, last
    assert f"set {setting} to a folder" in last


@pytest.mark.integration  # cli_env makes a scratch bucket in the real MinIO
@pytest.mark.parametrize("setting", ["ETL_BACKUP_DIR", "ETL_LOG_DIR", "ETL_LOCK_DIR"])
def test_a_read_only_folder_is_named(setting, cli_env, tmp_path):
    with read_only_folder(tmp_path / "read-only") as folder:
        result = run_cli(ARGS, {**cli_env, setting: str(folder)})
    _assert_names(result, setting, folder)


@pytest.mark.integration
def test_a_state_dir_under_proc_is_named(cli_env, tmp_path):
    env = {k: v for k, v in cli_env.items() if k != "ETL_LOCK_DIR"}  # the locks follow ETL_STATE_DIR
    result = run_cli(ARGS, {**env, "ETL_STATE_DIR": "/proc/x"})
    _assert_names(result, "ETL_STATE_DIR", "/proc/x/locks")
