"""Errors of the transform step, worded for the person running it."""
from __future__ import annotations


class TransformError(RuntimeError):
    """The job cannot go on; the message says what and what to do."""


class ForeignStoreError(TransformError):
    """The runs asked for went to another store (the other stack mode, a profile's S3): a usage error, exit 2."""


class InputFileError(TransformError):
    """A rawzone object cannot be read as Parquet (corrupt, truncated, missing)."""


class ChecksFailed(TransformError):
    """An `error` check failed on the data about to be published (config/checks.yaml): nothing was written.
    report: the run's quality report with every check's result (already stored)."""
    stopped_by = "checks"

    def __init__(self, message: str, report: dict) -> None:
        super().__init__(message)
        self.report = report
