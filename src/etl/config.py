"""Configuration shared with docker compose, the CLI and the extension: `.env`.

Precedence (config/contract.json "env", as extension/core/config.ts): process environment >
`.env` > `.env.example`, whose values are the defaults. The `.env` file is located with
ETL_ENV_FILE, else at the project root.
"""
from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from dotenv import dotenv_values

# PROJECT_ROOT lives in etl.contract (which finds config/contract.json) and stays importable from here.
from etl.contract import PROJECT_ROOT, default_path, env_contract
from etl.profiles import ProfileError, resolve_profile, secret_from


class ConfigError(ValueError):
    """A configuration value is missing or malformed."""


def example_values() -> dict[str, str]:
    """The defaults: `.env.example`."""
    example = PROJECT_ROOT / env_contract()["example"]
    return {k: v or "" for k, v in dotenv_values(example).items()} if example.exists() else {}


def config_values() -> dict[str, str]:
    """Every setting, merged by the precedence above (load_settings validates the ETL's)."""
    contract = env_contract()
    values = example_values()
    env_file = Path(os.environ.get(contract["fileVariable"]) or PROJECT_ROOT / contract["file"])
    if env_file.exists():
        values.update({k: v or "" for k, v in dotenv_values(env_file).items()})
    prefixes = tuple(contract["overridePrefixes"])
    values.update({k: v for k, v in os.environ.items() if k in values or k.startswith(prefixes)})
    return values


def _port(values: dict[str, str], key: str) -> int:
    raw = values.get(key, "")
    if not raw.isdigit() or not 0 < int(raw) < 65536:
        raise ConfigError(f"{key}={raw!r} in .env is not a TCP port (1-65535)")
    return int(raw)


@dataclass(frozen=True)
class Settings:
    bind_host: str
    minio_api_port: int
    # The ETL's own MinIO key (limited to its buckets), never the root user.
    minio_access_key: str
    minio_secret_key: str
    minio_region: str
    rawzone_bucket: str
    gold_bucket: str
    spark_master_port: int
    # Additive (etl.submit): memory of the spark-submit driver/executors, the runtime cache.
    spark_driver_memory: str = "2g"
    spark_executor_memory: str = "2g"
    cache_dir: str = ""
    # Where other services are, when not on this host (docker compose: the service names).
    minio_host: str = ""
    spark_master_host: str = ""
    # The address the Spark driver binds and gives the executors (docker compose: the runner
    # container's own address); empty: bind_host.
    driver_host: str = ""
    # The active profile (etl.profiles): its name, and what it places elsewhere than .env says.
    profile: str = "local"
    s3_url: str = ""  # scheme://host:port of an external (or TLS) S3; empty: http://<minio_endpoint>
    s3_ca_file: str = ""  # PEM bundle to trust for s3_url; empty: the system's CAs
    s3_path_style: bool = True
    s3_external: bool = False
    spark_master: str = ""  # spark://host:port of an external master; empty: the local one
    spark_external: bool = False
    spark_ui_url: str = ""  # the master's web UI, when known (its /json/ counts the live workers)
    driver_bind_address: str = ""
    driver_port: int = 0
    block_manager_port: int = 0
    # The dev session (etl.dev): the Spark Connect server's gRPC port, its Spark UI, and its host when not
    # this one (docker compose: the service name).
    spark_connect_port: int = 15002
    spark_connect_ui_port: int = 4050
    spark_connect_host: str = ""
    # A lineage server (the profile's `lineage` section, else OPENLINEAGE_URL), and its API key; empty: the
    # transform's lineage events go to their files only (etl.lineage.emitter).
    lineage_url: str = ""
    lineage_api_key: str = ""

    @property
    def spark_connect_url(self) -> str:
        """Where a Spark Connect client reaches the dev session."""
        return f"sc://{self.spark_connect_host or self.bind_host}:{self.spark_connect_port}"

    @property
    def spark_driver_host(self) -> str:
        return self.driver_host or self.bind_host

    @property
    def spark_driver_bind(self) -> str:
        """Where the driver listens (spark.driver.bindAddress): the profile's driverBindAddress, else its host."""
        return self.driver_bind_address or self.spark_driver_host

    @property
    def minio_endpoint(self) -> str:
        """host:port, as the minio client wants it."""
        if self.s3_url:
            return urlsplit(self.s3_url).netloc
        return f"{self.minio_host or self.bind_host}:{self.minio_api_port}"

    @property
    def minio_url(self) -> str:
        return self.s3_url or f"http://{self.minio_endpoint}"

    @property
    def s3_secure(self) -> bool:
        return self.minio_url.startswith("https://")

    @property
    def s3_address(self) -> tuple[str, int]:
        """host and port of the S3 endpoint (the scheme's default port when its URL names none)."""
        url = urlsplit(self.minio_url)
        return url.hostname or "", url.port or (443 if self.s3_secure else 80)

    @property
    def spark_master_address(self) -> tuple[str, int]:
        """host and port of the Spark master (7077, Spark's default, when its URL names none)."""
        url = urlsplit(self.spark_master_url)
        return url.hostname or "", url.port or 7077

    @property
    def s3_name(self) -> str:
        """How messages name the object store: the local MinIO, or the profile's S3."""
        return f"S3 (profile {self.profile})" if self.s3_external else "MinIO"

    @property
    def spark_master_url(self) -> str:
        return self.spark_master or f"spark://{self.spark_master_host or self.bind_host}:{self.spark_master_port}"


