"""docker-compose.yml and docker/Dockerfile checked without a Docker engine: the compose file
validates against the compose-spec JSON schema (vendored in check-jsonschema), every service
has a healthcheck and a pinned image, host ports bind to ETL_BIND_HOST and use the same .env
keys as the native stack, and credentials come only from .env. The default services are built
from our Dockerfile on the Debian base with the pins `etl setup` uses (extension/core/pins.ts,
requirements.txt); only the ELK images are pulled, behind the `elk` profile. The build's CA
bundle is a BuildKit secret, never part of an image."""
from __future__ import annotations

import json
import re
from importlib import resources

import jsonschema
import pytest
import yaml
from support_compose import ENV, ROOT, VARIABLE, interpolate

from etl.contract import spark_jar_coordinates

PORT_MAPPING = re.compile(r"(\$\{[^}]+\}):(\$\{[^}]+\}):(\d+)")

# The .env key that chooses each published port, by service and container port: the
# same keys extension/core/stack/services.ts reads for the native stack.
PORT_KEYS = {
    ("minio", 9000): "MINIO_API_PORT",
    ("minio", 9001): "MINIO_CONSOLE_PORT",
    ("spark-master", 7077): "SPARK_MASTER_PORT",
    ("spark-master", 8080): "SPARK_MASTER_UI_PORT",
    ("spark-worker-1", 8081): "SPARK_WORKER_1_UI_PORT",
    ("spark-worker-2", 8082): "SPARK_WORKER_2_UI_PORT",
    ("spark-history", 18080): "SPARK_HISTORY_UI_PORT",
    ("spark-connect", 15002): "SPARK_CONNECT_PORT",
    ("spark-connect", 4050): "SPARK_CONNECT_UI_PORT",
    ("elasticsearch", 9200): "ES_PORT",
    ("kibana", 5601): "KIBANA_PORT",
    ("airflow", 8080): "AIRFLOW_PORT",
}
ONE_SHOT = {"minio-init", "kibana-init"}
# `docker compose up --wait` starts these; all of them from docker/Dockerfile.
DEFAULT_SERVICES = {"minio", "minio-init", "spark-master", "spark-worker-1", "spark-worker-2", "spark-history",
                    "elasticsearch", "log-shipper", "airflow"}
PROFILES = {"elk": {"logstash", "kibana", "kibana-init", "filebeat"}, "tools": {"etl"}, "dev": {"spark-connect"}}
# Run as the caller (ETL_UID/ETL_GID), so the files they write to the mounts are the caller's.
AS_CALLER = {"etl", "airflow"}
DOCKERFILE = ROOT / "docker" / "Dockerfile"
PINS_TS = (ROOT / "extension" / "core" / "pins.ts").read_text()


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
    schema = json.loads(
        resources.files("check_jsonschema.builtin_schemas.vendor").joinpath("compose-spec.json").read_text()
    )
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
        assert not image.startswith(("minio/", "docker.io/minio/", "bitnami/")), (
            f"{name}: {image} is unmaintained or gone"
        )


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


# --- What is built, from which pins ---------------------------------------------------------

def pin(pattern: str) -> str:
    """A value of extension/core/pins.ts, found by a regular expression with one group."""
    match = re.search(pattern, PINS_TS, re.S)
    assert match, f"pins.ts: {pattern} not found"
    return match.group(1)


def dockerfile_args() -> dict[str, str]:
    return dict(re.findall(r"^ARG (\w+)=(\S*)$", DOCKERFILE.read_text(), re.M))


def stages() -> dict[str, str]:
    """Each stage's name and what it is built FROM."""
    return {name: base for base, name in re.findall(r"^FROM (\S+) AS (\S+)$", DOCKERFILE.read_text(), re.M)}


