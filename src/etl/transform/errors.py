"""Errors of the transform step, worded for the person running it."""
from __future__ import annotations


class TransformError(RuntimeError):
    """The job cannot go on; the message says what and what to do."""


class InputFileError(TransformError):
    """A rawzone object cannot be read as Parquet (corrupt, truncated, missing)."""
