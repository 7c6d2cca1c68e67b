"""DAG tests run with the Airflow venv's python (`etl which airflow`), not the ETL venv.

Airflow reads its configuration when first imported, so the environment is set here,
before any test module imports it: a throw-away AIRFLOW_HOME with a migrated SQLite DB.
"""
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
os.environ["AIRFLOW_HOME"] = tempfile.mkdtemp(prefix="etl-airflow-test-")
os.environ["AIRFLOW__CORE__LOAD_EXAMPLES"] = "False"
os.environ["AIRFLOW__CORE__DAGS_FOLDER"] = str(ROOT / "dags")
os.environ.setdefault("ETL_PROJECT_ROOT", str(ROOT))
sys.path.insert(0, str(ROOT / "src"))

AIRFLOW = Path(sys.executable).with_name("airflow")
subprocess.run([str(AIRFLOW), "db", "migrate"], check=True, capture_output=True)
