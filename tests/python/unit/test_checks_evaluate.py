"""Every kind of check compiled to SQL and evaluated on small in-memory DuckDB tables: passing and failing."""
from __future__ import annotations

import pytest

from etl.checks.compile import compile_sql, literal, view_name
from etl.checks.duckdb_engine import DuckDBEngine
from etl.checks.evaluate import blocking, describe_failure, evaluate_checks
from etl.checks.suite import Check


def check(kind: str, table: str = "fact_trips", severity: str = "error", **spec) -> Check:
    return Check(name=f"{kind}_check", kind=kind, table=table, severity=severity, spec=spec)


@pytest.fixture
def engine() -> DuckDBEngine:
    """fact_trips: Jan 2024 4 trips, Feb 2024 2 trips; dim_zone 1, 2; quarantine: Feb 1 row."""
    engine = DuckDBEngine()
    engine.connection.execute("""CREATE TABLE fact_trips AS SELECT * FROM (VALUES
        (1, 1, 1, 'Y', TIMESTAMP '2024-01-03 10:00:00', 2024, 1),
        (2, 1, 2, 'N', TIMESTAMP '2024-01-04 10:00:00', 2024, 1),
        (3, 2, 2, NULL, TIMESTAMP '2024-01-05 10:00:00', 2024, 1),
        (4, 2, 1, 'N', TIMESTAMP '2024-01-31 23:59:59', 2024, 1),
        (5, 1, 1, 'N', TIMESTAMP '2024-02-01 00:00:00', 2024, 2),
        (6, 2, 2, 'Y', TIMESTAMP '2024-02-29 12:00:00', 2024, 2))
        t(trip_key, vendor_id, pickup_location_id, store_and_fwd_flag, pickup_datetime, pickup_year, pickup_month)""")
    engine.connection.execute("CREATE TABLE dim_zone AS SELECT * FROM (VALUES (1, 'Bronx'), (2, 'Queens')) "
                              "t(location_id, borough)")
    engine.connection.execute("CREATE TABLE quarantine_rejected_trips AS SELECT 'duplicate' AS reject_rule, "
                              "2024 AS source_year, 2 AS source_month")
    engine.register_month_rows("fact_trips")
    return engine


def run(engine: DuckDBEngine, *checks: Check) -> list[dict]:
    return evaluate_checks(checks, engine)


def only(engine: DuckDBEngine, one: Check) -> dict:
    return run(engine, one)[0]


def test_row_count_passes_within_bounds_and_skips_the_first_month(engine):
    result = only(engine, check("row_count", min_ratio=0.5, max_ratio=2.0))
    assert (result["status"], result["measured"], result["bound"]) == ("pass", 0.5, ">= 0.5 and <= 2.0")
    assert result["message"] == "2024-02: 2 rows, 0.5 × 2024-01's 4"


def test_row_count_fails_below_the_minimum_ratio(engine):
    result = only(engine, check("row_count", min_ratio=0.75))
    assert (result["status"], result["measured"], result["bound"]) == ("fail", 0.5, ">= 0.75")
    assert describe_failure(result).startswith("check row_count_check (fact_trips) failed: measured 0.5, bound >= 0.75")


def test_row_count_fails_above_the_maximum_ratio(engine):
    engine.connection.execute("DELETE FROM fact_trips WHERE trip_key > 1 AND pickup_month = 1")
    result = only(engine, check("row_count", max_ratio=1.5))
    assert (result["status"], result["measured"]) == ("fail", 2.0)


def test_row_count_without_a_previous_month_is_skipped_with_a_note(engine):
    engine.connection.execute("DELETE FROM fact_trips WHERE pickup_month = 1")
    result = only(engine, check("row_count", min_ratio=0.5))
    assert (result["status"], result["measured"]) == ("skipped", None)
    assert result["message"] == "2024-02: no rows of 2024-01 to compare with"


def test_row_count_of_january_compares_with_december(engine):
    engine.connection.execute("UPDATE fact_trips SET pickup_year = 2023, pickup_month = 12 WHERE pickup_month = 1")
    engine.connection.execute("UPDATE fact_trips SET pickup_month = 1 WHERE pickup_month = 2")
    assert only(engine, check("row_count", min_ratio=0.5))["message"] == "2024-01: 2 rows, 0.5 × 2023-12's 4"