def load_settings() -> Settings:
    values = config_values()
    settings = _env_settings(values)
    try:
        profile = resolve_profile(PROJECT_ROOT, values, _local_endpoints(settings, values))
    except ProfileError as error:
        raise ConfigError(str(error)) from None
    return _with_profile(settings, profile, values)


def _local_endpoints(settings: Settings, values: dict[str, str]) -> dict[str, Any]:
    def port(key: str) -> int:
        return _port(values, key) if values.get(key) else 0

    return {"bindHost": settings.bind_host, "minioApiPort": settings.minio_api_port, "region": settings.minio_region,
            "buckets": {"rawzone": settings.rawzone_bucket, "gold": settings.gold_bucket},
            "sparkMasterPort": settings.spark_master_port, "sparkMasterUiPort": port("SPARK_MASTER_UI_PORT"),
            "esPort": port("ES_PORT"), "airflowPort": port("AIRFLOW_PORT"),
            "minioCertsDir": values.get("MINIO_CERTS_DIR", "").strip()}


def _with_profile(settings: Settings, profile: dict[str, Any], values: dict[str, str]) -> Settings:
    """The settings with what the profile places elsewhere: its S3 (endpoint, CA, addressing, region, buckets,
    key from the variables it names) and its Spark master (and the driver's address and ports)."""
    s3, spark = profile["s3"], profile["spark"]
    changes: dict[str, Any] = {"profile": profile["name"]}
    if spark["mode"] == "external" or not settings.spark_master_host:  # compose: the host's port means nothing here
        changes["spark_ui_url"] = spark.get("uiUrl") or ""
    if s3["mode"] == "external" or s3["secure"]:
        changes.update(s3_url=s3["endpoint"], s3_ca_file=s3["caFile"] or "", s3_path_style=s3["pathStyle"])
    if s3["mode"] == "external":
        access, secret = (secret_from(s3[k], values, dict(os.environ)) for k in ("accessKeyEnv", "secretKeyEnv"))
        unset = [s3[k] for k, v in (("accessKeyEnv", access), ("secretKeyEnv", secret)) if not v]
        if unset:
            raise ConfigError(f'profile "{profile["name"]}": S3 at {s3["endpoint"]} needs {" and ".join(unset)}, not '
                              "set in the environment nor in .env; export it (the profile file holds only its name)")
        changes.update(s3_external=True, minio_access_key=access, minio_secret_key=secret, minio_region=s3["region"],
                       rawzone_bucket=s3["buckets"]["rawzone"], gold_bucket=s3["buckets"]["gold"])
    lineage = profile.get("lineage", {})
    if lineage.get("mode") == "external":
        changes.update(lineage_url=lineage["url"],
                       lineage_api_key=secret_from(lineage.get("apiKeyEnv"), values, dict(os.environ)) or "")
    if spark["mode"] == "external":
        changes.update(spark_external=True, spark_master=spark["masterUrl"],
                       driver_host=spark.get("driverHost") or settings.driver_host,
                       driver_bind_address=spark.get("driverBindAddress", ""),
                       driver_port=spark.get("driverPort", 0), block_manager_port=spark.get("blockManagerPort", 0))
    return replace(settings, **changes)


