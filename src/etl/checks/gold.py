"""`etl check`: the checks on current gold. Each table's current Delta snapshot (etl.delta_snapshot: the
files its log adds and does not remove) is downloaded to a local cache, then queried with DuckDB. Data files
are immutable under their unique names, so a file already in the cache is not downloaded again; files the
snapshot no longer holds are removed (<cache>/checks/<bucket>/<table>/ mirrors the current snapshot)."""
from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from etl.checks.compile import tables_read
from etl.checks.duckdb_engine import DuckDBEngine
from etl.checks.evaluate import Result, evaluate_checks
from etl.checks.suite import Check
from etl.delta_snapshot import NotADeltaTable, s3_snapshot


def download_table(client, bucket: str, table: str, cache: Path) -> dict[tuple, list[Path]] | None:
    """The table's current files in the cache, grouped by partition values; None when gold has no such table."""
    try:
        snapshot = s3_snapshot(client, bucket, table)
    except NotADeltaTable:
        return None
    parts: dict[tuple, list[Path]] = defaultdict(list)
    for relative, values in snapshot.files.items():
        local = cache / bucket / table / relative
        if not local.exists():
            local.parent.mkdir(parents=True, exist_ok=True)
            partial = local.with_name(local.name + ".part")  # a killed download never looks complete
            client.fget_object(bucket, f"{table}/{relative}", str(partial))
            partial.replace(local)
        parts[tuple(sorted(values.items()))].append(local)
    prune(cache / bucket / table, {path for files in parts.values() for path in files})
    return parts if parts else None


def prune(folder: Path, current: set[Path]) -> None:
    """Removes the cached files the table no longer holds (a replaced month's): the cache stays one snapshot."""
    for path in folder.rglob("*"):
        if path.is_file() and path not in current:
            path.unlink()


def check_gold(client, bucket: str, checks: list[Check], cache: Path) -> list[Result]:
    engine = DuckDBEngine()
    present: set[str] = set()
    for table in sorted(set().union(*(tables_read(c) for c in checks))) if checks else []:
        parts = download_table(client, bucket, table, cache)
        if parts is None:
            continue
        engine.register_files(table, parts)
        present.add(table)
        if any(c.kind == "row_count" and c.table == table for c in checks):
            engine.register_month_rows(table)
    return evaluate_checks(checks, engine, lambda check: sorted(tables_read(check) - present))
