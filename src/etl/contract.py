"""config/contract.json: what the Python ETL, the TypeScript CLI/extension and the Docker build share.

Read at run time (never copied into Python constants), so a value changed there reaches every
reader. The project root is ETL_PROJECT_ROOT (set by etl.submit, whose driver imports etl from a
zip outside the checkout), else the checkout this package lives in.
"""
from __future__ import annotations

import argparse
import json
import os
import re
from functools import cache
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(os.environ.get("ETL_PROJECT_ROOT") or Path(__file__).resolve().parents[2])
CONTRACT_FILE = PROJECT_ROOT / "config" / "contract.json"


@cache
def contract() -> dict[str, Any]:
    try:
        return json.loads(CONTRACT_FILE.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise RuntimeError(f"cannot read the project contract {CONTRACT_FILE} ({error}); ETL_PROJECT_ROOT must name "
                           "the checkout (docker compose mounts ./config beside ./src)") from None


def month_pattern() -> re.Pattern[str]:
    """One month, YYYY-MM (groups: year, month)."""
    return re.compile(contract()["month"]["pattern"])


def first_year() -> int:
    """The first year of TLC yellow-taxi data."""
    return int(contract()["month"]["firstYear"])


def run_id_pattern() -> re.Pattern[str]:
    """A run id given as input: letters, digits and _.:+- (it names objects and files)."""
    return re.compile(contract()["runId"]["pattern"])


def new_transform_run_id() -> str:
    """A transform run's id when the caller names none: when it started, and 6 random hex digits."""
    from datetime import UTC, datetime
    from secrets import token_hex

    return f"transform-{datetime.now(UTC):%Y%m%dT%H%M%SZ}-{token_hex(3)}"


def run_id_arg(text: str) -> str:
    """argparse type of a run id given as input: refused (exit 2) naming it, repr-quoted, and the rule."""
    if not run_id_pattern().fullmatch(text):
        raise argparse.ArgumentTypeError(f"{text!r} is not a run id (1-200 letters, digits and _.:+-, starting with "
                                          "a letter or digit)")
    return text


def spark_jar_coordinates() -> list[str]:
    return list(contract()["sparkJars"]["coordinates"])


def jar_file_name(coordinates: str) -> str:
    """The file name `mvn dependency:copy` gives `group:artifact:version[:type]` (as pins.ts jarFileName)."""
    _, artifact, version, *rest = coordinates.split(":")
    return f"{artifact}-{version}.{rest[0] if rest else 'jar'}"


def env_contract() -> dict[str, Any]:
    return contract()["env"]


def default_path(name: str) -> str:
    """stateDir, backupDir, manifestFile, logDir or cacheName."""
    return str(contract()["paths"][name])


def gold_tables() -> dict[str, dict[str, Any]]:
    """Each gold table's kind, key columns and partition columns (what `etl preview`'s diff joins on)."""
    return {name: spec for name, spec in contract()["goldTables"].items() if not name.startswith("$")}
