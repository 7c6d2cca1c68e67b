"""What the Python side emits, validated against the JSON Schemas of config/ that the TypeScript parsers use.

The events come from the emitters' own code paths (the extractor's run with its S3 calls replaced, the transform's
failure and phase reporting, etl.submit's skipped run); the quality reports from the functions that build them.
tests/fixtures/schemas/*.json hold samples of each event and report that tests/typescript/unit/schemas.test.ts
validates with ajv: this file checks they match the schemas too, and that each event kind there has the fields the
emitters give.
"""
from __future__ import annotations

import io
import json
import logging
from types import SimpleNamespace
from typing import Any

import pytest
from support_parquet import trip_parquet
from support_schemas import SCHEMA_FILES, assert_fixture_matches, assert_valid, lines, schema, validator

from etl.config import PROJECT_ROOT, load_settings
from etl.extract import run as extract_run
from etl.extract import transfer as extract_transfer
from etl.extract.errors import ExtractError
from etl.extract.progress import ProgressReporter
from etl.extract.transfer import FileTransfer, Job, TransferOptions
from etl.profiles import field_table


@pytest.fixture
def extract_events(tmp_path, monkeypatch) -> list[dict[str, Any]]:
    """A real extractor run over a local trip file (one uploaded, one missing), S3 calls replaced; a retry and a
    crash reported the way the transfer and __main__ report them."""
    monkeypatch.setattr(extract_run, "connect", lambda settings, bucket: object())  # the mirror only logs a failure
    monkeypatch.setattr(extract_transfer, "abort_incomplete_uploads", lambda *args: False)
    monkeypatch.setattr(extract_transfer, "stored_sha256", lambda *args: None)
    monkeypatch.setattr(extract_transfer, "upload_file", lambda *args, **kwargs: None)
    (tmp_path / "yellow_2024-01.parquet").write_bytes(trip_parquet())
    out = io.StringIO()
    reporter = ProgressReporter(True, out)
    source = f"file://{tmp_path}/yellow_{{YYYY}}-{{MM}}.parquet"
    extract_run.extract_months("2024-01", source, None, run_id="schema-ok", reporter=reporter)
    with pytest.raises(ExtractError):
        extract_run.extract_months("2024-01,2024-02", source, None, run_id="schema-failed", reporter=reporter)
    job = Job("trips", extract_run.parse_month("2024-02"), f"{tmp_path}/missing.parquet", "k", "x")
    transfer = FileTransfer(None, load_settings(), "rawzone", "r", reporter, logging.getLogger("test"),
                            TransferOptions())
    state = SimpleNamespace(outcome=SimpleNamespace(exception=lambda: TimeoutError("read timed out")),
                            next_action=SimpleNamespace(sleep=1.5), attempt_number=1)
    transfer._announce_retry(job, state)
    from etl.extract.__main__ import _crashed
    try:
        extract_run.parse_month("not a month")
    except Exception as error:  # noqa: BLE001
        _crashed(error, reporter)
    try:
        raise RuntimeError("outside the package")
    except RuntimeError as error:
        _crashed(error, reporter)
    return lines(out.getvalue())


def test_the_extractors_events_match_theirschema(extract_events):
    kinds = {event["event"] for event in extract_events}
    assert kinds == set(schema("extract-events")["properties"]["event"]["enum"])
    assert_valid("extract-events", extract_events)


def _transform_report(status: str = "succeeded") -> dict[str, Any]:
    """A transform's report as run_transform's report_of builds it (job.py), from the real counts."""
    from etl.transform.report import quality_counts

    counts = quality_counts([(2024, 1, None, 90), (2024, 1, "non_positive_distance", 10)])
    return {"run_id": "t1", "status": status, "app_id": "app-1", "manifest_run": None, "extract_runs": ["e1"],
            "airflow": None, "started_at": "2026-12-05T01:00:00Z", "ended_at": "2026-12-05T01:01:00Z",
            "duration_s": 60.0, "startup_s": 9.1, "inputs": ["s3a://rawzone/x.parquet"],
            "tables": {"fact_trips": ["2024-01"]}, "fingerprint": None, **counts,
            "phases_s": {"read": 1.0}, "writes_s": {"fact_trips 2024-01": 2.0}, "checks": [],
            "report_path": "s3a://gold/_quality/t1.json"}


