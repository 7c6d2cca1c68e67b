"""The data-quality report of a run: rows read, kept and rejected per rule, overall and per month."""
from __future__ import annotations

import io
import json
from typing import Any

from etl.transform.rules import rule_names

QUALITY_PREFIX = "_quality"


def _empty_counts() -> dict[str, Any]:
    return {"rows_read": 0, "rows_kept": 0, "rows_rejected": 0, "rejected_by_rule": {r: 0 for r in rule_names()}}


def _add(target: dict[str, Any], rule: str | None, rows: int) -> None:
    target["rows_read"] += rows
    if rule is None:
        target["rows_kept"] += rows
    else:
        target["rows_rejected"] += rows
        target["rejected_by_rule"][rule] += rows


def quality_counts(rows: list[tuple[int, int, str | None, int]]) -> dict[str, Any]:
    """From (source_year, source_month, rule or None, rows): totals and per-month counts."""
    totals, months = _empty_counts(), {}
    for year, month, rule, count in sorted(rows, key=lambda r: (r[0], r[1], r[2] or "")):
        label = f"{year:04d}-{month:02d}"
        _add(totals, rule, count)
        _add(months.setdefault(label, _empty_counts()), rule, count)
    return {**totals, "months": dict(sorted(months.items()))}


def report_key(run_id: str) -> str:
    return f"{QUALITY_PREFIX}/{run_id}.json"


def put_report(client, bucket: str, report: dict[str, Any], latest: bool = True) -> str:
    """Writes gold/_quality/<run_id>.json (one PUT: atomic) and, unless latest=False (a run that published
    nothing), a copy as latest.json."""
    body = json.dumps(report, indent=2).encode()
    for key in (report_key(report["run_id"]), *([f"{QUALITY_PREFIX}/latest.json"] if latest else [])):
        client.put_object(bucket, key, io.BytesIO(body), len(body), content_type="application/json")
    return f"s3a://{bucket}/{report_key(report['run_id'])}"
