"""Turns a Spark/py4j failure into one line that names what failed (not a py4j call id)."""
from __future__ import annotations

import re

# Spark 4 wraps a task's read error as FAILED_READ_FILE "Encountered error while reading file <path>."
_READ_FILE = re.compile(r"(?:FAILED_READ_FILE[^\n]*?|Encountered error while reading file)\s+(s3a://\S+?)\.?(?:\s|$)")
_CAUSE = re.compile(r"Caused by: ([\w.$]+(?:Exception|Error)[^\n]*)")


def first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return text[0][:400] if text else type(error).__name__


def unreadable_object(text: str) -> str | None:
    """The s3a path Spark could not read (a corrupt page in a valid footer), if that is the failure."""
    match = _READ_FILE.search(text)
    return match.group(1) if match else None


def root_cause(text: str) -> str | None:
    causes = _CAUSE.findall(text)
    return causes[-1][:300] if causes else None


def explain(error: BaseException, log_hint: str) -> str:
    text = str(error)
    path = unreadable_object(text)
    if path:
        cause = root_cause(text)
        return (f"cannot read {path}: it is not valid Parquet inside (corrupt page or column chunk"
                f"{f': {cause}' if cause else ''}); the previous gold snapshot is intact; "
                "re-extract that month with `etl extract` and run again")
    return f"Spark job failed: {first_line(error)}; {log_hint}"
