"""Each check as ONE SQL query over views named after the tables (view_name), in the SQL both Spark SQL
and DuckDB run: count, sum(CASE …), GROUP BY/HAVING, LEFT JOIN … IS NULL, year()/month(). Identifiers
are not quoted (the schema allows plain names only; Spark quotes with backticks, DuckDB with ").
Checks that only count rows of one table (FUSABLE) are also compiled together into one scan (fused_sql):
on a cached fact table each Spark query is a job whose latency outweighs its reading, and the six
foreign-key checks alone were half the checks' time (docs/performance.md, "The checks")."""
from __future__ import annotations

from dataclasses import dataclass

from etl.checks.suite import Check
from etl.contract import gold_tables


def view_name(table: str) -> str:
    """quarantine/rejected_trips -> quarantine_rejected_trips (a `/` is no SQL identifier)."""
    return table.replace("/", "_")


def month_rows_view(table: str) -> str:
    """The view of a table's rows per month (month_y, month_m, month_rows) that row_count compares with:
    every month of gold in `etl check`, gold's months and the run's in the transform."""
    return f"{view_name(table)}__month_rows"


def month_columns(table: str) -> tuple[str, str]:
    """The (year, month) partition columns of a month-partitioned table (config/contract.json)."""
    year, month = gold_tables()[table]["partitionBy"]
    return year, month


def tables_read(check: Check) -> set[str]:
    """The gold tables a check's query reads (a `sql` check: every table, the query names them)."""
    if check.kind == "sql":
        return set(gold_tables())
    return {check.table} | ({check.spec["references"]["table"]} if check.kind == "foreign_key" else set())


def broadcast_hint(aliases: list[str]) -> str:
    """Spark: join the references' keys by broadcast. They are dimensions (small), and Spark cannot size
    the code dimensions (built from Python rows), so it would shuffle the fact table for each. DuckDB reads
    the hint as a comment."""
    return f"/*+ BROADCAST({', '.join(aliases)}) */ " if aliases else ""


def literal(value: str | int) -> str:
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise ValueError(f"not a string or integer: {value!r}")
    return str(value) if isinstance(value, int) else "'" + value.replace("'", "''") + "'"


def compile_sql(check: Check) -> str:
    view, spec = view_name(check.table), check.spec
    if check.kind == "row_count":
        year, month = month_columns(check.table)
        return (f"SELECT cur.month_y, cur.month_m, cur.month_rows, prev.month_rows AS previous_rows FROM "
                f"(SELECT {year} AS month_y, {month} AS month_m, count(*) AS month_rows FROM {view} "
                f"GROUP BY {year}, {month}) cur LEFT JOIN {month_rows_view(check.table)} prev "
                "ON prev.month_y * 12 + prev.month_m = cur.month_y * 12 + cur.month_m - 1 "
                "ORDER BY cur.month_y, cur.month_m")
    if check.kind == "not_null":
        nulls = ", ".join(f"coalesce(sum(CASE WHEN {c} IS NULL THEN 1 ELSE 0 END), 0) AS {c}" for c in spec["columns"])
        return f"SELECT {nulls} FROM {view}"
    if check.kind == "unique":
        key = ", ".join(spec["columns"])
        return f"SELECT count(*) AS duplicate_keys FROM (SELECT {key} FROM {view} GROUP BY {key} HAVING count(*) > 1) d"
    if check.kind == "foreign_key":
        column, ref = spec["column"], spec["references"]
        return (f"SELECT {broadcast_hint(['r'])}count(*) AS checked_rows, "
                f"coalesce(sum(CASE WHEN r.ref_key IS NULL THEN 1 ELSE 0 END), 0) AS missing_rows FROM {view} t "
                f"LEFT JOIN (SELECT DISTINCT {ref['column']} AS ref_key FROM {view_name(ref['table'])}) r "
                f"ON t.{column} = r.ref_key WHERE t.{column} IS NOT NULL")
    if check.kind == "accepted_values":
        column = spec["column"]
        values = ", ".join(literal(v) for v in spec["values"])
        return (f"SELECT {column} AS other_value, count(*) AS value_rows FROM {view} "
                f"WHERE {column} IS NOT NULL AND {column} NOT IN ({values}) GROUP BY {column} ORDER BY value_rows DESC")
    if check.kind == "freshness":
        year, month = month_columns(check.table)
        column = spec["column"]
        return (f"SELECT count(*) AS stale_rows FROM {view} WHERE {column} IS NULL OR "
                f"year({column}) * 12 + month({column}) <> {year} * 12 + {month}")
    if check.kind == "sql":
        return f"SELECT count(*) AS failing_rows FROM ({spec['query'].strip().rstrip(';')}) q"
    raise ValueError(f"unknown kind of check: {check.kind}")


FUSABLE = frozenset({"not_null", "foreign_key", "freshness", "accepted_values"})


@dataclass(frozen=True)
class Fused:
    """One query measuring several checks of one table: check i's values are columns widths[:i]..widths[:i+1]."""
    sql: str
    checks: tuple[Check, ...]
    widths: tuple[int, ...]

    def values_of(self, row: tuple) -> list[tuple]:
        values, start = [], 0
        for width in self.widths:
            values.append(tuple(row[start:start + width]))
            start += width
        return values


def fused_sql(checks: list[Check]) -> Fused:
    """Every FUSABLE check of one table in one scan. A foreign key joins its DISTINCT references (so no row
    is repeated); accepted_values only counts the rows with other values here (which ones: compile_sql)."""
    (table,) = {check.table for check in checks}
    columns: list[str] = []
    joins: list[str] = []
    widths: list[int] = []
    for index, check in enumerate(checks):
        measured = _fused_columns(check, f"r{index}")
        if check.kind == "foreign_key":
            ref = check.spec["references"]
            joins.append(f"LEFT JOIN (SELECT DISTINCT {ref['column']} AS ref_key FROM {view_name(ref['table'])}) "
                         f"r{index} ON t.{check.spec['column']} = r{index}.ref_key")
        columns += measured
        widths.append(len(measured))
    hint = broadcast_hint([f"r{i}" for i, check in enumerate(checks) if check.kind == "foreign_key"])
    sql = f"SELECT {hint}{', '.join(columns)} FROM {view_name(table)} t {' '.join(joins)}".strip()
    return Fused(sql=sql, checks=tuple(checks), widths=tuple(widths))


def _rows_where(condition: str) -> str:
    return f"coalesce(sum(CASE WHEN {condition} THEN 1 ELSE 0 END), 0)"


def _fused_columns(check: Check, ref: str) -> list[str]:
    spec = check.spec
    if check.kind == "not_null":
        return [_rows_where(f"t.{c} IS NULL") for c in spec["columns"]]
    if check.kind == "foreign_key":
        column = f"t.{spec['column']}"
        return [f"count({column})", _rows_where(f"{column} IS NOT NULL AND {ref}.ref_key IS NULL")]
    if check.kind == "freshness":
        year, month = month_columns(check.table)
        column = f"t.{spec['column']}"
        return [_rows_where(f"{column} IS NULL OR year({column}) * 12 + month({column}) <> t.{year} * 12 + t.{month}")]
    if check.kind == "accepted_values":
        values = ", ".join(literal(v) for v in spec["values"])
        return [_rows_where(f"t.{spec['column']} IS NOT NULL AND t.{spec['column']} NOT IN ({values})")]
    raise ValueError(f"not a kind of check that can be fused: {check.kind}")