def test_not_null_names_the_columns_with_nulls(engine):
    assert only(engine, check("not_null", columns=["trip_key", "vendor_id"]))["status"] == "pass"
    result = only(engine, check("not_null", columns=["trip_key", "store_and_fwd_flag"]))
    assert (result["status"], result["measured"], result["message"]) == ("fail", 1, "store_and_fwd_flag: 1 null")


def test_not_null_of_an_empty_table_passes(engine):
    engine.connection.execute("DELETE FROM fact_trips")
    assert only(engine, check("not_null", columns=["trip_key"]))["status"] == "pass"


def test_unique_counts_duplicate_keys(engine):
    assert only(engine, check("unique", columns=["trip_key"]))["status"] == "pass"
    result = only(engine, check("unique", columns=["vendor_id", "pickup_location_id"]))
    assert (result["status"], result["measured"], result["bound"]) == ("fail", 2, "= 0")  # (1,1) and (2,2) twice


def test_foreign_key_measures_coverage(engine):
    fk = check("foreign_key", column="pickup_location_id", references={"table": "dim_zone", "column": "location_id"})
    assert (only(engine, fk)["status"], only(engine, fk)["measured"]) == ("pass", 1.0)
    engine.connection.execute("DELETE FROM dim_zone WHERE location_id = 2")
    result = only(engine, fk)
    assert (result["status"], result["measured"], result["bound"]) == ("fail", 0.5, ">= 1.0")
    assert result["message"] == "3 of 6 rows have a pickup_location_id not in dim_zone.location_id"
    lenient = check("foreign_key", column="pickup_location_id", min_coverage=0.5,
                    references={"table": "dim_zone", "column": "location_id"})
    assert only(engine, lenient)["status"] == "pass"


def test_accepted_values_lists_the_others(engine):
    assert only(engine, check("accepted_values", column="store_and_fwd_flag", values=["Y", "N"]))["status"] == "pass"
    result = only(engine, check("accepted_values", column="store_and_fwd_flag", values=["Y"]))
    assert (result["status"], result["measured"], result["message"]) == ("fail", 3, "3 rows with other values: 'N' (3)")
    ints = only(engine, check("accepted_values", column="vendor_id", values=[1]))
    assert (ints["status"], ints["measured"]) == ("fail", 3)


def test_freshness_counts_pickups_outside_the_partition_month(engine):
    assert only(engine, check("freshness", column="pickup_datetime"))["status"] == "pass"
    engine.connection.execute("UPDATE fact_trips SET pickup_datetime = TIMESTAMP '2024-03-01 00:00:00' "
                              "WHERE trip_key = 6")  # the first instant of the next month is outside
    result = only(engine, check("freshness", column="pickup_datetime"))
    assert (result["status"], result["measured"]) == ("fail", 1)


def test_freshness_uses_the_tables_own_partition_columns(engine):
    quarantine = check("freshness", table="quarantine/rejected_trips", column="pickup_datetime")
    assert "source_year * 12 + source_month" in compile_sql(quarantine)


def test_sql_fails_on_any_row_and_reads_the_quarantine_view(engine):
    ok = check("sql", query="SELECT trip_key FROM fact_trips WHERE trip_key < 0;")
    assert only(engine, ok)["status"] == "pass"
    bad = check("sql", query="SELECT reject_rule FROM quarantine_rejected_trips WHERE reject_rule = 'duplicate'")
    assert (only(engine, bad)["status"], only(engine, bad)["measured"]) == ("fail", 1)


def test_a_query_that_cannot_run_is_a_failure_with_the_engines_message(engine):
    result = only(engine, check("not_null", columns=["no_such_column"]))
    assert result["status"] == "fail" and result["message"].startswith("the query failed:")
    assert "no_such_column" in result["message"]


def test_missing_tables_skip_the_check(engine):
    results = evaluate_checks([check("unique", columns=["trip_key"])], engine, lambda c: ["fact_trips"])
    assert (results[0]["status"], results[0]["message"]) == ("skipped", "no table fact_trips yet")


