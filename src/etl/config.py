"""Configuration shared with docker compose, the CLI and the extension: `.env`.

Precedence: process environment > `.env` > `.env.example` defaults.
The `.env` file is located with ETL_ENV_FILE, else at the project root.
"""
from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from dotenv import dotenv_values

# ETL_PROJECT_ROOT: set by etl.submit, whose driver imports etl from a zip outside the checkout.
PROJECT_ROOT = Path(os.environ.get("ETL_PROJECT_ROOT") or Path(__file__).resolve().parents[2])


class ConfigError(ValueError):
    """A configuration value is missing or malformed."""


def config_values() -> dict[str, str]:
    """Every setting, merged by the precedence above (load_settings validates the ETL's)."""
    values: dict[str, str] = {}
    example = PROJECT_ROOT / ".env.example"
    if example.exists():
        values.update({k: v or "" for k, v in dotenv_values(example).items()})
    env_file = Path(os.environ.get("ETL_ENV_FILE", PROJECT_ROOT / ".env"))
    if env_file.exists():
        values.update({k: v or "" for k, v in dotenv_values(env_file).items()})
    values.update(
        {k: v for k, v in os.environ.items() if k in values or k.startswith(("ETL_", "MINIO_", "SPARK_", "ES_"))}
    )
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

    @property
    def spark_driver_host(self) -> str:
        return self.driver_host or self.bind_host

    @property
    def minio_endpoint(self) -> str:
        """host:port, as the minio client wants it."""
        return f"{self.minio_host or self.bind_host}:{self.minio_api_port}"

    @property
    def minio_url(self) -> str:
        return f"http://{self.minio_endpoint}"

    @property
    def spark_master_url(self) -> str:
        return f"spark://{self.spark_master_host or self.bind_host}:{self.spark_master_port}"


def load_settings() -> Settings:
    values = config_values()
    missing = [k for k in ("MINIO_ACCESS_KEY", "MINIO_SECRET_KEY") if not values.get(k)]
    if missing:
        raise ConfigError(f"{', '.join(missing)} missing in .env (copy .env.example to .env)")
    return Settings(
        bind_host=values.get("ETL_BIND_HOST") or "127.0.0.1",
        minio_api_port=_port(values, "MINIO_API_PORT"),
        minio_access_key=values["MINIO_ACCESS_KEY"],
        minio_secret_key=values["MINIO_SECRET_KEY"],
        minio_region=values.get("MINIO_REGION") or "us-east-1",
        rawzone_bucket=values.get("RAWZONE_BUCKET") or "rawzone",
        gold_bucket=values.get("GOLD_BUCKET") or "gold",
        spark_master_port=_port(values, "SPARK_MASTER_PORT"),
        spark_driver_memory=values.get("SPARK_DRIVER_MEMORY") or "2g",
        spark_executor_memory=values.get("SPARK_EXECUTOR_MEMORY") or "2g",
        cache_dir=values.get("ETL_CACHE_DIR") or _default_cache_dir(),
        minio_host=values.get("MINIO_HOST", ""),
        spark_master_host=values.get("SPARK_MASTER_HOST", ""),
        driver_host=values.get("ETL_DRIVER_HOST", ""),
    )


def _default_cache_dir() -> str:
    """Where `etl setup` installs runtimes when ETL_CACHE_DIR is empty (as extension/core/paths.ts)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return str(Path(base) / "etl-spark")


def state_dir() -> Path:
    """The native stack's state folder, as extension/core/paths.ts resolves it: ETL_STATE_DIR, else .etl/."""
    raw = config_values().get("ETL_STATE_DIR", "")
    return PROJECT_ROOT / raw if raw else PROJECT_ROOT / ".etl"  # an absolute raw wins over the root


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
