"""The arguments of `python -m etl.restore`, checked before anything runs: table names and versions end up in
Spark SQL (`RESTORE TABLE delta.`s3a://<bucket>/<table>` TO VERSION AS OF <n>`), so only identifiers and whole
numbers get through. Pure: no Spark, no S3."""
from __future__ import annotations

import argparse
import re
from dataclasses import dataclass

from etl.contract import run_id_pattern

# A gold table is a folder of the bucket, one level deep at most (`quarantine/rejected_trips`).
TABLE = re.compile(r"[a-z][a-z0-9_]{0,62}(/[a-z][a-z0-9_]{0,62})?")
# S3 bucket names (lower case, digits, dots, hyphens).
BUCKET = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")
MAX_VERSION = 10**12


@dataclass(frozen=True)
class TableTarget:
    table: str
    version: int


@dataclass(frozen=True)
class RestoreArgs:
    run_id: str
    before_run: str
    tables: tuple[TableTarget, ...]
    # The version each table was at when the plan was made: a table that moved since is not restored blindly.
    expected: tuple[TableTarget, ...] = ()


def table_target(text: str) -> TableTarget:
    """`fact_trips=3` → TableTarget; argparse turns a ValueError into a usage error (exit 2)."""
    table, sep, version = text.partition("=")
    if not sep or not TABLE.fullmatch(table):
        raise argparse.ArgumentTypeError(f"{text!r} is not TABLE=VERSION with a gold table's folder name "
                                         "(lower-case letters, digits, _; one / at most)")
    if not version.isascii() or not version.isdigit() or int(version) > MAX_VERSION:
        raise argparse.ArgumentTypeError(f"{text!r}: the version must be a whole number ≥ 0")
    return TableTarget(table, int(version))


def run_id(text: str) -> str:
    """Run ids of the extract, transform, Airflow and restore runs (config/contract.json `runId`)."""
    if not run_id_pattern().fullmatch(text):
        raise argparse.ArgumentTypeError(f"{text!r} is not a run id (letters, digits and _.:+- only)")
    return text


def checked_bucket(name: str) -> str:
    """GOLD_BUCKET from the settings also reaches the SQL: checked like the arguments."""
    if not BUCKET.fullmatch(name) or ".." in name:
        raise ValueError(f"gold bucket {name!r} is not an S3 bucket name")
    return name


def restore_sql(bucket: str, target: TableTarget) -> str:
    """The one statement per table; every part is re-checked here, where it becomes SQL."""
    if not TABLE.fullmatch(target.table) or not isinstance(target.version, int) or target.version < 0:
        raise ValueError(f"not a checked table target: {target!r}")
    return f"RESTORE TABLE delta.`s3a://{checked_bucket(bucket)}/{target.table}` TO VERSION AS OF {target.version}"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m etl.restore",
                                     description="restore gold tables to Delta versions (one RESTORE commit each)")
    parser.add_argument("--table", dest="tables", action="append", type=table_target, required=True,
                        metavar="TABLE=VERSION", help="a table and the version to restore it to; repeat, in order")
    parser.add_argument("--expect-version", dest="expected", action="append", type=table_target, default=[],
                        metavar="TABLE=VERSION", help="the version the plan saw; the restore refuses if it moved")
    parser.add_argument("--run-id", type=run_id, required=True, help="this restore's id (report, commit metadata)")
    parser.add_argument("--before-run", type=run_id, required=True, help="the run whose changes are undone")
    return parser


def parse_args(argv: list[str]) -> RestoreArgs:
    args = build_parser().parse_args(argv)
    tables = [t.table for t in args.tables]
    duplicates = sorted({t for t in tables if tables.count(t) > 1})
    if duplicates:
        build_parser().error(f"a table given twice: {', '.join(duplicates)}")
    strays = sorted({e.table for e in args.expected} - set(tables))
    if strays:
        build_parser().error(f"--expect-version of a table not restored: {', '.join(strays)}")
    return RestoreArgs(args.run_id, args.before_run, tuple(args.tables), tuple(args.expected))
