"""Errors of the extraction step. Each message is one line: what happened, then what to do."""
from __future__ import annotations


class ExtractError(RuntimeError):
    """A runtime failure (exit code 1)."""

    exit_code = 1


class UsageError(ExtractError):
    """Bad arguments (exit code 2)."""

    exit_code = 2


class SourceNotFound(ExtractError):
    """The source answered 404 / the file does not exist."""


class SourceFailed(ExtractError):
    """The download kept failing after all retries, or failed for good (4xx)."""


class InvalidSource(ExtractError):
    """The downloaded file is not what the month's object must be (not Parquet, cut short, empty...).

    Raised with what is wrong; the transfer adds the month, the source and what was kept.
    """


class MinioUnavailable(ExtractError):
    """MinIO cannot be reached or refuses our credentials."""


class LockBusy(ExtractError):
    """Another extraction holds the lock of the same object."""


class TransientError(Exception):
    """A failure worth retrying (5xx, timeout, reset, short body); internal to the transfer."""


class Terminated(KeyboardInterrupt):
    """SIGTERM (the extension's Cancel, `kill`, a stopping container): the same orderly stop as Ctrl-C, so the files
    in flight are abandoned at their next read and nothing partial is stored; exit 143."""


class Cancelled(KeyboardInterrupt):
    """A file transfer stopped because the run was interrupted (Ctrl-C in the main thread).

    A KeyboardInterrupt, so the command line reports it as an interruption (exit 130).
    """