def test_default_services_are_built_here_and_only_elk_is_pulled(compose):
    services = compose["services"]
    by_profile = {}
    for name, service in services.items():
        for profile in service.get("profiles", []):
            by_profile.setdefault(profile, set()).add(name)
    assert by_profile == PROFILES
    assert {n for n, s in services.items() if not s.get("profiles")} == DEFAULT_SERVICES
    for name in DEFAULT_SERVICES | PROFILES["tools"]:
        assert services[name]["image"].startswith("etl-spark/"), (
            f"{name} must run an image built from docker/Dockerfile"
        )
    for name in PROFILES["elk"]:
        assert services[name]["image"].startswith("docker.elastic.co/"), name


def test_images_build_from_our_dockerfile_on_the_debian_base(raw_compose, compose):
    targets = {}
    for name, service in raw_compose["services"].items():
        build = service.get("build")
        if not build:
            continue
        assert build["context"] == "." and build["dockerfile"] == "docker/Dockerfile", name
        assert build["args"] == {"DEBIAN_BASE": "${ETL_DEBIAN_BASE:-debian:bookworm-slim}"}, name
        assert build["secrets"] == ["build_ca"], name
        targets[build["target"]] = service["image"]
    assert set(targets) == {"runtime", "airflow", "elasticsearch", "minio", "log-shipper"}
    # Every service that runs one of our images has the build that makes it.
    for name, service in raw_compose["services"].items():
        if service["image"].startswith("etl-spark/"):
            assert service["image"] in targets.values(), f"{name}: nothing builds {service['image']}"
    assert dockerfile_args()["DEBIAN_BASE"] == "debian:bookworm-slim"
    known = {"${DEBIAN_BASE}"}
    for name, base in stages().items():
        assert base in known, (
            f"stage {name} is FROM {base}: only the Debian base or an earlier stage (no registry image)"
        )
        known.add(name)
    assert set(targets) <= set(stages())


def test_image_tags_and_build_pins_are_those_of_etl_setup(raw_compose):
    args = dockerfile_args()
    pyspark = re.search(r"^pyspark==(\S+)$", (ROOT / "requirements.txt").read_text(), re.M).group(1)
    assert pyspark == pin(r"pyspark: '([^']+)'")
    assert args["AIRFLOW_VERSION"] == pin(r"airflow: '([^']+)'")
    assert args["AIRFLOW_OPENLINEAGE_VERSION"] == pin(r"airflowOpenLineage: '([^']+)'")
    assert args["ELASTICSEARCH_VERSION"] == pin(r"elasticsearch: \{\s*version: '([^']+)'")
    assert f"integ-test-zip:elasticsearch:{args['ELASTICSEARCH_VERSION']}:zip" in pin(r"artifact: '([^']+)'")
    for tool, prefix in (("minio", "MINIO"), ("mc", "MC")):
        assert args[f"{prefix}_MODULE"] == pin(rf"\b{tool}: \{{ module: '([^']+)'")
        assert args[f"{prefix}_VERSION"] == pin(rf"\b{tool}: \{{ module: '[^']+', version: '([^']+)'")
    images = {s["build"]["target"]: s["image"] for s in raw_compose["services"].values() if s.get("build")}
    assert images["runtime"].endswith(f":{pyspark}")
    assert images["airflow"].endswith(f":{args['AIRFLOW_VERSION']}")
    assert images["elasticsearch"].endswith(f":{args['ELASTICSEARCH_VERSION']}")
    minio_date = re.search(r"-(\d{4})(\d{2})(\d{2})\d{6}-", args["MINIO_VERSION"]).groups()
    assert images["minio"].endswith(":" + "-".join(minio_date))


def test_the_runtime_image_bakes_the_spark_jars_etl_setup_fetches():
    listed = [line for line in (ROOT / "docker" / "spark-jars.txt").read_text().splitlines()
              if line and not line.startswith("#")]
    pinned = spark_jar_coordinates()
    assert pinned and listed == pinned, "docker/spark-jars.txt must equal config/contract.json sparkJars " \
                                        "(regenerate it: node scripts/sync-contract.mjs)"


