"""DuckDB over local Parquet files: the engine of `etl check` and of the unit tests. Extensions are never
installed or loaded at run time (read_parquet is built in; no httpfs)."""
from __future__ import annotations

import re
from pathlib import Path

from etl.checks.compile import month_columns, month_rows_view, view_name

INTEGER = re.compile(r"^-?\d+$")


class DuckDBEngine:
    def __init__(self) -> None:
        import duckdb

        self.connection = duckdb.connect(":memory:", config={"autoinstall_known_extensions": False,
                                                            "autoload_known_extensions": False})

    def rows(self, sql: str) -> list[tuple]:
        return self.connection.execute(sql).fetchall()

    def register_files(self, table: str, parts: dict[tuple[tuple[str, str | None], ...], list[Path]]) -> None:
        """A table's view from its data files grouped by partition values ((column, value), …): Delta keeps
        partition columns in its log, not in the files, so each group gets them as constants."""
        selects = []
        for values, files in sorted(parts.items()):
            listed = ", ".join(_quote(str(f)) for f in sorted(files))
            extra = "".join(f", {_constant(value)} AS {column}" for column, value in values)
            # hive_partitioning off: the log's values are the truth, not the folder names Spark happened to use
            selects.append(f"SELECT *{extra} FROM read_parquet([{listed}], hive_partitioning = false)")
        self.connection.execute(f"CREATE OR REPLACE VIEW {view_name(table)} AS {' UNION ALL BY NAME '.join(selects)}")

    def register_month_rows(self, table: str) -> None:
        """row_count's previous months: on gold, the table itself."""
        year, month = month_columns(table)
        self.connection.execute(
            f"CREATE OR REPLACE VIEW {month_rows_view(table)} AS SELECT {year} AS month_y, {month} AS month_m, "
            f"count(*) AS month_rows FROM {view_name(table)} GROUP BY {year}, {month}")


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _constant(value: str | None) -> str:
    if value is None:
        return "NULL"
    return value if INTEGER.match(value) else _quote(value)
