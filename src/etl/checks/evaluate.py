"""Runs compiled checks through an engine (anything with rows(sql) -> list of tuples: Spark, DuckDB) and
judges what they measured. A result: {name, table, severity, status: pass|fail|skipped, measured, bound, message}."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Protocol

from etl.checks.compile import FUSABLE, compile_sql, fused_sql, tables_read
from etl.checks.suite import Check

Result = dict[str, Any]


class Engine(Protocol):
    def rows(self, sql: str) -> list[tuple]: ...


def evaluate_checks(checks: Iterable[Check], engine: Engine,
                    missing_tables: Callable[[Check], list[str]] = lambda check: [], workers: int = 1) -> list[Result]:
    """Every check's result, in the file's order. missing_tables(check): tables it reads that do not exist
    (it is skipped). A query that fails is a failed check (it cannot vouch for the data). The FUSABLE checks
    of a table run as one query (compile.fused_sql). workers > 1: that many queries at once (Spark: small
    jobs are latency-bound, concurrent ones share the executors)."""
    checks = list(checks)
    results: dict[int, Result] = {}
    units: dict[str, list[int]] = defaultdict(list)  # one query each: "fused:<table>" or "single:<index>"
    for index, check in enumerate(checks):
        missing = missing_tables(check)
        if missing:
            results[index] = result(check, "skipped", None, None, f"no table {', '.join(sorted(missing))} yet")
        else:
            units[f"fused:{check.table}" if check.kind in FUSABLE else f"single:{index}"].append(index)

    def run(unit: list[int]) -> list[tuple[int, Result]]:
        if len(unit) == 1:
            return [(unit[0], evaluate_one(checks[unit[0]], engine))]
        return list(zip(unit, evaluate_fused([checks[i] for i in unit], engine), strict=True))

    ordered = sorted(units.values(), key=len, reverse=True)  # the longest query first
    if workers <= 1:
        measured = [run(unit) for unit in ordered]
    else:
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="etl-check") as pool:
            measured = list(pool.map(run, ordered))
    results.update(pair for unit in measured for pair in unit)
    return [results[index] for index in range(len(checks))]


def evaluate_one(check: Check, engine: Engine) -> Result:
    try:
        rows = engine.rows(compile_sql(check))
    except Exception as error:  # the engine's own message is the news (a wrong column, a bad query)
        return result(check, "fail", None, None, f"the query failed: {' '.join(str(error).split())[:300]}")
    return judge(check, rows)


def evaluate_fused(checks: list[Check], engine: Engine) -> list[Result]:
    """Checks of one table from one scan. If that query fails, each check runs on its own, so the failure
    names the check that caused it. accepted_values that finds other values asks which (its own query)."""
    fused = fused_sql(checks)
    try:
        row = engine.rows(fused.sql)[0]
    except Exception:
        return [evaluate_one(check, engine) for check in checks]
    return [evaluate_one(check, engine) if check.kind == "accepted_values" and int(values[0] or 0)
            else judge(check, [] if check.kind == "accepted_values" else [values])
            for check, values in zip(checks, fused.values_of(row), strict=True)]


def result(check: Check, status: str, measured: Any, bound: str | None, message: str) -> Result:
    return {"name": check.name, "table": check.table, "severity": check.severity, "status": status,
            "measured": measured, "bound": bound, "message": message}


def judge(check: Check, rows: list[tuple]) -> Result:
    return JUDGES[check.kind](check, rows)


def _judge_zero(what: str) -> Callable[[Check, list[tuple]], Result]:
    def judge_count(check: Check, rows: list[tuple]) -> Result:
        count = int(rows[0][0] or 0)
        return result(check, "pass" if count == 0 else "fail", count, "= 0", f"{count} {what}")
    return judge_count


def judge_row_count(check: Check, rows: list[tuple]) -> Result:
    low, high = check.spec.get("min_ratio"), check.spec.get("max_ratio")
    bound = " and ".join(part for part in (low is not None and f">= {low}", high is not None and f"<= {high}") if part)
    compared, notes = [], []
    for year, month, month_rows, previous in rows:
        label, before = f"{year:04d}-{month:02d}", _previous_label(year, month)
        if not previous:  # no previous month (or an empty one): nothing to compare with
            notes.append(f"{label}: no rows of {before} to compare with")
            continue
        compared.append((label, round(month_rows / previous, 4), month_rows, before, previous))
    if not compared:
        return result(check, "skipped", None, bound, "; ".join(notes) or "no month to check")
    failing = [c for c in compared if (low is not None and c[1] < low) or (high is not None and c[1] > high)]
    shown = failing or [min(compared, key=lambda c: c[1])]
    message = "; ".join(f"{label}: {rows_now} rows, {ratio} × {before}'s {previous}"
                        for label, ratio, rows_now, before, previous in shown)
    return result(check, "fail" if failing else "pass", shown[0][1], bound, message)


def _previous_label(year: int, month: int) -> str:
    return f"{year - 1:04d}-12" if month == 1 else f"{year:04d}-{month - 1:02d}"


def judge_not_null(check: Check, rows: list[tuple]) -> Result:
    counts = dict(zip(check.spec["columns"], (int(v or 0) for v in rows[0]), strict=True))
    nulls = {column: count for column, count in counts.items() if count}
    message = ", ".join(f"{column}: {count} null" for column, count in nulls.items()) or "no nulls"
    return result(check, "fail" if nulls else "pass", sum(nulls.values()), "= 0", message)


def judge_foreign_key(check: Check, rows: list[tuple]) -> Result:
    checked, missing = (int(v or 0) for v in rows[0])
    coverage = 1.0 if checked == 0 else round((checked - missing) / checked, 6)
    least = float(check.spec.get("min_coverage", 1.0))
    ref = check.spec["references"]
    message = f"{missing} of {checked} rows have a {check.spec['column']} not in {ref['table']}.{ref['column']}"
    return result(check, "pass" if coverage >= least else "fail", coverage, f">= {least}", message)


def judge_accepted_values(check: Check, rows: list[tuple]) -> Result:
    others = sum(int(count) for _, count in rows)
    shown = ", ".join(f"{value!r} ({count})" for value, count in rows[:5]) + (", …" if len(rows) > 5 else "")
    message = f"{others} rows with other values: {shown}" if rows else "every value accepted"
    return result(check, "fail" if others else "pass", others, "= 0", message)


JUDGES: dict[str, Callable[[Check, list[tuple]], Result]] = {
    "row_count": judge_row_count,
    "not_null": judge_not_null,
    "unique": _judge_zero("keys appear more than once"),
    "foreign_key": judge_foreign_key,
    "accepted_values": judge_accepted_values,
    "freshness": _judge_zero("rows outside their partition's month"),
    "sql": _judge_zero("rows returned (each one is a failure)"),
}


def blocking(results: list[Result]) -> list[Result]:
    """The failed error checks: each stops a transform before it writes."""
    return [r for r in results if r["status"] == "fail" and r["severity"] == "error"]


def describe_failure(r: Result) -> str:
    return f"check {r['name']} ({r['table']}) failed: measured {r['measured']}, bound {r['bound']}: {r['message']}"


def used_tables(checks: Iterable[Check]) -> set[str]:
    return set().union(*(tables_read(c) for c in checks))