def test_the_build_ca_is_a_secret_of_the_download_steps_only(raw_compose):
    secret = raw_compose["secrets"]["build_ca"]
    assert secret == {"file": "${ETL_BUILD_CA_FILE:-./docker/no-extra-ca.pem}"}
    assert (ROOT / "docker" / "no-extra-ca.pem").read_text() == "", "users' default adds no CA"
    text = DOCKERFILE.read_text()
    for line in text.splitlines():
        if "build_ca" in line and not line.lstrip().startswith("#"):
            assert "--mount=type=secret,id=build_ca" in line, line
    assert "ca-certificates.crt" not in text and "/run/secrets" not in text


def test_long_running_containers_forward_signals():
    """tini as PID 1 in every image we build, so `down` does not wait 10 s per container."""
    entrypoints = re.findall(r"^ENTRYPOINT \[\"([^\"]+)\"", DOCKERFILE.read_text(), re.M)
    assert entrypoints and set(entrypoints) == {"/usr/bin/tini"}


def test_the_runner_and_airflow_run_as_the_caller_with_the_project_mounted(compose, raw_compose):
    for name in AS_CALLER:
        assert raw_compose["services"][name]["user"] == "${ETL_UID:-1000}:${ETL_GID:-1000}", name
        volumes = compose["services"][name]["volumes"]
        for mount in ("./src:/opt/etl/src:ro", "./Data_extracted:/opt/etl/Data_extracted:ro",
                      "./Backup_data:/opt/etl/Backup_data", "./ETL_logs:/opt/etl/ETL_logs",
                      "./config:/opt/etl/config:ro"):
            assert mount in volumes, f"{name}: {mount}"
        env = compose["services"][name]["environment"]
        assert env["MINIO_HOST"] == "minio" and env["SPARK_MASTER_HOST"] == "spark-master", name
        raw_env = raw_compose["services"][name]["environment"]
        assert raw_env["ETL_LOCK_DIR"] == "/opt/etl-locks/${ETL_UID:-1000}", f"{name}: lock files of one uid per folder"
    for name, service in raw_compose["services"].items():
        if name not in {*AS_CALLER, "spark-connect", "log-shipper"}:
            assert "ETL_UID" not in str(service.get("user", "")), name
    assert (ROOT / "ETL_logs" / ".gitkeep").exists() and (ROOT / "Backup_data" / ".gitkeep").exists(), \
        "bind-mount sources must exist, or Docker creates them owned by root"


def test_the_dev_session_runs_as_the_caller_and_writes_previews_in_the_state_folder(compose, raw_compose):
    """The host diffs what it writes and connects to its runner's socket: the caller's files, under
    <state>/compose/<project>/preview (extension/core/stack/compose/project.ts composePreviewDir), not the native
    session's <state>/preview."""
    raw = raw_compose["services"]["spark-connect"]
    assert raw["user"] == "${ETL_UID:-1000}:${ETL_GID:-1000}" and raw["profiles"] == ["dev"]
    assert raw["image"] == raw_compose["services"]["etl"]["image"], "the runtime image, as the runner"
    preview = "${ETL_STATE_DIR:-./.etl}/compose/${COMPOSE_PROJECT_NAME:-etl-spark}/preview:/opt/etl/preview"
    assert preview in raw["volumes"]
    volumes = compose["services"]["spark-connect"]["volumes"]
    for mount in ("./src:/opt/etl/src:ro", "./Data_extracted:/opt/etl/Data_extracted:ro",
                  "./Backup_data:/opt/etl/Backup_data:ro", "./config:/opt/etl/config:ro"):
        assert mount in volumes, mount
    assert raw["command"] == ["python", "-m", "etl.dev.server", "--bind", "0.0.0.0", "--preview-dir",
                              "/opt/etl/preview"]
    check = " ".join(raw["healthcheck"]["test"])
    assert "15002" in check and "/opt/etl/preview/.worker.sock" in check, "healthy = Connect answers and the runner"
    assert compose["services"]["etl"]["environment"]["SPARK_CONNECT_HOST"] == "spark-connect"


def test_workers_take_their_size_from_env(raw_compose):
    for name in ("spark-worker-1", "spark-worker-2"):
        command = raw_compose["services"][name]["command"]
        assert command[command.index("--memory") + 1] == "${SPARK_WORKER_MEMORY:-4g}"
        assert command[command.index("--cores") + 1] == "${SPARK_WORKER_CORES:-1}"
        assert command[command.index("--host") + 1] == name, "executors must be reachable by the service name"


