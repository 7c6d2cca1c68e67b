"""Command line of the extraction step; exit 0 ok, 1 runtime failure, 2 usage error."""
from __future__ import annotations

import argparse
import signal
import sys
import traceback

from etl.extract.errors import ExtractError, Terminated, UsageError
from etl.extract.layout import DEFAULT_SOURCE, sample_source
from etl.extract.progress import ProgressReporter
from etl.extract.run import USE_DEFAULT, extract_months
from etl.extract.transfer import MAX_PARALLEL_FILES, TransferOptions
from etl.problems import problem_of


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line + hint, exit 2
        self.exit(2, f"etl extract: usage error: {message}; see --help\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="python -m etl.extract", description="Extract NYC TLC yellow-taxi files into the MinIO rawzone."
    )
    parser.add_argument("--months", required=True, help="YYYY-MM, YYYY-MM..YYYY-MM or a comma list of both")
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--source", help=f"trip file URL template with {{YYYY}} and {{MM}} (default {DEFAULT_SOURCE})")
    source.add_argument("--sample", action="store_true", help="use the committed sample in Data_extracted/")
    zones = parser.add_mutually_exclusive_group()
    zones.add_argument("--zones", "--zones-source", dest="zones_source", metavar="URL_OR_PATH",
                       help="taxi zone lookup CSV: a file://, http(s):// URL or a local path "
                            "(default: TLC's, or taxi_zone_lookup.csv beside file:// trip files)")
    zones.add_argument("--no-zones", action="store_true", help="do not extract the zone lookup table")
    parser.add_argument("--run-id", help="run id recorded in the manifest (default extract-<UTC time>-<random>)")
    parser.add_argument("--backup-dir", help="folder of extracted_paths.json (default $ETL_BACKUP_DIR or Backup_data/)")
    parser.add_argument("--progress-json", action="store_true", help="print one JSON progress event per line on stdout")
    parser.add_argument(
        "--retries", type=_non_negative_int, default=4, help="retries per file after the first attempt (default 4)"
    )
    parser.add_argument(
        "--backoff",
        type=_non_negative_float,
        default=1.0,
        help="first retry delay in seconds, doubled each time (default 1)",
    )
    parser.add_argument("--lock-timeout", type=_non_negative_float, default=600.0,
                        help="seconds to wait for another extraction of the same file (default 600)")
    parser.add_argument("--parallel", type=_files_at_once, default=TransferOptions.parallel_files,
                        help=f"files transferred at once, 1-{MAX_PARALLEL_FILES} "
                             f"(default {TransferOptions.parallel_files})")
    return parser


def _non_negative_int(text: str) -> int:
    if not text.isdigit():
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number >= 0")
    return int(text)


def _files_at_once(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= MAX_PARALLEL_FILES:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number from 1 to {MAX_PARALLEL_FILES}")
    return int(text)


def _non_negative_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number >= 0")
    return value


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    source = sample_source() if args.sample else args.source or DEFAULT_SOURCE
    zones = None if args.no_zones else args.zones_source or USE_DEFAULT
    options = TransferOptions(retries=args.retries, backoff_s=args.backoff, lock_timeout_s=args.lock_timeout,
                              parallel_files=args.parallel)
    reporter = ProgressReporter(args.progress_json)
    signal.signal(signal.SIGTERM, _terminate)
    try:
        result = extract_months(args.months, source, zones, run_id=args.run_id, backup_dir=args.backup_dir,
                                reporter=reporter, options=options)
    except UsageError as exc:
        print(f"etl extract: usage error: {exc}", file=sys.stderr)
        return exc.exit_code
    except ExtractError as exc:
        print(f"etl extract: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except Terminated:
        print("etl extract: stopped by SIGTERM; nothing partial was stored, rerun to finish", file=sys.stderr)
        return 143
    except KeyboardInterrupt:
        print("etl extract: interrupted; nothing partial was stored, rerun to finish", file=sys.stderr)
        return 130
    except Exception as exc:  # a fault of the code: its file and line (the Problems panel), then the traceback
        return _crashed(exc, reporter)
    print(f"etl extract: run {result.run_id} succeeded: {len(result.files)} files, {result.bytes} bytes; "
          f"manifest {result.manifest}", file=sys.stderr)
    return 0


def _terminate(signum, frame) -> None:
    raise Terminated()  # in the main thread, as Ctrl-C's KeyboardInterrupt: the same orderly stop


def _crashed(exc: Exception, reporter: ProgressReporter) -> int:
    problem = problem_of(exc)
    reporter.emit("crashed", error=problem.message, file=problem.file, line=problem.line)
    traceback.print_exc()
    # `error: FILE:LINE: message` is what the `$etlSpark` problem matcher reads from a terminal or a task.
    print(f"etl extract: error: {problem}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
