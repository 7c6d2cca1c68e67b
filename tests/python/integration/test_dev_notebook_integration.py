"""The dev notebook (src/etl/dev/notebook.py, what ETL: Open Dev Notebook writes) runs as a plain script with the
venv's Python against the real dev session: it loads a rawzone month, a gold table and runs the transform's own
functions on them."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from etl.config import PROJECT_ROOT
from etl.extract.layout import sample_source
from etl.extract.run import extract_months

pytestmark = pytest.mark.integration

NOTEBOOK = PROJECT_ROOT / "src" / "etl" / "dev" / "notebook.py"


def ensure_dev_session() -> None:
    """`etl start spark-connect`: starts the session, or finds it running."""
    started = subprocess.run(["node", str(PROJECT_ROOT / "dist" / "cli.js"), "start", "spark-connect"],
                             cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=300, check=False)
    assert started.returncode == 0, started.stderr[-2000:]


def test_the_notebook_runs_as_a_script_on_the_dev_session(settings, isolated_state):
    ensure_dev_session()
    run = extract_months("2024-01..2024-02", sample_source(), run_id="notebook-sample", settings=settings)
    assert run.status == "succeeded"
    env = {**os.environ, "RAWZONE_BUCKET": settings.rawzone_bucket}
    env.pop("PYTHONPATH", None)  # the notebook finds the project's src/ itself, as from an editor
    result = subprocess.run([sys.executable, str(NOTEBOOK)], cwd=PROJECT_ROOT, env=env, capture_output=True,
                            text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr[-3000:]
    out = result.stdout
    assert f"at {settings.spark_connect_url}" in out
    assert f"extraction run notebook-sample: s3a://{settings.rawzone_bucket}/yellow_tripdata/year=2024/month=01/" in out
    assert ", 20,000 rows" in out  # the committed sample's January
    assert "non_positive_distance" in out or "non_positive_dist" in out  # the rule counts table, truncated by show()
    assert "2024-01: 19,600 rows would be published to fact_trips" in out
