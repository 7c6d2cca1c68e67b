"""The JSON Schemas of config/ in Python (jsonschema, draft 07) and the samples of tests/fixtures/schemas/ that the
TypeScript tests validate with ajv: one sample per event kind and shape, emitted by the Python code paths."""
from __future__ import annotations

import json
import os
import re
from typing import Any

from jsonschema import Draft7Validator
from referencing import Registry, Resource

from etl.config import PROJECT_ROOT

CONFIG = PROJECT_ROOT / "config"
FIXTURES = PROJECT_ROOT / "tests" / "fixtures" / "schemas"
SCHEMA_FILES = ("extract-events", "transform-events", "preview-events", "restore-events", "quality-report",
                "profiles")


def schema(name: str) -> dict[str, Any]:
    return json.loads((CONFIG / f"{name}.schema.json").read_text())


REGISTRY = Registry().with_resources(
    [(schema(name)["$id"], Resource.from_contents(schema(name))) for name in SCHEMA_FILES])


def validator(name: str) -> Draft7Validator:
    document = schema(name)
    Draft7Validator.check_schema(document)
    return Draft7Validator(document, registry=REGISTRY)


def assert_valid(name: str, documents: list[dict[str, Any]]) -> None:
    check = validator(name)
    for document in documents:
        errors = [f"{'/'.join(map(str, e.absolute_path)) or '(top level)'}: {e.message}"
                  for e in check.iter_errors(document)]
        assert not errors, f"{name}: {document} does not match: {errors}"


def lines(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines() if line.startswith("{")]


def _sample_key(document: dict[str, Any]) -> str:
    """Its fields, their types and its status: one sample of each."""
    return json.dumps([(k, type(v).__name__) for k, v in sorted(document.items())]) + str(document.get("status"))


def _shapes(events: list[dict[str, Any]]) -> dict[str, set[str]]:
    shapes: dict[str, set[str]] = {}
    for event in events:
        shapes.setdefault(event.get("event", event.get("kind", "transform")), set()).update(event)
    return shapes


def update_fixture(name: str, emitted: list[dict[str, Any]]) -> None:
    """With ETL_UPDATE_FIXTURES=1: rewrite tests/fixtures/schemas/<name>.json from what the emitters gave."""
    if not os.environ.get("ETL_UPDATE_FIXTURES"):
        return
    unique = list({_sample_key(e): e for e in emitted}.values())
    FIXTURES.mkdir(parents=True, exist_ok=True)
    text = json.dumps(
        {"$comment": f"Samples of config/{name}.schema.json, emitted by the Python code paths of "
                     "tests/python/unit/test_schemas*.py (ETL_UPDATE_FIXTURES=1 rewrites them); "
                     "tests/typescript/unit/schemas.test.ts validates them",
         "samples": unique}, indent=1) + "\n"
    (FIXTURES / f"{name}.json").write_text(re.sub(r"/tmp/pytest-of-[^/]+/pytest-\d+/[^/]+", "/tmp/etl", text))


def assert_fixture_matches(name: str, emitted: list[dict[str, Any]]) -> None:
    """The samples are valid and have the fields the emitters give, kind by kind."""
    update_fixture(name, emitted)
    samples = json.loads((FIXTURES / f"{name}.json").read_text())["samples"]
    assert_valid(name, samples)
    assert _shapes(samples) == _shapes(emitted), f"tests/fixtures/schemas/{name}.json: ETL_UPDATE_FIXTURES=1 updates it"
