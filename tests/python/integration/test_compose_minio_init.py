"""The compose file's one-shot minio-init script, run for real: the same shell text, with
the MinIO host pointed at the native MinIO, the policy file at config/minio-etl-policy.json
(mounted at /etc/etl in the container) and the same pinned `mc` that `etl setup` built.
It must create the ETL's key from the environment, limited to the ETL's buckets."""
from __future__ import annotations

import os
import secrets
import subprocess
from pathlib import Path

import pytest
import yaml
from minio import Minio
from minio.error import S3Error
from support_compose import ENV, ROOT, interpolate

from etl.config import config_values, load_settings

pytestmark = pytest.mark.integration


def run_mc(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(["mc", *args], env=env, capture_output=True, text=True, timeout=60)


@pytest.fixture
def init_env(tmp_path):
    settings, values = load_settings(), config_values()
    mc_dir = Path(settings.cache_dir) / "bin"
    assert (mc_dir / "mc").exists(), "mc is missing: run `etl setup`"
    env = {
        "PATH": f"{mc_dir}:{os.environ['PATH']}",
        "HOME": str(tmp_path),  # mc keeps its alias file in ~/.mc
        "MINIO_ROOT_USER": values["MINIO_ROOT_USER"],
        "MINIO_ROOT_PASSWORD": values["MINIO_ROOT_PASSWORD"],
        # A probe key of its own, so the stack's ETL user is left as it is.
        "MINIO_ACCESS_KEY": f"compose-probe-{secrets.token_hex(3)}",
        "MINIO_SECRET_KEY": secrets.token_hex(16),
        "RAWZONE_BUCKET": settings.rawzone_bucket,
        "GOLD_BUCKET": settings.gold_bucket,
    }
    yield settings, env
    run_mc(["admin", "user", "remove", "local", env["MINIO_ACCESS_KEY"]], env)


def test_minio_init_creates_the_etl_key_limited_to_its_buckets(init_env):
    settings, env = init_env
    compose = yaml.safe_load(interpolate((ROOT / "docker-compose.yml").read_text(), ENV))
    script = compose["services"]["minio-init"]["command"][0]
    assert "http://minio:9000" in script
    assert "/etc/etl/minio-etl-policy.json" in script
    script = script.replace("http://minio:9000", settings.minio_url)
    script = script.replace("/etc/etl/minio-etl-policy.json", str(ROOT / "config" / "minio-etl-policy.json"))

    result = subprocess.run(["sh", "-c", script], env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert env["MINIO_SECRET_KEY"] not in result.stdout + result.stderr

    probe = Minio(settings.minio_endpoint, env["MINIO_ACCESS_KEY"], env["MINIO_SECRET_KEY"], secure=False)
    assert probe.bucket_exists(settings.rawzone_bucket) and probe.bucket_exists(settings.gold_bucket)
    with pytest.raises(S3Error, match="AccessDenied|Access Denied"):
        probe.make_bucket(f"outside-{secrets.token_hex(3)}")

    # Idempotent, as `docker compose up` runs it on every start.
    again = subprocess.run(["sh", "-c", script], env=env, capture_output=True, text=True, timeout=120)
    assert again.returncode == 0, again.stdout + again.stderr
