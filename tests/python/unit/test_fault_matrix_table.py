"""The fault matrix's table (tests/python/faults/matrix_table.py): the suites' cells merged in the order they ran,
a scenario of several faults in each of their columns, written between the markers only."""
from __future__ import annotations

import json

from faults.matrix_table import END, START, matrix_table, write_matrix


def suite(name, finished, *cells):
    return {"suite": name, "finished": finished, "cells": list(cells)}


def cell(component, faults, outcome="passed", seconds=1.25, phase="ship"):
    return {"component": component, "faults": faults, "phase": phase, "outcome": outcome, "seconds": seconds,
            "test": component}


PYTHON = suite("tests/python/faults", "2026-12-05T17:10:00+00:00", cell("MinIO", ["SIGKILL"], phase="write"))
COMPOSE = suite("compose.ts", "2026-12-05T17:40:00.123Z", cell("shipper container", ["SIGKILL", "SIGTERM"]),
                cell("worker container", ["SIGKILL"], "failed", 30, "write"))


def test_a_scenario_of_two_faults_fills_both_columns_and_counts_twice():
    table = matrix_table([PYTHON, COMPOSE])
    assert table.splitlines()[0] == ("Last run: 3 of 4 cells passed, in 3 tests (`tests/python/faults` 2026-12-05 "
                                     "17:10 UTC; `compose.ts` 2026-12-05 17:40 UTC).")
    assert "| component | phase | SIGKILL | SIGTERM |" in table
    assert "| MinIO | write | ✓ 1.25 s | – |" in table
    assert "| shipper container | ship | ✓ 1.25 s | ✓ 1.25 s |" in table
    assert "| worker container | write | ✗ 30 s | – |" in table


def test_suites_are_merged_in_the_order_they_ran_and_only_the_marked_part_changes(tmp_path):
    cells = tmp_path / "cells"
    cells.mkdir()
    (cells / "a-compose.json").write_text(json.dumps(COMPOSE))
    (cells / "python.json").write_text(json.dumps(PYTHON))
    doc = tmp_path / "reliability.md"
    doc.write_text(f"before\n{START}\nold table\n{END}\nafter\n")
    results = tmp_path / "out" / "fault-matrix.json"
    write_matrix(cells, results, doc)
    text = doc.read_text()
    assert text.startswith(f"before\n{START}\nLast run: 3 of 4") and text.endswith(f"{END}\nafter\n")
    assert "old table" not in text
    assert text.index("| MinIO |") < text.index("| shipper container |")  # Python ran first
    assert [s["suite"] for s in json.loads(results.read_text())["suites"]] == ["tests/python/faults", "compose.ts"]


def test_no_suite_writes_nothing(tmp_path):
    doc = tmp_path / "reliability.md"
    doc.write_text(f"{START}\nkept\n{END}\n")
    write_matrix(tmp_path, tmp_path / "fault-matrix.json", doc)
    assert "kept" in doc.read_text() and not (tmp_path / "fault-matrix.json").exists()
