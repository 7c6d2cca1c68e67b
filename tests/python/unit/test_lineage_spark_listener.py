"""OpenLineage's own Spark listener against the transform's declared column lineage (etl.lineage.declared).

The listener (io.openlineage:openlineage-spark, `etl setup --tests`) reads Spark's plan of the transform's own
functions building fact_trips from a bundled sample month (lineage_listener_run.py, a JVM of its own); its
`columnLineage` facet must name, for every fact_trips column, the raw columns our declarations name. Where they
differ by design (docs/lineage.md, which also says which one the product keeps): the listener names a column as
this file spells it (`Airport_fee`; ours: the name every vintage is matched by, case-insensitively), names no
input for a column this file lacks (`cbd_congestion_fee` before 2025: a null, then 0), and a value from the
file itself (`source_row`) reads its `_metadata`; literals (`source_path`, the partition columns) it leaves out.
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from etl.config import PROJECT_ROOT, load_settings
from etl.lineage.declared import FACT, TRIPS, table_lineage

PINS_TS = (PROJECT_ROOT / "extension" / "core" / "pins.ts").read_text()


def listener_jar() -> Path:
    coordinates = re.search(r"openLineageSpark: '([^']+)'", PINS_TS).group(1)
    _, artifact, version = coordinates.split(":")
    jar = Path(load_settings().cache_dir) / "jars-test" / f"{artifact}-{version}.jar"
    assert jar.is_file(), f"{jar} is missing: run `etl setup --tests` (it fetches the listener for this test)"
    return jar


def events_of(file: Path) -> list[dict]:
    return [json.loads(line) for line in file.read_text().splitlines() if line.strip()]


def listener_fields(events: list[dict]) -> dict[str, dict[str, set[str]]]:
    """fact_trips column -> {"DIRECT": raw fields, "INDIRECT": raw fields}, from the richest event's facet."""
    facets = [output["facets"]["columnLineage"]["fields"] for event in events for output in event.get("outputs", [])
              if output["name"].endswith(FACT) and "columnLineage" in output.get("facets", {})]
    assert facets, "the listener sent no column lineage for fact_trips"
    fields = max(facets, key=len)
    found: dict[str, dict[str, set[str]]] = {}
    for column, lineage in fields.items():
        kinds: dict[str, set[str]] = {"DIRECT": set(), "INDIRECT": set()}
        for source in lineage.get("inputFields", []):
            if not source["name"].endswith(".parquet"):
                continue
            for transformation in source.get("transformations") or [{"type": "DIRECT"}]:
                kinds.setdefault(transformation["type"], set()).add(source["field"])
        found[column] = kinds
    return found


@pytest.fixture(scope="module")
def listener(tmp_path_factory) -> dict[str, dict[str, set[str]]]:
    work = tmp_path_factory.mktemp("listener")
    events = work / "events.jsonl"
    run = subprocess.run([sys.executable, str(Path(__file__).with_name("lineage_listener_run.py")),
                          str(listener_jar()), str(events), str(work)],
                         env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT / "src")}, capture_output=True, text=True,
                         timeout=600)
    assert run.returncode == 0, run.stderr[-3000:]
    return listener_fields(events_of(events))


DECLARED = {c.column: {s.field for s in c.sources if s.kind == TRIPS} for c in table_lineage()[FACT]}
# The columns of the file lineage_listener_run.py reads, lower-cased (TLC column names vary in case by vintage).
SAMPLE_FILE = PROJECT_ROOT / "Data_extracted" / "yellow_tripdata_2024-01.parquet"
IN_FILE = {name.lower() for name in pq.read_schema(SAMPLE_FILE).names}


def lower(names: set[str]) -> set[str]:
    return {name.lower() for name in names}


@pytest.mark.parametrize("column", sorted(c for c, raw in DECLARED.items() if raw))
def test_a_computed_fact_column_reads_the_same_raw_columns_in_both(listener, column):
    """Ours, restricted to the columns this file has, equals the listener's (names compared without case)."""
    present = lower(DECLARED[column]) & IN_FILE
    seen = lower(listener.get(column, {}).get("DIRECT", set()))
    assert seen == present, f"listener {sorted(seen)}, declared {sorted(DECLARED[column])}"


@pytest.mark.parametrize("column", sorted(c for c, raw in DECLARED.items() if not raw))
def test_a_column_from_the_file_itself_reads_no_raw_column_in_either(listener, column):
    """source_path, source_row, pickup_year, pickup_month: no raw column (at most the file's `_metadata`)."""
    assert listener.get(column, {}).get("DIRECT", set()) <= {"_metadata"}, listener[column]
