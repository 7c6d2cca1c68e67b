"""config/contract.json is the one copy: the Python side reads it (etl.contract) and reads no other."""
from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from dotenv import dotenv_values

from etl import config as etl_config
from etl import contract as etl_contract
from etl.config import PROJECT_ROOT, config_values, default_cache_dir, load_settings, state_dir
from etl.contract import contract, env_contract, jar_file_name, month_pattern, spark_jar_coordinates
from etl.extract.months import MonthSpecError, parse_month
from etl.logger import log_dir
from etl.manifest import manifest_path
from etl.schedule import target_month
from etl.submit import jar_names, jar_paths

CONTRACT = json.loads((PROJECT_ROOT / "config" / "contract.json").read_text())


def test_the_contract_is_read_from_config():
    assert etl_contract.CONTRACT_FILE == PROJECT_ROOT / "config" / "contract.json"
    assert contract() == CONTRACT


def test_submit_passes_the_contract_jars():
    coordinates = CONTRACT["sparkJars"]["coordinates"]
    assert spark_jar_coordinates() == coordinates
    assert jar_names() == [f"{c.split(':')[1]}-{c.split(':')[2]}.jar" for c in coordinates]
    assert jar_file_name("org.elasticsearch.distribution.integ-test-zip:elasticsearch:8.19.21:zip") == \
        "elasticsearch-8.19.21.zip"  # as pins.ts jarFileName


def test_jar_paths_name_the_missing_jars(tmp_path):
    settings = load_settings()
    with pytest.raises(Exception, match=re.escape(jar_names()[0])):
        jar_paths(type(settings)(**{**settings.__dict__, "cache_dir": str(tmp_path)}))


@pytest.mark.parametrize("text,ok", [("2024-01", True), ("2024-12", True), ("2024-13", False), ("2024-1", False),
                                     ("2024-00", False), ("24-01", False)])
def test_every_python_month_check_is_the_contract_pattern(text, ok):
    assert month_pattern().pattern == CONTRACT["month"]["pattern"]
    assert bool(month_pattern().match(text)) is ok
    if ok:
        assert target_month(text, None) == text and str(parse_month(text)) == text
    else:
        with pytest.raises(ValueError):
            target_month(text, None)
        with pytest.raises(MonthSpecError):
            parse_month(text)


def test_the_first_year_comes_from_the_contract():
    with pytest.raises(MonthSpecError, match=f"starts {CONTRACT['month']['firstYear']}-01"):
        parse_month(f"{CONTRACT['month']['firstYear'] - 1}-12")
    assert target_month(None, datetime(2024, 3, 1, tzinfo=UTC)) == "2024-01"


def test_the_dag_takes_its_month_pattern_from_the_contract():
    dag = (PROJECT_ROOT / "dags" / "etl_pipeline.py").read_text()
    assert 'pattern=contract()["month"]["pattern"]' in dag and "0[1-9]" not in dag


def test_env_example_has_exactly_the_contract_keys():
    example = dotenv_values(PROJECT_ROOT / ".env.example")
    assert sorted(example) == sorted(CONTRACT["env"]["fileKeys"])


class _Recording(dict):
    def __init__(self, values: dict[str, str]):
        super().__init__(values)
        self.asked: set[str] = set()

    def get(self, key, default=None):
        self.asked.add(key)
        return super().get(key, default)

    def __getitem__(self, key):
        self.asked.add(key)
        return super().__getitem__(key)


def test_settings_read_only_contract_keys(monkeypatch):
    recording = _Recording(config_values())
    monkeypatch.setattr(etl_config, "config_values", lambda: recording)
    load_settings()
    known = set(CONTRACT["env"]["fileKeys"]) | set(CONTRACT["env"]["optionalKeys"])
    assert recording.asked and recording.asked <= known, recording.asked - known


def test_env_precedence_process_over_file_over_example(monkeypatch, tmp_path: Path):
    env_file = tmp_path / "other.env"
    env_file.write_text("MINIO_REGION=from-file\nGOLD_BUCKET=gold-from-file\nRAWZONE_BUCKET=\n")
    monkeypatch.setenv(env_contract()["fileVariable"], str(env_file))
    monkeypatch.setenv("MINIO_REGION", "from-process")
    monkeypatch.setenv("ETL_EXTRA_SETTING", "x")
    for key in ("GOLD_BUCKET", "RAWZONE_BUCKET"):
        monkeypatch.delenv(key, raising=False)
    values = config_values()
    assert values["MINIO_REGION"] == "from-process" and values["GOLD_BUCKET"] == "gold-from-file"
    assert values["ETL_EXTRA_SETTING"] == "x", "a variable with a contract prefix reaches the jobs"
    settings = load_settings()
    example = dotenv_values(PROJECT_ROOT / ".env.example")
    assert settings.rawzone_bucket == example["RAWZONE_BUCKET"], "an empty value falls back to .env.example"
    assert env_contract()["overridePrefixes"] == ["ETL_", "MINIO_", "SPARK_", "ES_"]


def test_default_folders_come_from_the_contract(monkeypatch):
    paths = CONTRACT["paths"]
    for key in ("ETL_BACKUP_DIR", "ETL_LOG_DIR", "ETL_STATE_DIR"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("ETL_ENV_FILE", str(PROJECT_ROOT / ".env.example"))
    assert manifest_path() == PROJECT_ROOT / paths["backupDir"] / paths["manifestFile"]
    assert log_dir() == PROJECT_ROOT / paths["logDir"]
    assert state_dir() == PROJECT_ROOT / paths["stateDir"]
    monkeypatch.setenv("XDG_CACHE_HOME", "/x")
    assert default_cache_dir() == f"/x/{paths['cacheName']}"


def test_the_python_floor_is_pyprojects():
    pyproject = (PROJECT_ROOT / "pyproject.toml").read_text()
    assert f'requires-python = ">={CONTRACT["python"]["floor"]}"' in pyproject
