"""`python -m etl.checks [--json] [--only NAME]…`: the checks of config/checks.yaml on current gold
(`etl check` runs this). Exit 0: no error check failed; 1: one did (or gold cannot be read); 2: usage, or a
checks file that does not validate."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from etl.checks.evaluate import Result, blocking
from etl.checks.suite import ChecksConfigError, checks_file, load_checks

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
COLUMNS = ("name", "table", "severity", "status", "measured", "bound")


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="etl check", description="run the data-quality checks on current gold")
    parser.add_argument("--json", action="store_true", help="print the results as one JSON document")
    parser.add_argument("--only", action="append", metavar="NAME", help="run only this check (repeatable)")
    parser.add_argument("--checks-file", type=Path, default=checks_file(),
                        help=f"default {checks_file()} (ETL_CHECKS_FILE)")
    return parser.parse_args(argv)


def table_text(results: list[Result]) -> str:
    cells = [COLUMNS] + [tuple("" if r[c] is None else str(r[c]) for c in COLUMNS) for r in results]
    widths = [max(len(row[i]) for row in cells) for i in range(len(COLUMNS))]
    return "\n".join("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip() for row in cells)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    try:
        checks = load_checks(args.checks_file)
    except ChecksConfigError as error:
        print(f"etl check: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    if args.only:
        unknown = sorted(set(args.only) - {c.name for c in checks})
        if unknown:
            print(f"etl check: error: no check named {', '.join(unknown)} in {args.checks_file} "
                  f"(checks: {', '.join(c.name for c in checks)})", file=sys.stderr)
            return EXIT_USAGE
        checks = [c for c in checks if c.name in args.only]
    from etl.checks.gold import check_gold
    from etl.config import load_settings
    from etl.extract.store import make_client

    try:
        settings = load_settings()
        results = check_gold(make_client(settings), settings.gold_bucket, checks,
                             Path(settings.cache_dir) / "checks")
    except Exception as error:  # MinIO down, a file unreadable: one line, not a trace
        print(f"etl check: error: cannot check gold: {' '.join(str(error).split())[:400]}", file=sys.stderr)
        return EXIT_FAILED
    failed = blocking(results)
    if args.json:
        print(json.dumps({"bucket": settings.gold_bucket, "checks": results, "failed": [r["name"] for r in failed]}))
    else:
        print(table_text(results))
        for r in results:
            if r["status"] != "pass":
                print(f"{r['name']}: {r['status']}: {r['message']}")
    return EXIT_FAILED if failed else EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