def _env_settings(values: dict[str, str]) -> Settings:
    missing = [k for k in ("MINIO_ACCESS_KEY", "MINIO_SECRET_KEY") if not values.get(k)]
    if missing:
        raise ConfigError(f"{', '.join(missing)} missing in .env (copy .env.example to .env)")
    defaults = example_values()

    def value(key: str) -> str:  # an empty value falls back to .env.example's
        return values.get(key) or defaults.get(key, "")

    return Settings(
        bind_host=value("ETL_BIND_HOST"),
        minio_api_port=_port(values, "MINIO_API_PORT"),
        minio_access_key=values["MINIO_ACCESS_KEY"],
        minio_secret_key=values["MINIO_SECRET_KEY"],
        minio_region=value("MINIO_REGION"),
        rawzone_bucket=value("RAWZONE_BUCKET"),
        gold_bucket=value("GOLD_BUCKET"),
        spark_master_port=_port(values, "SPARK_MASTER_PORT"),
        spark_driver_memory=value("SPARK_DRIVER_MEMORY"),
        spark_executor_memory=value("SPARK_EXECUTOR_MEMORY"),
        cache_dir=value("ETL_CACHE_DIR") or default_cache_dir(),
        minio_host=value("MINIO_HOST"),
        spark_master_host=value("SPARK_MASTER_HOST"),
        driver_host=value("ETL_DRIVER_HOST"),
        spark_connect_port=_port(values, "SPARK_CONNECT_PORT"),
        spark_connect_ui_port=_port(values, "SPARK_CONNECT_UI_PORT"),
        spark_connect_host=value("SPARK_CONNECT_HOST"),
        # OpenLineage's own variables, from the process environment (a profile's `lineage` section wins).
        lineage_url=os.environ.get("OPENLINEAGE_URL", "").strip(),
        lineage_api_key=os.environ.get("OPENLINEAGE_API_KEY", ""),
    )


def default_cache_dir() -> str:
    """Where `etl setup` installs runtimes when ETL_CACHE_DIR is empty (as extension/core/paths.ts)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return str(Path(base) / default_path("cacheName"))


def state_dir() -> Path:
    """The native stack's state folder, as extension/core/paths.ts resolves it: ETL_STATE_DIR, else .etl/."""
    raw = config_values().get("ETL_STATE_DIR", "")
    return PROJECT_ROOT / (raw or default_path("stateDir"))  # an absolute raw wins over the root


def minio_drive() -> str:
    """Where the stack's MinIO keeps its data, for a message that asks to free space there."""
    return f"{state_dir() / 'data' / 'minio'} on the native stack, the minio-data volume in compose"


def usable_dir(setting: str, folder: str | Path) -> Path:
    """`folder`, created if missing, after proving a file can be written there.

    Raises ConfigError naming the setting and the path, so an unusable folder
    (read-only, under /proc, a file in the way) fails at once instead of as an errno
    or a traceback half-way through a run.
    """
    path = Path(folder)
    try:
        path.mkdir(parents=True, exist_ok=True)
        handle, probe = tempfile.mkstemp(prefix=".write-probe-", dir=path)
        os.close(handle)
        os.unlink(probe)
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise ConfigError(
            f"{setting}: {path} is not a usable folder ({reason}); "
            f"set {setting} to a folder this user can write to"
        ) from None
    return path
