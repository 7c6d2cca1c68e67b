"""config/preview-events.schema.json and config/restore-events.schema.json against the events the Python code
emits: the preview's start, inputs, phases and both endings (etl.dev.preview.main with its Spark parts replaced by
their results), the dev session's own failure, and the restore's table events from restore_tables (over a stand-in
of Spark's SQL entry point that answers DESCRIBE HISTORY and RESTORE) with the start and end as __main__ emits them.
The samples land in tests/fixtures/schemas/ for the TypeScript parsers' tests."""
from __future__ import annotations

import logging
from types import SimpleNamespace
from typing import Any

import pytest
from support_schemas import assert_fixture_matches, assert_valid, lines, schema, validator

from etl.config import ConfigError
from etl.dev import preview, worker
from etl.restore.args import RestoreArgs, TableTarget
from etl.restore.run import Outcome, restore_report, restore_tables
from etl.transform.events import emit
from etl.transform.job import PhaseClock
from etl.transform.report import quality_counts
from etl.transform.watchdog import Activity

INPUTS = SimpleNamespace(described="the sample (run e1)", months=["2024-01"], zones="s3a://rawzone/zones.csv",
                         files=[SimpleNamespace(path="s3a://rawzone/2024-01.parquet")])


@pytest.fixture
def preview_events(capsys, monkeypatch, tmp_path) -> list[dict[str, Any]]:
    import etl.dev.inputs
    import etl.dev.session
    import etl.extract.store

    def written(spark, inputs, out, phases):
        phases.start("read", "reading", files=[f.path for f in inputs.files])
        phases.start("write", "writing")
        return quality_counts([(2024, 1, None, 9), (2024, 1, "non_positive_distance", 1)]), ["fact_trips"]

    monkeypatch.setattr(etl.extract.store, "make_client", lambda settings: object())
    monkeypatch.setattr(etl.dev.inputs, "select_inputs", lambda *args, **kwargs: INPUTS)
    monkeypatch.setattr(preview, "write_tables", written)
    monkeypatch.setattr(etl.dev.session, "dev_session", lambda settings: SimpleNamespace(stop=lambda: None))
    assert preview.main(["--sample", "--out", str(tmp_path / "p1"), "--preview-id", "p1"]) == 0

    def no_session(settings):
        raise ConfigError("the dev session is not running: start it with `etl up --with dev`")

    monkeypatch.setattr(etl.dev.session, "dev_session", no_session)
    assert preview.main(["--sample", "--out", str(tmp_path / "p2"), "--preview-id", "p2"]) != 0
    worker._failed("the dev session cannot run this request", "/src/etl/transform/rules.py", 59)
    return lines(capsys.readouterr().out)


def test_the_previews_events_match_their_schema(preview_events):
    kinds = {event["event"] for event in preview_events}
    assert kinds == set(schema("preview-events")["properties"]["event"]["enum"])
    done = [e for e in preview_events if e["event"] == "preview_done"]
    assert {e["status"] for e in done} == {"succeeded", "failed"}
    assert any("preview_id" not in e for e in done), "the dev session's own failure has no preview id"
    assert_valid("preview-events", preview_events)
    assert_fixture_matches("preview-events", preview_events)


class DeltaVersions:
    """Spark's sql() as restore_tables uses it: DESCRIBE HISTORY answers a table's version, RESTORE adds one
    (or fails for the table named in `failing`)."""

    def __init__(self, versions: dict[str, int], failing: str | None = None):
        self.versions, self.failing = versions, failing

    def sql(self, text: str):
        table = text.split("`")[1].rsplit("/", 1)[-1]
        if text.startswith("RESTORE"):
            if table == self.failing:
                raise RuntimeError("org.apache.spark.sql.AnalysisException: [DELTA_FILE_NOT_FOUND] gone")
            self.versions[table] += 1
            return SimpleNamespace(collect=lambda: [])
        return SimpleNamespace(collect=lambda: [{"version": self.versions[table]}])


def _args(expected: tuple[TableTarget, ...] = ()) -> RestoreArgs:
    return RestoreArgs("r1", "t1", (TableTarget("fact_trips", 1), TableTarget("dim_zone", 0)), expected)


@pytest.fixture
def restore_events(capsys) -> list[dict[str, Any]]:
    log = logging.getLogger("test")
    args = _args()
    emit("restore_start", run_id=args.run_id, before_run=args.before_run,
         tables={t.table: t.version for t in args.tables})
    outcome = restore_tables(DeltaVersions({"fact_trips": 3, "dim_zone": 2}), "gold", args, emit, log)
    report = restore_report(args, outcome, "2026-12-05T01:00:00Z", 1.0)
    emit("restore_done", run_id=args.run_id, status=report["status"], report=report,
         report_path="s3a://gold/_quality/r1.json", error=None, restored=outcome.restored,
         not_restored=outcome.not_restored)
    restore_tables(DeltaVersions({"fact_trips": 3, "dim_zone": 2}, failing="dim_zone"), "gold", args, emit, log)
    stale = _args(expected=(TableTarget("fact_trips", 2),))  # the plan saw v2, gold is at v3
    restore_tables(DeltaVersions({"fact_trips": 3, "dim_zone": 2}), "gold", stale, emit, log)
    failed = Outcome(error="Spark session: boom", not_restored=["fact_trips", "dim_zone"])
    emit("restore_done", run_id="r2", status="failed", report=None, report_path=None, error=failed.error,
         restored=[], not_restored=failed.not_restored)
    return lines(capsys.readouterr().out)


def test_the_restores_events_match_their_schema(restore_events):
    kinds = {event["event"] for event in restore_events}
    assert kinds == set(schema("restore-events")["properties"]["event"]["enum"])
    failed = [e for e in restore_events if e["event"] == "table_failed"]
    assert {e["to"] for e in failed} == {0, None}, "a failed RESTORE names its target; a stale plan names none"
    assert_valid("restore-events", restore_events)
    assert_fixture_matches("restore-events", restore_events)


def _messages(name: str, document: dict[str, Any]) -> list[str]:
    """Every error's message, the oneOf branches' own included."""
    pending, messages = list(validator(name).iter_errors(document)), []
    while pending:
        error = pending.pop()
        messages.append(error.message)
        pending.extend(error.context or [])
    return messages


def test_a_preview_or_restore_event_with_a_wrong_field_is_refused():
    bad = {"event": "preview_done", "preview_id": "p", "status": "succeeded", "seconds": 1}
    assert "'described' is a required property" in _messages("preview-events", bad)
    bad = {"event": "table_restored", "table": "t", "from": 1, "to": -1, "restored_version": 2, "seconds": 0}
    assert "-1 is less than the minimum of 0" in _messages("restore-events", bad)


def test_phase_events_are_the_transforms(capsys):
    """The preview reuses the transform's PhaseClock: its phase lines fit both schemas."""
    PhaseClock(emit, Activity()).start("classify", "classifying")
    events = lines(capsys.readouterr().out)
    assert_valid("preview-events", events)
    assert_valid("transform-events", events)
