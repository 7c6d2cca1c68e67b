"""config/checks.yaml: loading and validation against config/checks.schema.json (no services)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from etl.checks.suite import CHECKS_FILE, SCHEMA_FILE, ChecksConfigError, load_checks, parse_checks
from etl.contract import gold_tables

SCHEMA = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
GOOD = {"name": "fact_key", "kind": "unique", "table": "fact_trips", "severity": "error", "columns": ["trip_key"]}


def problems(*checks: dict) -> str:
    with pytest.raises(ChecksConfigError) as raised:
        parse_checks({"checks": list(checks)}, "config/checks.yaml", SCHEMA)
    return str(raised.value)


def test_shipped_file_loads_with_every_kind():
    checks = load_checks()
    assert {c.kind for c in checks} == {"row_count", "not_null", "unique", "foreign_key", "accepted_values",
                                        "freshness", "sql"}
    assert CHECKS_FILE.read_text(encoding="utf-8").startswith("# yaml-language-server: $schema=./checks.schema.json")


def test_schema_tables_are_the_contracts_gold_tables():
    assert sorted(SCHEMA["definitions"]["table"]["enum"]) == sorted(gold_tables())
    month_tables = [t for t, spec in gold_tables().items() if spec["partitionBy"]]
    assert sorted(SCHEMA["definitions"]["monthTable"]["enum"]) == sorted(month_tables)


def test_package_json_validates_the_yaml_with_the_schema():
    package = json.loads((SCHEMA_FILE.parents[1] / "package.json").read_text(encoding="utf-8"))
    assert {"fileMatch": "config/checks.yaml", "url": "./config/checks.schema.json"} in \
        package["contributes"]["yamlValidation"]


def test_a_good_check_parses_to_its_fields():
    (check,) = parse_checks({"checks": [GOOD]}, "x.yaml", SCHEMA)
    assert (check.name, check.kind, check.table, check.severity, check.spec) == \
        ("fact_key", "unique", "fact_trips", "error", {"columns": ["trip_key"]})


def test_a_missing_field_names_file_check_and_field():
    message = problems({k: v for k, v in GOOD.items() if k != "columns"})
    assert message.startswith("config/checks.yaml: check 'fact_key' (checks[0]): columns:")


def test_a_wrong_value_names_the_field():
    message = problems({**GOOD, "severity": "fatal"})
    assert "check 'fact_key' (checks[0]): severity: 'fatal' is not one of ['warn', 'error']" in message


def test_a_field_of_another_kind_is_refused():
    message = problems({**GOOD, "values": [1]})
    assert "check 'fact_key' (checks[0]): values: not a field of this kind of check" in message


def test_row_count_needs_a_bound_and_a_month_table():
    message = problems({"name": "volume", "kind": "row_count", "table": "dim_zone", "severity": "error"})
    assert "check 'volume' (checks[0]): row_count needs min_ratio or max_ratio" in message
    assert "check 'volume' (checks[0]): table: 'dim_zone' is not one of" in message


def test_sql_must_be_a_select():
    message = problems({"name": "q", "kind": "sql", "table": "fact_trips", "severity": "warn",
                        "query": "DELETE FROM fact_trips"})
    assert "check 'q' (checks[0]): query: 'DELETE FROM fact_trips' does not match" in message


def test_names_must_be_unique():
    message = problems(GOOD, {**GOOD, "columns": ["pickup_datetime"]})
    assert message == "config/checks.yaml: check 'fact_key': name: used by 2 checks (names must be unique)"


def test_an_unnamed_check_is_named_by_its_position():
    message = problems(GOOD, {"kind": "unique"})
    assert "config/checks.yaml: checks[1]: name: 'name' is a required property" in message


def test_bad_yaml_and_a_missing_file_name_the_file(tmp_path: Path):
    broken = tmp_path / "checks.yaml"
    broken.write_text("checks: [\n", encoding="utf-8")
    with pytest.raises(ChecksConfigError, match=f"^{broken} is not valid YAML"):
        load_checks(broken)
    with pytest.raises(ChecksConfigError, match="^cannot read .*absent.yaml"):
        load_checks(tmp_path / "absent.yaml")


def test_etl_checks_file_names_another_checks_file(tmp_path, monkeypatch):
    none = tmp_path / "no-checks.yaml"
    none.write_text("checks: []\n")
    monkeypatch.setenv("ETL_CHECKS_FILE", str(none))
    assert load_checks() == []
    monkeypatch.delenv("ETL_CHECKS_FILE")
    assert len(load_checks()) > 0  # config/checks.yaml