def test_only_failed_error_checks_block(engine):
    results = run(engine, check("unique", severity="warn", columns=["vendor_id"]),
                  check("unique", columns=["trip_key"]))
    assert [r["status"] for r in results] == ["fail", "pass"] and blocking(results) == []
    assert [r["name"] for r in blocking(run(engine, check("unique", columns=["vendor_id"])))] == ["unique_check"]


def test_literals_are_quoted_and_views_named():
    assert literal("it's") == "'it''s'" and literal(7) == "7"
    with pytest.raises(ValueError):
        literal(True)
    assert view_name("quarantine/rejected_trips") == "quarantine_rejected_trips"


def test_delta_files_get_their_partition_values_as_columns(tmp_path):
    """Delta keeps partition columns in its log only: the view adds them per group of files."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    january = tmp_path / "pickup_year=2024" / "pickup_month=1" / "a.parquet"  # Spark's folders, as in gold
    february = tmp_path / "pickup_year=2024" / "pickup_month=2" / "b.parquet"
    for folder in (january.parent, february.parent):
        folder.mkdir(parents=True)
    pq.write_table(pa.table({"trip_key": [1, 2]}), january)
    pq.write_table(pa.table({"trip_key": [3]}), february)
    engine = DuckDBEngine()
    engine.register_files("fact_trips", {(("pickup_month", "1"), ("pickup_year", "2024")): [january],
                                         (("pickup_month", "2"), ("pickup_year", "2024")): [february]})
    engine.register_month_rows("fact_trips")
    assert engine.rows("SELECT * FROM fact_trips__month_rows ORDER BY month_m") == [(2024, 1, 2), (2024, 2, 1)]
    result = only(engine, check("row_count", min_ratio=0.6))
    assert (result["status"], result["measured"]) == ("fail", 0.5)


class CountingEngine(DuckDBEngine):
    """Counts the queries it is asked (the fused checks of a table: one)."""

    def __init__(self, inner: DuckDBEngine) -> None:
        self.connection, self.queries = inner.connection, []

    def rows(self, sql: str) -> list[tuple]:
        self.queries.append(sql)
        return super().rows(sql)


def scan_checks() -> list[Check]:
    """One of each fusable kind on fact_trips, passing and failing."""
    def named(name: str, kind: str, **spec) -> Check:
        return Check(name=name, kind=kind, table="fact_trips", severity="error", spec=spec)
    zone = {"table": "dim_zone", "column": "location_id"}
    return [named("nulls_ok", "not_null", columns=["trip_key", "vendor_id"]),
            named("nulls_bad", "not_null", columns=["trip_key", "store_and_fwd_flag"]),
            named("pickup_zone", "foreign_key", column="pickup_location_id", references=zone),
            named("vendor_as_zone", "foreign_key", column="vendor_id", references=zone),
            named("fresh", "freshness", column="pickup_datetime"),
            named("flags_ok", "accepted_values", column="store_and_fwd_flag", values=["Y", "N"]),
            named("flags_bad", "accepted_values", column="store_and_fwd_flag", values=["Y"])]


def test_fused_checks_measure_what_each_measures_alone_in_one_scan(engine):
    engine.connection.execute("DELETE FROM dim_zone WHERE location_id = 2")
    engine.connection.execute("UPDATE fact_trips SET pickup_datetime = TIMESTAMP '2024-03-01 00:00:00' "
                              "WHERE trip_key = 6")
    alone = [only(engine, c) for c in scan_checks()]
    counting = CountingEngine(engine)
    fused = evaluate_checks(scan_checks(), counting, workers=2)
    assert fused == alone
    assert [r["status"] for r in fused] == ["pass", "fail", "fail", "fail", "fail", "pass", "fail"]
    # one scan for all seven, then flags_bad's own query to list the other values it found
    assert len(counting.queries) == 2 and "store_and_fwd_flag AS other_value" in counting.queries[1]


def test_a_fused_check_that_cannot_run_fails_alone_and_the_others_are_measured(engine):
    broken = Check(name="broken", kind="not_null", table="fact_trips", severity="error", spec={"columns": ["nope"]})
    results = evaluate_checks([*scan_checks()[:3], broken], engine)
    assert [r["status"] for r in results] == ["pass", "fail", "pass", "fail"]
    assert results[3]["message"].startswith("the query failed:") and "nope" in results[3]["message"]
