"""The dev session's pure parts: where an error of the edited code is, which run a preview reads, whose settings a
request runs with. No service."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from etl.dev import worker
from etl.dev.inputs import last_run, sample_run
from etl.problems import problem_of
from etl.transform.errors import TransformError


class _Context:
    def __init__(self, site: str) -> None:
        self.site = site

    def callSite(self) -> str:  # noqa: N802  (PySpark's QueryContext API)
        return self.site


class _SparkError(Exception):
    def __init__(self, message: str, site: str) -> None:
        super().__init__(message)
        self.site = site

    def getQueryContext(self):  # noqa: N802  (PySpark's exception API)
        return [_Context(self.site)]


def test_a_spark_error_is_placed_at_its_call_site_in_the_package(tmp_path):
    package = tmp_path / "etl"
    rules = package / "transform" / "rules.py"
    error = _SparkError("[UNRESOLVED_COLUMN] `trip_distanc` cannot be resolved\n  plan…", f"{rules}:55")
    problem = problem_of(error, package)
    assert (problem.file, problem.line) == (str(rules), 55)
    assert problem.message == "[UNRESOLVED_COLUMN] `trip_distanc` cannot be resolved"
    assert str(problem) == f"{rules}:55: {problem.message}"


def test_a_syntax_error_is_placed_at_its_line_and_the_preview_machinery_never(tmp_path):
    package = tmp_path / "etl"
    source = package / "transform" / "model.py"
    source.parent.mkdir(parents=True)
    source.write_text("def fact_trips(clean)\n    return clean\n")
    try:
        compile(source.read_text(), str(source), "exec")
    except SyntaxError as error:
        problem = problem_of(error, package)
    assert (problem.file, problem.line) == (str(source.resolve()), 1)
    assert problem.message.startswith("SyntaxError:")
    outside = _SparkError("boom", f"{package / 'dev' / 'preview.py'}:10")
    assert problem_of(outside, package).file is None  # etl/dev is the preview's own code, not the user's


def test_a_frame_inside_the_submitted_zip_is_placed_at_the_package_file(tmp_path):
    package = tmp_path / "etl"
    zipped = "/tmp/spark-1/userFiles-2/etl.zip/etl/transform/rules.py"
    error = _SparkError("[UNRESOLVED_COLUMN] `x` cannot be resolved", f"{zipped}:12")
    problem = problem_of(error, package)
    assert (problem.file, problem.line) == (str(package.resolve() / "transform" / "rules.py"), 12)


def _manifest(path: Path, runs: list[dict]) -> Path:
    path.write_text(json.dumps({"schema_version": 1, "updated_at": None, "runs": runs}))
    return path


def _run(run_id: str, template: str, kinds=("trips",)) -> dict:
    files = [{"kind": kind, "path": f"s3a://r/{kind}"} for kind in kinds]
    return {"run_id": run_id, "source_template": template, "files": files}


def test_the_default_input_is_the_last_run_with_trips_and_the_sample_its_newest_run(tmp_path):
    manifest = _manifest(tmp_path / "m.json", [
        _run("s1", "file:///x/Data_extracted/yellow_tripdata_{YYYY}-{MM}.parquet"),
        _run("t1", "https://tlc/{YYYY}-{MM}"),
        _run("z1", "https://tlc/{YYYY}-{MM}", kinds=("zones",)),
    ])
    assert last_run(manifest) == "t1"
    assert sample_run(manifest) == "s1"


def test_nothing_extracted_says_what_to_run(tmp_path):
    manifest = _manifest(tmp_path / "m.json", [])
    with pytest.raises(TransformError, match="etl extract --months 2024-01..2024-02 --sample"):
        last_run(manifest)
    with pytest.raises(TransformError, match="bundled sample is not in the rawzone yet"):
        sample_run(manifest)


def test_a_request_runs_with_the_callers_settings_then_the_runners_again(monkeypatch):
    monkeypatch.setenv("GOLD_BUCKET", "gold-of-the-runner")
    monkeypatch.setenv("ETL_BACKUP_DIR", "/runner/backup")
    monkeypatch.setenv("ETL_PROJECT_ROOT", "/checkout")
    monkeypatch.setenv("PATH_LIKE_OTHER", "kept")
    with worker.caller_environment({"GOLD_BUCKET": "gold-of-the-caller"}, exclusive=True):
        assert os.environ["GOLD_BUCKET"] == "gold-of-the-caller"
        assert "ETL_BACKUP_DIR" not in os.environ  # the runner's own setting hidden
        assert os.environ["ETL_PROJECT_ROOT"] == "/checkout"  # never hidden: the contract's checkout
        assert os.environ["PATH_LIKE_OTHER"] == "kept"  # not a setting
    assert (os.environ["GOLD_BUCKET"], os.environ["ETL_BACKUP_DIR"]) == ("gold-of-the-runner", "/runner/backup")
    with worker.caller_environment({"RAWZONE_BUCKET": "r"}, exclusive=False):
        assert os.environ["ETL_BACKUP_DIR"] == "/runner/backup"  # compose: the container's own stay
    assert "RAWZONE_BUCKET" not in os.environ


def test_a_fresh_import_reads_the_edited_file(tmp_path):
    """In a process of its own: forgetting the etl modules here would leave this session's tests with two copies."""
    package = tmp_path / "etl"
    package.mkdir()
    (package / "__init__.py").write_text("")
    script = textwrap.dedent(f"""
        import importlib, pathlib, sys
        from etl.dev import worker
        probe = pathlib.Path({str(package / "probe_module.py")!r})
        values = []
        for value in (1, 22):
            probe.write_text(f"VALUE = {{value}}\\n")
            worker.fresh_etl({str(tmp_path)!r})
            values.append(importlib.import_module("etl.probe_module").VALUE)
        print(values)
    """)
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[3] / "src")}
    result = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=False)
    assert result.stdout.strip() == "[1, 22]", result.stderr


def test_an_extractor_fault_is_a_crashed_event_at_its_line_then_the_traceback(capsys, monkeypatch):
    """A bug in the extractor's code (not a bad source): the Problems panel's place, and the traceback for the log."""
    import etl.extract.__main__ as extract_main

    def broken(*_args, **_kwargs):
        return {}["no such key"]  # this line is the fault

    monkeypatch.setattr(extract_main, "extract_months", broken)
    assert extract_main.main(["--months", "2024-01", "--sample", "--progress-json"]) == 1
    out, err = capsys.readouterr()
    crashed = json.loads(out.strip().splitlines()[-1])
    assert crashed["event"] == "crashed" and crashed["error"] == "'no such key'"
    # The fault's own frame is outside the package (this test): the innermost frame inside it is the call.
    source = Path(crashed["file"])
    assert source == Path(extract_main.__file__).resolve()
    assert "extract_months(" in source.read_text().splitlines()[crashed["line"] - 1]
    assert "Traceback (most recent call last)" in err
    assert err.rstrip().splitlines()[-1].startswith(f"etl extract: error: {source}:{crashed['line']}: ")
