"""The fault matrix: every test here is one cell (component × fault × phase). Each cell's outcome is collected, and
at the end of the session written to test-artifacts/fault-matrix.json and, as a table, into docs/reliability.md
between its markers: the table is generated from the last run, never written by hand."""
from __future__ import annotations

import json
import re
from collections import defaultdict
from pathlib import Path

import pytest

from etl.config import PROJECT_ROOT

RESULTS = PROJECT_ROOT / "test-artifacts" / "fault-matrix.json"
DOC = PROJECT_ROOT / "docs" / "reliability.md"
START, END = "<!-- fault-matrix:start -->", "<!-- fault-matrix:end -->"
_cells: list[dict] = []
_partial: list[bool] = []  # a run of some cells only (-k, a node id, one file) leaves the documented table alone
MATRIX_FILES = sorted(Path(__file__).parent.glob("test_*.py"))


def pytest_deselected(items):
    _partial.append(True)


def _whole_matrix(session) -> bool:
    """Every file of the matrix ran, nothing deselected (not some cells, not one file). Its files may hold tests
    that are not cells (a corrupt input, a rerun): they run, and are not in the table."""
    collected = {item.path for item in session.items}
    return not _partial and all(f in collected for f in MATRIX_FILES)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    cell = item.get_closest_marker("cell")
    if cell and (report.when == "call" or report.failed):
        outcome = "passed" if report.passed else "failed"
        _cells.append({**cell.kwargs, "outcome": outcome, "seconds": round(report.duration, 1),
                       "test": item.nodeid})
    return report


def pytest_configure(config):
    config.addinivalue_line("markers", "cell(component, fault, phase): one cell of the fault matrix")


def pytest_sessionfinish(session, exitstatus):
    if not _cells:
        return
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps({"cells": _cells}, indent=1) + "\n")
    if _whole_matrix(session) and DOC.exists() and START in DOC.read_text():
        text = DOC.read_text()
        table = f"{START}\n{matrix_table(_cells)}{END}"
        DOC.write_text(re.sub(re.escape(START) + ".*?" + re.escape(END), lambda _: table, text, flags=re.S))


def matrix_table(cells: list[dict]) -> str:
    """One row per component and phase, one column per fault: ✓ passed, ✗ failed, – not a cell."""
    faults = sorted({c["fault"] for c in cells})
    rows: dict[tuple[str, str], dict[str, str]] = defaultdict(dict)
    for c in cells:
        mark = "✓" if c["outcome"] == "passed" else "✗"
        rows[(c["component"], c["phase"])][c["fault"]] = f"{mark} {c['seconds']:g} s"
    passed = sum(c["outcome"] == "passed" for c in cells)
    lines = [f"Last run: {passed} of {len(cells)} cells passed.", "",
             "| component | phase | " + " | ".join(faults) + " |",
             "| --- | --- | " + " | ".join("---" for _ in faults) + " |"]
    for (component, phase), marks in rows.items():
        lines.append(f"| {component} | {phase} | " + " | ".join(marks.get(f, "–") for f in faults) + " |")
    return "\n".join(lines) + "\n"
