"""Restores the given gold tables in order, one Delta RESTORE commit each, stopping at the first failure.

Delta has no transaction across tables: a restore that stops half-way leaves the tables before the failing one
restored and the others as they were. The report says which; running the same `etl restore` again skips the
restored ones (their files already are the target's: extension/core/restore/plan.ts) and finishes the job."""
from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from etl.restore.args import RestoreArgs, TableTarget, restore_sql

Emit = Callable[..., None]


@dataclass
class Outcome:
    tables: dict[str, dict[str, Any]] = field(default_factory=dict)
    restored: list[str] = field(default_factory=list)
    not_restored: list[str] = field(default_factory=list)
    error: str | None = None


def history_sql(bucket: str, table: str) -> str:
    # restore_sql checks the bucket and table; the same path, the newest commit only.
    path = restore_sql(bucket, TableTarget(table, 0)).split("`")[1]
    return f"DESCRIBE HISTORY delta.`{path}` LIMIT 1"


def current_version(spark, bucket: str, table: str) -> int:
    return int(spark.sql(history_sql(bucket, table)).collect()[0]["version"])


_JAVA_EXCEPTION = re.compile(r"[\w$]+(?:\.[\w$]+)+(?:Exception|Error): ")  # a Java class name, then the message


def short_error(error: BaseException) -> str:
    """Spark's message on one line, without the Java stack (Delta's missing-files error names the files on its
    second line: kept)."""
    text = str(error)
    match = _JAVA_EXCEPTION.search(text)
    message = re.split(r"\n\s*at |\n\s*JVM stacktrace:", text[match.end():] if match else text)[0]
    return " ".join(message.split())[:600] or type(error).__name__


def moved_since_plan(spark, bucket: str, args: RestoreArgs) -> tuple[str, str] | None:
    """The table that moved and why the plan is stale (a transform committed after the plan was read), or None."""
    for expected in args.expected:
        now = current_version(spark, bucket, expected.table)
        if now != expected.version:
            return expected.table, (f"{expected.table} is at v{now}, the plan saw v{expected.version} (gold changed "
                                    "since); run the restore again for a new plan")
    return None


def restore_tables(spark, bucket: str, args: RestoreArgs, emit: Emit, log) -> Outcome:
    outcome = Outcome()
    stale = moved_since_plan(spark, bucket, args)
    if stale:  # checked before any commit: nothing is restored from a plan the user did not see
        table, outcome.error = stale
        outcome.not_restored = [t.table for t in args.tables]
        emit("table_failed", table=table, to=None, error=outcome.error)
        return outcome
    for index, target in enumerate(args.tables):
        started = time.monotonic()
        entry: dict[str, Any] = {"from": None, "to": target.version}
        outcome.tables[target.table] = entry
        try:
            entry["from"] = current_version(spark, bucket, target.table)
            spark.sql(restore_sql(bucket, target)).collect()
            entry["restored_version"] = current_version(spark, bucket, target.table)
        except Exception as error:  # Spark/py4j: the table's failure ends the restore (see the module's doc)
            log.exception("restore of %s failed", target.table)
            outcome.error = f"{target.table}: {short_error(error)}"
            outcome.not_restored = [t.table for t in args.tables[index:]]
            emit("table_failed", table=target.table, to=target.version, error=short_error(error))
            return outcome
        outcome.restored.append(target.table)
        emit("table_restored", table=target.table, to=target.version, restored_version=entry["restored_version"],
             seconds=round(time.monotonic() - started, 2), **{"from": entry["from"]})
    return outcome


def utc_now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def restore_report(args: RestoreArgs, outcome: Outcome, started_at: str, duration_s: float) -> dict[str, Any]:
    """A quality report the Runs view reads (extension/core/runs/report.ts: the counts are 0), kind "restore".
    Written as latest.json too: a restored gold is not what the latest transform's fingerprint describes, so
    the next `etl transform` must run, not skip as unchanged."""
    failed = bool(outcome.not_restored)
    return {
        "run_id": args.run_id, "kind": "restore", "status": "failed" if failed else "succeeded",
        "before_run": args.before_run, "started_at": started_at, "ended_at": utc_now(),
        "duration_s": round(duration_s, 2), "rows_read": 0, "rows_kept": 0, "rows_rejected": 0,
        "rejected_by_rule": {}, "months": {}, "tables": outcome.tables,
        "restored": outcome.restored, "not_restored": outcome.not_restored, "error": outcome.error,
    }
