"""An error of the code where it is: the file and line that made it, for the Problems panel (Preview Change, the
transform's and the extractor's failures).

Spark evaluates lazily: a wrong column in a rule fails when a job runs, far from the rule. Spark Connect's
error carries the rule's own line (its DataFrame query context: the call site of the column expression), so
that comes first; then a syntax error's own place; then the innermost frame of the traceback inside the
edited package (not the preview's own frames). spark-submit imports the package from its --py-files zip
(`…/etl.zip/etl/transform/rules.py`): such a frame is the same file of the package that runs."""
from __future__ import annotations

import os
import traceback
from dataclasses import dataclass
from pathlib import Path

from etl.transform.failure import first_line

SOURCE_PACKAGE_ENV = "ETL_SOURCE_PACKAGE"  # etl.submit: the sources a driver's zip was made of
# src/etl of the code that runs; a spark-submit driver runs it from a zip, the sources etl.submit names instead
PACKAGE_DIR = Path(os.environ.get(SOURCE_PACKAGE_ENV) or Path(__file__).resolve().parent)
ZIPPED = ".zip/etl/"  # a frame of the package inside a zip on sys.path


@dataclass(frozen=True)
class Problem:
    message: str
    file: str | None = None
    line: int | None = None

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}" if self.file else self.message


def problem_of(error: BaseException, package_dir: Path = PACKAGE_DIR) -> Problem:
    """The error's message, and its place in `package_dir` outside etl/dev (the preview's machinery, not what a
    user edits)."""
    message = first_line(error) if not isinstance(error, SyntaxError) else f"SyntaxError: {error.msg}"
    package, own = package_dir.resolve(), (package_dir / "dev").resolve()
    for file, line in _places(error):
        path = _unzipped(file, package)
        if path.is_relative_to(package) and not path.is_relative_to(own):
            return Problem(message, str(path), line)
    return Problem(message)


def _unzipped(file: str, package: Path) -> Path:
    """The package's own file for a frame inside its zip; any other path as it is."""
    if ZIPPED in file:
        return package / file.rsplit(ZIPPED, 1)[1]
    return Path(file).resolve()


def _places(error: BaseException) -> list[tuple[str, int]]:
    """Candidate (file, line) of the error, best first."""
    places = [_call_site(context) for context in _query_contexts(error)]
    if isinstance(error, SyntaxError) and error.filename and error.lineno:
        places.append((error.filename, error.lineno))
    places += [(frame.filename, frame.lineno or 0) for frame in reversed(traceback.extract_tb(error.__traceback__))]
    if error.__cause__ is not None and error.__cause__ is not error:
        places += _places(error.__cause__)
    return [place for place in places if place is not None]


def _query_contexts(error: BaseException) -> list:
    get = getattr(error, "getQueryContext", None)
    try:
        return list(get()) if callable(get) else []
    except Exception:  # a context the client cannot decode: fall back to the traceback
        return []


def _call_site(context) -> tuple[str, int] | None:
    """`/path/rules.py:67` -> (path, 67)."""
    site = getattr(context, "callSite", lambda: "")() or ""
    file, _, line = site.rpartition(":")
    return (file, int(line)) if file and line.isdigit() else None
