"""`python -m etl.restore` lets only gold table names and whole versions reach Spark SQL (no Spark, no S3)."""
from __future__ import annotations

import pytest

from etl.restore.args import RestoreArgs, TableTarget, checked_bucket, parse_args, restore_sql
from etl.restore.run import Outcome, history_sql, restore_report, short_error

GOOD = ["--run-id", "restore-20261204T080000Z-a1b2c3", "--before-run", "transform-20261204T070000Z-0f0f0f"]


def test_tables_and_versions_in_order():
    args = parse_args(["--table", "fact_trips=3", "--table", "quarantine/rejected_trips=0", *GOOD])
    assert args == RestoreArgs("restore-20261204T080000Z-a1b2c3", "transform-20261204T070000Z-0f0f0f",
                               (TableTarget("fact_trips", 3), TableTarget("quarantine/rejected_trips", 0)))
    assert restore_sql("gold", args.tables[1]) == \
        "RESTORE TABLE delta.`s3a://gold/quarantine/rejected_trips` TO VERSION AS OF 0"
    assert history_sql("gold-x", "fact_trips") == "DESCRIBE HISTORY delta.`s3a://gold-x/fact_trips` LIMIT 1"


@pytest.mark.parametrize("table", [
    "fact_trips`; DROP TABLE x; --=1", "fact_trips=1 OR 1=1", "Fact_Trips=1", "../fact=1", "a/b/c=1", "/abs=1",
    "fact_trips=-1", "fact_trips=1.5", "fact_trips=", "fact_trips", "fact_trips=٣", "fact trips=1", "=3",
])
def test_anything_but_a_table_and_a_version_is_a_usage_error(table, capsys):
    with pytest.raises(SystemExit) as exit_info:
        parse_args(["--table", table, *GOOD])
    assert exit_info.value.code == 2
    assert "--table" in capsys.readouterr().err


@pytest.mark.parametrize("option", ["--run-id", "--before-run"])
@pytest.mark.parametrize("value", ["a b", "x`y", "-x", "run;rm", "", "é"])
def test_run_ids_are_checked(option, value):
    argv = ["--table", "fact_trips=1", *GOOD]
    argv[argv.index(option) + 1] = value
    with pytest.raises(SystemExit) as exit_info:
        parse_args(argv)
    assert exit_info.value.code == 2


def test_expected_versions_are_of_restored_tables():
    args = parse_args(["--table", "dim_zone=1", "--expect-version", "dim_zone=4", *GOOD])
    assert args.expected == (TableTarget("dim_zone", 4),)
    with pytest.raises(SystemExit):
        parse_args(["--table", "dim_zone=1", "--expect-version", "fact_trips=4", *GOOD])


def test_a_table_twice_and_no_table_are_usage_errors():
    for argv in (["--table", "dim_zone=1", "--table", "dim_zone=2", *GOOD], GOOD):
        with pytest.raises(SystemExit) as exit_info:
            parse_args(argv)
        assert exit_info.value.code == 2


def test_the_bucket_and_targets_are_checked_again_where_sql_is_built():
    assert checked_bucket("gold-restoretest-1a2b") == "gold-restoretest-1a2b"
    for bucket in ("Gold", "g`x", "gold/x", "a..b", "g"):
        with pytest.raises(ValueError):
            checked_bucket(bucket)
    with pytest.raises(ValueError):
        restore_sql("gold", TableTarget("x`y", 1))
    with pytest.raises(ValueError):
        restore_sql("gold", TableTarget("fact_trips", -1))


def test_a_partial_failure_report_says_what_was_and_was_not_restored():
    args = parse_args(["--table", "fact_trips=1", "--table", "mart_daily_zone=1", *GOOD])
    outcome = Outcome(tables={"fact_trips": {"from": 3, "to": 1, "restored_version": 4},
                              "mart_daily_zone": {"from": 3, "to": 1}},
                      restored=["fact_trips"], not_restored=["mart_daily_zone"], error="mart_daily_zone: gone")
    report = restore_report(args, outcome, "2026-12-04T08:00:00.000000Z", 1.234)
    assert report["kind"] == "restore" and report["status"] == "failed"
    assert (report["rows_read"], report["rows_kept"], report["rows_rejected"]) == (0, 0, 0)
    assert report["restored"] == ["fact_trips"] and report["not_restored"] == ["mart_daily_zone"]
    assert report["before_run"] == "transform-20261204T070000Z-0f0f0f"
    assert restore_report(args, Outcome(restored=["fact_trips", "mart_daily_zone"]), "t", 1)["status"] == "succeeded"


def test_short_error_drops_the_java_stack():
    error = RuntimeError("An error occurred while calling o51.sql.\n: org.apache.spark.sql.delta.DeltaIllegalStateE"
                         "xception: [DELTA_X] files are missing\n\tat org.apache...")
    assert short_error(error) == "[DELTA_X] files are missing"
    missing = RuntimeError("Not all files from version 1 are available in file system.\n Missed files (top 100 files): "
                           "m=1/part-0.parquet.\n Please use more recent version")
    assert short_error(missing) == ("Not all files from version 1 are available in file system. Missed files (top 100 "
                                    "files): m=1/part-0.parquet. Please use more recent version")
