"""The fault matrix: every test here is one cell (component × fault × phase). Each cell's outcome is collected; a
whole run of these files leaves them in test-artifacts/fault-cells/python.json, and matrix_table.py merges them with
the TypeScript suites' cells into test-artifacts/fault-matrix.json and the table of docs/reliability.md: the table
is generated from the last runs, never written by hand."""
from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from matrix_table import CELLS_DIR, write_matrix

_cells: list[dict] = []
_partial: list[bool] = []  # a run of some cells only (-k, a node id, one file) leaves the recorded cells alone
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
        fault = cell.kwargs["fault"]  # one, or the faults one scenario applies in turn
        faults = [fault] if isinstance(fault, str) else list(fault)
        _cells.append({"component": cell.kwargs["component"], "faults": faults,
                       "phase": cell.kwargs["phase"], "outcome": outcome, "seconds": round(report.duration, 1),
                       "test": item.nodeid})
    return report


def pytest_configure(config):
    config.addinivalue_line("markers", "cell(component, fault, phase): one cell of the fault matrix (fault: a "
                            "name, or a tuple of those one scenario applies in turn)")


def pytest_sessionfinish(session, exitstatus):
    if not _cells or not _whole_matrix(session):
        return
    CELLS_DIR.mkdir(parents=True, exist_ok=True)
    record = {"suite": "tests/python/faults", "finished": datetime.now(UTC).isoformat(timespec="seconds"),
              "cells": _cells}
    (CELLS_DIR / "python.json").write_text(json.dumps(record, indent=1) + "\n")
    write_matrix()
