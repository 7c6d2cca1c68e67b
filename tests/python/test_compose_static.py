"""docker-compose.yml checked without a Docker engine: it validates against the
compose-spec JSON schema (vendored in check-jsonschema), every service has a healthcheck
and a pinned image, host ports bind to ETL_BIND_HOST and use the same .env keys as the
native stack, and credentials come only from .env."""
from __future__ import annotations

import json
import re
from importlib import resources
from pathlib import Path

import jsonschema
import pytest
import yaml
from dotenv import dotenv_values

ROOT = Path(__file__).resolve().parents[2]
VARIABLE = re.compile(r"\$\{(\w+)(?:(:?[-?])([^}]*))?\}")
PORT_MAPPING = re.compile(r"(\$\{[^}]+\}):(\$\{[^}]+\}):(\d+)")
ENV = {k: v or "" for k, v in dotenv_values(ROOT / ".env.example").items()}

# The .env key that chooses each published port, by service and container port: the
# same keys extension/core/stack/services.ts reads for the native stack.
PORT_KEYS = {
    ("minio", 9000): "MINIO_API_PORT",
    ("minio", 9001): "MINIO_CONSOLE_PORT",
    ("spark-master", 7077): "SPARK_MASTER_PORT",
    ("spark-master", 8080): "SPARK_MASTER_UI_PORT",
    ("spark-worker-1", 8081): "SPARK_WORKER_1_UI_PORT",
    ("spark-worker-2", 8082): "SPARK_WORKER_2_UI_PORT",
    ("elasticsearch", 9200): "ES_PORT",
    ("kibana", 5601): "KIBANA_PORT",
    ("airflow", 8080): "AIRFLOW_PORT",
}
ONE_SHOT = {"minio-init", "kibana-init"}


def interpolate(text: str, env: dict[str, str]) -> str:
    """Compose's ${VAR}, ${VAR:-default} and ${VAR:?error} substitution; $$ stays a literal $."""
    def value(match: re.Match[str]) -> str:
        name, op, arg = match.group(1), match.group(2), match.group(3)
        if env.get(name):
            return env[name]
        if op and op.endswith("?"):
            raise KeyError(f"{name}: {arg}")
        return arg or "" if op else ""
    return VARIABLE.sub(value, text.replace("$$", "\0")).replace("\0", "$")


@pytest.fixture(scope="module")
def raw() -> str:
    return (ROOT / "docker-compose.yml").read_text()


@pytest.fixture(scope="module")
def compose(raw) -> dict:
    return yaml.safe_load(interpolate(raw, ENV))


@pytest.fixture(scope="module")
def raw_compose(raw) -> dict:
    return yaml.safe_load(raw)


def test_validates_against_the_compose_spec_schema(compose):
    schema = json.loads(resources.files("check_jsonschema.builtin_schemas.vendor").joinpath("compose-spec.json").read_text())
    jsonschema.validate(compose, schema)


def test_every_service_has_a_healthcheck(compose):
    for name, service in compose["services"].items():
        check = service.get("healthcheck", {})
        assert check.get("test") and not check.get("disable"), f"{name} has no healthcheck"


def test_every_image_is_pinned(compose):
    for name, service in compose["services"].items():
        image = service["image"]
        repository, _, tag = image.rpartition(":")
        assert repository and "/" not in tag, f"{name}: {image} has no tag"
        assert tag != "latest" and re.search(r"\d", tag), f"{name}: {image} is not pinned to a version"
        assert not image.startswith(("minio/", "docker.io/minio/", "bitnami/")), f"{name}: {image} is unmaintained or gone"


def test_ports_bind_to_loopback_with_the_native_stacks_keys(compose, raw_compose):
    published = {}
    for name, service in raw_compose["services"].items():
        for mapping in service.get("ports", []):
            host_ip, host_port, container_port = PORT_MAPPING.fullmatch(mapping).groups()
            assert host_ip == "${ETL_BIND_HOST:-127.0.0.1}", f"{name}: {mapping} must bind to ETL_BIND_HOST"
            key = PORT_KEYS[(name, int(container_port))]
            assert VARIABLE.fullmatch(host_port).group(1) == key, f"{name}: {mapping} should use {key}"
            published[key] = int(interpolate(host_port, ENV))
    assert set(published) == set(PORT_KEYS.values())
    assert published == {key: int(ENV[key]) for key in published}
    for service in compose["services"].values():
        assert all(p.startswith("127.0.0.1:") for p in service.get("ports", []))


def test_credentials_come_only_from_env(raw_compose):
    for name, service in raw_compose["services"].items():
        for key, value in (service.get("environment") or {}).items():
            if re.search(r"PASSWORD|SECRET|ROOT_USER|ACCESS_KEY", key):
                assert VARIABLE.fullmatch(str(value)), f"{name}: {key} must come from .env, not be written here"


def test_dependencies_wait_for_health_or_completion(compose):
    for name, service in compose["services"].items():
        for dependency, rule in (service.get("depends_on") or {}).items():
            expected = "service_completed_successfully" if dependency in ONE_SHOT else "service_healthy"
            assert rule["condition"] == expected, f"{name} → {dependency}"
        if name in ONE_SHOT:
            assert service.get("restart") == "no"


def test_volumes_are_named_and_declared(compose):
    declared = set(compose.get("volumes", {}))
    for name, service in compose["services"].items():
        for volume in service.get("volumes", []):
            source = volume.split(":", 1)[0]
            if not source.startswith((".", "/")):
                assert source in declared, f"{name}: volume {source} is not declared"


def test_interpolation_fails_without_credentials(raw):
    with pytest.raises(KeyError, match="MINIO_ROOT_USER"):
        interpolate(raw, {k: v for k, v in ENV.items() if k != "MINIO_ROOT_USER"})
