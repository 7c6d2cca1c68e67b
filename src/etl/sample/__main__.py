"""`python -m etl.sample --out Data_extracted --months 2024-01..2024-02 --rows 20000 --seed 42`"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from etl.extract.months import MonthSpecError, parse_months
from etl.sample.generator import write_month
from etl.sample.schema import VARIANTS


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m etl.sample", description="Generate TLC-like yellow-taxi Parquet files."
    )
    parser.add_argument(
        "--out", type=Path, default=Path("Data_extracted"), help="output folder (default Data_extracted)"
    )
    parser.add_argument("--months", required=True, help="YYYY-MM, YYYY-MM..YYYY-MM or a comma list")
    parser.add_argument("--rows", type=int, default=20_000, help="rows per month (default 20000)")
    parser.add_argument("--seed", type=int, default=42, help="random seed (default 42)")
    parser.add_argument("--variant", default="auto", choices=["auto", *VARIANTS],
                        help="schema drift variant; auto picks the one matching each month's year")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.rows < 100:
        parser.error("--rows must be at least 100 (dirty rows are a few percent of them)")
    try:
        months = parse_months(args.months)
    except MonthSpecError as exc:
        parser.error(str(exc))
    for month in months:
        path = write_month(args.out, month, args.rows, args.seed, args.variant)
        print(f"wrote {path} ({path.stat().st_size} bytes)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