def test_minio_init_uses_the_shared_policy_file(compose):
    service = compose["services"]["minio-init"]
    assert "./config/minio-etl-policy.json:/etc/etl/minio-etl-policy.json:ro" in service["volumes"]
    script = service["command"][0]
    assert "/etc/etl/minio-etl-policy.json" in script and "MINIO_SECRET_KEY" in script
    assert "arn:aws:s3" not in script, "the policy lives in config/minio-etl-policy.json only"


def test_old_dockerfiles_are_gone_and_unreferenced():
    assert not (ROOT / "Dockerfile-spark").exists() and not (ROOT / "Dockerfile-airflow").exists()
    for path in [ROOT / "README.md", ROOT / "docker-compose.yml", *(ROOT / "extension").rglob("*.ts")]:
        text = path.read_text()
        assert "Dockerfile-spark" not in text and "Dockerfile-airflow" not in text, path


def test_the_log_shipper_reads_etl_logs_as_the_caller_and_keeps_its_state_in_a_volume(compose, raw_compose):
    """rsyslog as natively: the caller's uid (who owns ./ETL_logs), the logs read-only, offsets and disk queues in a
    named volume (a killed or recreated container resumes), started after Elasticsearch is healthy."""
    raw = raw_compose["services"]["log-shipper"]
    assert raw["user"] == "${ETL_UID:-1000}:${ETL_GID:-1000}"
    assert raw["build"]["target"] == "log-shipper" and not raw.get("profiles")
    assert raw["volumes"] == ["./ETL_logs:/opt/etl/ETL_logs:ro", "log-shipper-work:/var/lib/etl-shipper"]
    assert raw["depends_on"] == {"elasticsearch": {"condition": "service_healthy"}}
    text = DOCKERFILE.read_text()
    stage = text[text.index("FROM debian AS log-shipper"):]
    stage = stage[:stage.index("\n# ---") if "\n# ---" in stage else len(stage)]
    for package in ("rsyslog", "rsyslog-elasticsearch", "tini", "curl"):
        assert re.search(rf"\s{package}(\s|$)", stage), package
    assert "COPY docker/log-shipper/rsyslog.conf /etc/etl-shipper/rsyslog.conf" in stage
    assert "USER 1000:1000" in stage, "never root, whatever user: compose gives"


def test_elasticsearch_and_the_shipper_sign_in_without_a_password_in_any_argument(raw_compose):
    """Security on with .env's ES_USERNAME/ES_PASSWORD (both empty: off, as natively); the password reaches the
    containers as environment only: the healthchecks pass it to curl on stdin (docker/es-curl.sh), the shipper's
    configuration names the variables, the entrypoint hands it to elasticsearch-users on stdin."""
    for name in ("elasticsearch", "log-shipper"):
        env = raw_compose["services"][name]["environment"]
        assert env["ES_USERNAME"] == "${ES_USERNAME:-}" and env["ES_PASSWORD"] == "${ES_PASSWORD:-}", name
        assert "PASSWORD" not in " ".join(raw_compose["services"][name]["healthcheck"]["test"]), name
    assert raw_compose["services"]["elasticsearch"]["healthcheck"]["test"][:2] == ["CMD", "etl-es-curl"]
    curl = (ROOT / "docker" / "es-curl.sh").read_text()
    assert "curl -K -" in curl and "-u " not in curl
    conf = (ROOT / "docker" / "log-shipper" / "rsyslog.conf").read_text()
    assert "uid=`echo $ES_USERNAME` pwd=`echo $ES_PASSWORD`" in conf
    entry = (ROOT / "docker" / "elasticsearch" / "entrypoint.sh").read_text()
    assert "| elasticsearch-users useradd" in entry and "unset ES_PASSWORD" in entry
    assert "xpack.security.enabled" not in DOCKERFILE.read_text().split("FROM java AS elasticsearch")[1].split(
        "FROM debian AS log-shipper")[0], "the entrypoint decides security, from .env"