@pytest.fixture
def transform_events(capsys, monkeypatch) -> list[dict[str, Any]]:
    """The driver's events from its own code (a phase, the checks, writes, a failure with and without its place,
    stopped by the checks), etl.submit's skipped run_done; run_start and the succeeded run_done need Spark, so they
    are built as __main__ builds them."""
    from etl import submit
    from etl.checks.evaluate import result
    from etl.checks.suite import load_checks
    from etl.problems import problem_of
    from etl.transform import __main__ as driver
    from etl.transform import job
    from etl.transform.events import emit

    log = logging.getLogger("test")
    emit("run_start", run_id="t1", app_id="app-1", ui_url=None, master="spark://127.0.0.1:7077", manifest_run=None,
         startup_s=9.1)
    from etl.transform.unfinished import RunState
    driver.tell_unfinished(RunState("t0", "2026-12-06T00:00:00+00:00", 1, "write", ["fact_trips"]), log)
    clock = job.PhaseClock(emit, job.Activity())
    clock.start("read", "reading", files=["s3a://rawzone/x.parquet"])
    clock.start("checks", "checking", checks=2)
    check = load_checks()[0]
    emit("checks", results=[result(check, "pass", 1, ">= 1", "ok"), result(check, "skipped", None, None, "n/a")])

    class FakeWrite(SimpleNamespace):
        label = "dim_zone"

        def run(self, gold):
            return f"s3a://{gold}/dim_zone"

    monkeypatch.setattr(job, "table_holds", lambda *args: True)
    job.run_writes([FakeWrite(table="dim_zone", months={}, tag=None)], "gold", emit)
    job.run_writes([FakeWrite(table="dim_zone", months={}, tag="t")], "gold", emit, client=object())
    emit("run_done", run_id="t1", status="succeeded", report=_transform_report(), report_path="s3a://gold/x",
         error=None)
    monkeypatch.setattr(driver, "LINEAGE", [])
    driver._failed("t2", "boom", log)
    try:
        extract_run.parse_month("not a month")
    except Exception as error:  # noqa: BLE001
        driver._failed("t3", "bad month", log, place=problem_of(error))
    driver._failed("t4", "checks failed", log, report=_transform_report("failed"), stopped_by="checks")
    import etl.extract.store
    import etl.transform.unchanged
    monkeypatch.setattr(etl.extract.store, "make_client", lambda settings: object())
    monkeypatch.setattr(etl.transform.unchanged, "previous_unchanged_run",
                        lambda client, bucket, fingerprint: _transform_report())
    echo = io.StringIO()
    submit._skipped(load_settings(), "f", echo)
    return lines(capsys.readouterr().out) + lines(echo.getvalue())


def test_the_transforms_events_match_theirschema(transform_events):
    kinds = {event["event"] for event in transform_events}
    assert kinds == set(schema("transform-events")["properties"]["event"]["enum"])
    done = [e for e in transform_events if e["event"] == "run_done"]
    assert {e["status"] for e in done} == {"succeeded", "failed", "skipped"}
    assert any("file" in e and "line" in e for e in done), "a failure of the code carries its file and line"
    assert any(e.get("stopped_by") == "checks" for e in done)
    assert_valid("transform-events", transform_events)


def _restore_report() -> dict[str, Any]:
    from etl.restore.run import restore_report

    args = SimpleNamespace(run_id="r1", before_run="t1")
    outcome = SimpleNamespace(tables={"fact_trips": {"from": 3, "to": 1, "restored_version": 4}},
                              restored=["fact_trips"], not_restored=[], error=None)
    return restore_report(args, outcome, "2026-12-05T01:00:00Z", 1.0)


def test_quality_reports_match_theirschema():
    assert_valid("quality-report", [_transform_report(), _restore_report()])


def test_a_broken_event_or_report_is_rejected_naming_the_field():
    bad = {"event": "bytes", "kind": "trips", "month": "2024-01", "bytes": "10", "total": None}
    errors = list(validator("extract-events").iter_errors(bad))
    assert errors and any("bytes" in list(e.absolute_path) or "'10'" in e.message for e in errors)
    report = _transform_report()
    del report["rows_kept"]
    assert any("'rows_kept' is a required property" in e.message
               for e in validator("quality-report").iter_errors(report))


def test_the_typescript_fixtures_match_the_schemas_and_the_emitters(extract_events, transform_events):
    """The samples schemas.test.ts (TypeScript) validates: valid here too, with every field the emitters give."""
    reports = [_transform_report(), _restore_report()]
    for name, emitted in (("extract-events", extract_events), ("transform-events", transform_events),
                          ("quality-report", reports)):
        assert_fixture_matches(name, emitted)


def test_the_profile_loader_reads_its_field_table_from_theschema():
    fields, required = field_table()
    assert fields["s3"]["endpoint"] == "http" and fields["spark"]["masterUrl"] == "spark"
    assert fields["spark"]["deployMode"] == ("client", "cluster") and fields["s3"]["buckets"] == "buckets"
    assert required == {"s3": ["endpoint", "accessKeyEnv", "secretKeyEnv"], "spark": ["masterUrl"],
                        "elasticsearch": ["url"], "airflow": ["url"], "lineage": ["url"]}


CASES = json.loads((PROJECT_ROOT / "tests" / "fixtures" / "profiles" / "cases.json").read_text())["cases"]


@pytest.mark.parametrize("case", [c for c in CASES if "file" in c], ids=lambda c: c["name"])
def test_the_schema_agrees_with_the_shared_profile_cases(case):
    """A file both loaders accept matches the schema; one refused for its content does not (a missing profile, a
    caFile that does not exist are no matter of the file's form)."""
    errors = list(validator("profiles").iter_errors(case["file"]))
    if "error" not in case or any(part in " ".join(case["error"]) for part in ("no profile", "does not exist",
                                                                                "is plain http")):
        assert not errors, [e.message for e in errors]
    else:
        assert errors, f"the schema accepts what the loaders refuse: {case['error']}"


def test_schemas_are_draft_07():
    for name in SCHEMA_FILES:
        assert schema(name)["$schema"] == "http://json-schema.org/draft-07/schema#"
    assert (PROJECT_ROOT / "config" / "extracted_paths.schema.json").exists()
