"""The Python profile loader against the cases the TypeScript one also runs (tests/fixtures/profiles/cases.json)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from dotenv import dotenv_values

from etl.config import PROJECT_ROOT, ConfigError, Settings, _with_profile
from etl.profiles import ProfileError, resolve_profile
from etl.submit import s3a_conf, spark_conf

CASES = json.loads((PROJECT_ROOT / "tests" / "fixtures" / "profiles" / "cases.json").read_text())["cases"]
EXAMPLE = {k: v or "" for k, v in dotenv_values(PROJECT_ROOT / ".env.example").items()}
LOCAL = {"bindHost": "127.0.0.1", "minioApiPort": 9000, "region": "us-east-1",
         "buckets": {"rawzone": "rawzone", "gold": "gold"}, "sparkMasterPort": 7077, "sparkMasterUiPort": 8080,
         "esPort": 9200, "airflowPort": 8089, "minioCertsDir": ""}


def _set_up(case: dict, tmp_path: Path) -> dict[str, str]:
    if "file" in case:
        (tmp_path / "etl-profiles.json").write_text(json.dumps(case["file"]))
    if "fileText" in case:  # a file as typed, broken JSON included
        (tmp_path / "etl-profiles.json").write_text(case["fileText"])
    return {**EXAMPLE, "ETL_PROFILE": case["profile"]}


def _at(value, path: str):
    for key in path.split("."):
        value = value.get(key) if isinstance(value, dict) else None
    return value


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_shared_profile_cases(case, tmp_path):
    values = _set_up(case, tmp_path)
    if "error" in case:
        with pytest.raises(ProfileError) as caught:
            resolve_profile(tmp_path, values, LOCAL)
        for part in case["error"]:
            assert part in str(caught.value)
        for part in case.get("notInError", []):
            assert part not in str(caught.value)
        return
    profile = resolve_profile(tmp_path, values, LOCAL)
    for path, expected in case["expect"].items():
        assert _at(profile, path) == expected, path


def _team(tmp_path: Path, **s3) -> dict:
    ca = tmp_path / "ca.pem"
    ca.write_text("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n")
    file = {"profiles": {"team": {
        "s3": {"mode": "external", "endpoint": "https://s3.team.example:9443", "caFile": str(ca),
               "accessKeyEnv": "TEAM_S3_ACCESS_KEY", "secretKeyEnv": "TEAM_S3_SECRET_KEY", **s3},
        "spark": {"mode": "external", "masterUrl": "spark://spark.team.example:7077", "driverHost": "10.0.0.5",
                  "driverPort": 40000, "blockManagerPort": 40001}}}}
    (tmp_path / "etl-profiles.json").write_text(json.dumps(file))
    return resolve_profile(tmp_path, {**EXAMPLE, "ETL_PROFILE": "team"}, LOCAL)


def _base() -> Settings:
    return Settings(bind_host="127.0.0.1", minio_api_port=9000, minio_access_key="etl-pipeline",
                    minio_secret_key="local-secret", minio_region="us-east-1", rawzone_bucket="rawzone",
                    gold_bucket="gold", spark_master_port=7077)


def test_an_external_profile_reaches_the_settings_and_spark(tmp_path, monkeypatch):
    monkeypatch.setenv("TEAM_S3_ACCESS_KEY", "team-key")
    monkeypatch.setenv("TEAM_S3_SECRET_KEY", "team-secret-from-env")
    settings = _with_profile(_base(), _team(tmp_path, addressing="virtual", region="eu-west-1"), {})
    assert settings.minio_url == "https://s3.team.example:9443" and settings.minio_endpoint == "s3.team.example:9443"
    assert settings.s3_secure and settings.minio_secret_key == "team-secret-from-env"
    assert settings.minio_region == "eu-west-1" and settings.spark_master_url == "spark://spark.team.example:7077"
    assert settings.s3_address == ("s3.team.example", 9443)  # what check_reachable and the watchdog connect to
    assert settings.spark_master_address == ("spark.team.example", 7077)
    conf = s3a_conf(settings)
    assert conf["spark.hadoop.fs.s3a.endpoint"] == "https://s3.team.example:9443"
    assert conf["spark.hadoop.fs.s3a.connection.ssl.enabled"] == "true"
    assert conf["spark.hadoop.fs.s3a.path.style.access"] == "false"
    assert conf["spark.hadoop.fs.s3a.endpoint.region"] == "eu-west-1"
    full = spark_conf(settings, "python3", Path("/state/tls/store.p12"))
    assert full["spark.driver.host"] == "10.0.0.5" and full["spark.driver.port"] == "40000"
    assert full["spark.driver.blockManager.port"] == "40001"
    assert "-Djavax.net.ssl.trustStore=/state/tls/store.p12 " in full["spark.driver.extraJavaOptions"]
    assert "-Djavax.net.ssl.trustStore=store.p12 " in full["spark.executor.extraJavaOptions"]
    assert not any("team-secret" in value for value in full.values())
    quick = spark_conf(settings, "python3", Path("/state/tls/store.p12"), input_bytes=1_000_000)
    for key in ("spark.driver.extraJavaOptions", "spark.executor.extraJavaOptions"):
        assert "-XX:TieredStopAtLevel=1" in quick[key] and "-Djavax.net.ssl.trustStore=" in quick[key]


def test_an_unset_secret_variable_is_named_not_guessed(tmp_path, monkeypatch):
    monkeypatch.delenv("TEAM_S3_SECRET_KEY", raising=False)
    monkeypatch.setenv("TEAM_S3_ACCESS_KEY", "team-key")
    with pytest.raises(ConfigError, match=r"TEAM_S3_SECRET_KEY.*not set"):
        _with_profile(_base(), _team(tmp_path), {})


def test_no_profile_leaves_the_local_settings_as_they_were():
    settings = _with_profile(_base(), resolve_profile(PROJECT_ROOT, {**EXAMPLE, "ETL_PROFILE": ""}, LOCAL), {})
    # The master's UI is the one derived setting (the executor check counts its live workers there).
    assert settings == Settings(**{**_base().__dict__, "profile": "local", "spark_ui_url": "http://127.0.0.1:8080"})
    assert settings.minio_url == "http://127.0.0.1:9000" and not settings.s3_secure
    assert s3a_conf(settings)["spark.hadoop.fs.s3a.connection.ssl.enabled"] == "false"
    assert s3a_conf(settings)["spark.hadoop.fs.s3a.path.style.access"] == "true"


def test_a_profile_lineage_server_reaches_the_transform_events_transport(tmp_path, monkeypatch):
    from etl.lineage.emitter import transport_config

    file = {"profiles": {"team": {"lineage": {"mode": "external", "url": "https://marquez.team.example",
                                              "apiKeyEnv": "TEAM_MARQUEZ_KEY"}}}}
    (tmp_path / "etl-profiles.json").write_text(json.dumps(file))
    monkeypatch.setenv("TEAM_MARQUEZ_KEY", "marquez-key-from-env")
    settings = _with_profile(_base(), resolve_profile(tmp_path, {**EXAMPLE, "ETL_PROFILE": "team"}, LOCAL), {})
    assert (settings.lineage_url, settings.lineage_api_key) == ("https://marquez.team.example", "marquez-key-from-env")
    config = transport_config("run-1", tmp_path, settings.lineage_url, settings.lineage_api_key)
    assert config["type"] == "composite" and config["transports"]["files"]["log_file_path"] == str(tmp_path / "run-1")
    assert config["transports"]["server"] == {"type": "http", "url": "https://marquez.team.example", "timeout": 5,
                                              "auth": {"type": "api_key", "apiKey": "marquez-key-from-env"}}
    assert transport_config("run-1", tmp_path, "")["type"] == "file"  # no server: the files alone
