"""The fault matrix's one table. Each suite that holds cells leaves its last whole run in
test-artifacts/fault-cells/<suite>.json: the Python cells of tests/python/faults (conftest.py), and the TypeScript
suites' (tests/typescript/helpers/faultCells.ts: the log shipper natively, compose containers). Merged here into
test-artifacts/fault-matrix.json and, between its markers, the table of docs/reliability.md; never written by hand.
Run as a script after the last suite (scripts/test.sh); the Python session also runs it when it ends."""
from __future__ import annotations

import json
import re
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
CELLS_DIR = ROOT / "test-artifacts" / "fault-cells"
RESULTS = ROOT / "test-artifacts" / "fault-matrix.json"
DOC = ROOT / "docs" / "reliability.md"
START, END = "<!-- fault-matrix:start -->", "<!-- fault-matrix:end -->"


def load_suites(cells_dir: Path = CELLS_DIR) -> list[dict]:
    """Every suite's record ({suite, finished, cells}), in the order they ran."""
    suites = [json.loads(path.read_text()) for path in sorted(cells_dir.glob("*.json"))]
    return sorted(suites, key=lambda suite: suite["finished"])


def matrix_table(suites: list[dict]) -> str:
    """One row per component and phase, one column per fault: ✓ passed, ✗ failed, – not a cell. A test that applies
    several faults in one scenario (SIGKILLs, then a stop) fills each of their columns."""
    cells = [cell for suite in suites for cell in suite["cells"]]
    faults = sorted({fault for cell in cells for fault in cell["faults"]})
    rows: dict[tuple[str, str], dict[str, str]] = defaultdict(dict)
    for cell in cells:
        mark = "✓" if cell["outcome"] == "passed" else "✗"
        for fault in cell["faults"]:
            rows[(cell["component"], cell["phase"])][fault] = f"{mark} {cell['seconds']:g} s"
    entries = [(cell["outcome"], fault) for cell in cells for fault in cell["faults"]]
    passed = sum(outcome == "passed" for outcome, _ in entries)
    sources = "; ".join(f"`{suite['suite']}` {suite['finished'][:16].replace('T', ' ')} UTC" for suite in suites)
    lines = [f"Last run: {passed} of {len(entries)} cells passed, in {len(cells)} tests ({sources}).", "",
             "| component | phase | " + " | ".join(faults) + " |",
             "| --- | --- | " + " | ".join("---" for _ in faults) + " |"]
    for (component, phase), marks in rows.items():
        lines.append(f"| {component} | {phase} | " + " | ".join(marks.get(f, "–") for f in faults) + " |")
    return "\n".join(lines) + "\n"


def write_matrix(cells_dir: Path = CELLS_DIR, results: Path = RESULTS, doc: Path = DOC) -> None:
    suites = load_suites(cells_dir)
    if not suites:
        return
    results.parent.mkdir(exist_ok=True)
    results.write_text(json.dumps({"suites": suites}, indent=1) + "\n")
    if doc.exists() and START in doc.read_text():
        table = f"{START}\n{matrix_table(suites)}{END}"
        doc.write_text(re.sub(re.escape(START) + ".*?" + re.escape(END), lambda _: table, doc.read_text(), flags=re.S))


if __name__ == "__main__":
    write_matrix()
