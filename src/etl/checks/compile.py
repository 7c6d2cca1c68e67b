"""Each check as ONE SQL query over views named after the tables (view_name), in the SQL both Spark SQL
and DuckDB run: count, sum(CASE …), GROUP BY/HAVING, LEFT JOIN … IS NULL, year()/month(). Identifiers
are not quoted (the schema allows plain names only; Spark quotes with backticks, DuckDB with ")."""
from __future__ import annotations

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
        return (f"SELECT count(*) AS checked_rows, coalesce(sum(CASE WHEN r.ref_key IS NULL THEN 1 ELSE 0 END), 0) "
                f"AS missing_rows FROM {view} t LEFT JOIN (SELECT DISTINCT {ref['column']} AS ref_key FROM "
                f"{view_name(ref['table'])}) r ON t.{column} = r.ref_key WHERE t.{column} IS NOT NULL")
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
