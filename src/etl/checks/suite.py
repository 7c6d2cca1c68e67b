"""Loads config/checks.yaml and validates it against config/checks.schema.json (the same file the
VS Code YAML extension validates with), so an edit fails with the file, the check and the field."""
from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from etl.contract import PROJECT_ROOT

CHECKS_FILE = PROJECT_ROOT / "config" / "checks.yaml"
SCHEMA_FILE = PROJECT_ROOT / "config" / "checks.schema.json"
SEVERITIES = ("warn", "error")


def checks_file() -> Path:
    """ETL_CHECKS_FILE (another team's checks, or an empty list to measure the checks' cost), else CHECKS_FILE."""
    return Path(os.environ.get("ETL_CHECKS_FILE") or CHECKS_FILE)


class ChecksConfigError(ValueError):
    """config/checks.yaml cannot be used; the message names the file, the check and the field."""


@dataclass(frozen=True)
class Check:
    name: str
    kind: str
    table: str
    severity: str
    spec: dict[str, Any] = field(default_factory=dict)  # the check's own fields (columns, min_ratio, …)
    description: str = ""


def load_checks(path: Path | None = None, schema_path: Path = SCHEMA_FILE) -> list[Check]:
    import yaml

    path = path or checks_file()
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise ChecksConfigError(f"cannot read {path} ({error.strerror or error})") from None
    except yaml.YAMLError as error:
        raise ChecksConfigError(f"{path} is not valid YAML: {' '.join(str(error).split())}") from None
    return parse_checks(document, str(path), json.loads(schema_path.read_text(encoding="utf-8")))


def parse_checks(document: Any, source: str, schema: dict[str, Any]) -> list[Check]:
    """The checks of a parsed document; every schema error and duplicate name at once, one per line."""
    from jsonschema import Draft7Validator

    errors = sorted(Draft7Validator(schema).iter_errors(document), key=lambda e: list(map(str, e.absolute_path)))
    problems = [describe_error(document, source, error) for error in errors]
    if not problems:
        names = [entry["name"] for entry in document["checks"]]
        problems = [f"{source}: check '{name}': name: used by {names.count(name)} checks (names must be unique)"
                    for name in sorted(set(names)) if names.count(name) > 1]
    if problems:
        raise ChecksConfigError("\n".join(dict.fromkeys(problems)))
    return [Check(name=e["name"], kind=e["kind"], table=e["table"], severity=e["severity"],
                  description=e.get("description", ""),
                  spec={k: v for k, v in e.items() if k not in ("name", "kind", "table", "severity", "description")})
            for e in document["checks"]]


def describe_error(document: Any, source: str, error) -> str:
    """`<file>: check 'NAME' (checks[i]): FIELD: what is wrong`."""
    path = list(error.absolute_path)
    where = source
    if len(path) >= 2 and path[0] == "checks" and isinstance(path[1], int):
        entry = document["checks"][path[1]]
        name = entry.get("name") if isinstance(entry, dict) else None
        where += f": check '{name}' (checks[{path[1]}])" if name else f": checks[{path[1]}]"
        path = path[2:]
    subject = ".".join(map(str, path)) or _field_of(error)
    return f"{where}: {subject}: {_wording(error)}" if subject else f"{where}: {_wording(error)}"


def _field_of(error) -> str:
    """The field a `required`/`propertyNames` error is about (jsonschema puts it in the message, not the path)."""
    if error.validator == "required":
        return str(error.message).split("'")[1] if "'" in error.message else ""
    if list(error.relative_schema_path)[-2:-1] == ["propertyNames"]:
        return str(error.instance)
    return ""


def _wording(error) -> str:
    if list(error.relative_schema_path)[-2:-1] == ["propertyNames"]:
        return f"not a field of this kind of check (allowed: {', '.join(error.validator_value)})"
    if error.validator == "anyOf" and isinstance(error.instance, dict) and error.instance.get("kind") == "row_count":
        return "row_count needs min_ratio or max_ratio"
    return str(error.message)
