"""Usage errors are detected before any service is contacted: exit 2, one clear line."""
import pytest
from support_cli import run_cli


@pytest.mark.parametrize("args, expected", [
    ([], "--months"),
    (["--months", "2024-1"], "not YYYY-MM"),
    (["--months", "2024-03..2024-01"], "inverted"),
    (["--months", "2009-01..2842-04"], "10000 months in one range, more than the 240 one run takes"),
    (["--months", "2024-01", "--source", "https://h/fixed.parquet"], "{YYYY}"),
    (["--months", "2024-01", "--source", "s3://h/{YYYY}-{MM}"], "file://, http:// or https://"),
    (["--months", "2024-01", "--retries", "-1"], "--retries"),
    (["--months", "2024-01", "--run-id", "bad id!"], "run id"),
    (["--months", "2024-01", "--sample", "--source", "file:///x/{YYYY}{MM}"], "not allowed with"),
])
def test_usage_errors_exit_2(args, expected, isolated_state):
    import os

    env = dict(os.environ, MINIO_API_PORT="1")  # would fail loudly if MinIO were contacted
    from etl.config import PROJECT_ROOT

    env["PYTHONPATH"] = str(PROJECT_ROOT / "src")
    result = run_cli(args, env)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "usage error" in lines[0] and expected in lines[0]
    assert result.stdout == ""
