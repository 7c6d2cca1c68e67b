"""Opening a source URL (file://, http://, https://) as a byte stream with a known size."""
from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO
from urllib.parse import urlparse
from urllib.request import url2pathname

import requests
import urllib3

from etl.extract.errors import SourceFailed, SourceNotFound, TransientError

# Connect and per-read timeouts (seconds): a stalled server is retried, not waited on forever.
DEFAULT_TIMEOUT = (10.0, 60.0)
READ_ERRORS = (urllib3.exceptions.HTTPError, requests.RequestException, ConnectionError, TimeoutError)


@dataclass
class Source:
    url: str
    stream: BinaryIO
    size: int | None  # Content-Length / file size; None when the server does not say

    def read(self, amount: int) -> bytes:
        try:
            return self.stream.read(amount)
        except READ_ERRORS as exc:  # cut mid-body, reset, read timeout
            raise TransientError(f"connection broken while reading {self.url}: {_reason(exc)}") from exc


def _reason(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0][:300]


@contextlib.contextmanager
def open_source(url: str, what: str, timeout: tuple[float, float] = DEFAULT_TIMEOUT) -> Iterator[Source]:
    """Yields the open source; `what` names it in errors (e.g. "month 2024-01")."""
    if urlparse(url).scheme == "file":
        with _open_file(url, what) as source:
            yield source
    else:
        with _open_http(url, what, timeout) as source:
            yield source


@contextlib.contextmanager
def _open_file(url: str, what: str) -> Iterator[Source]:
    path = url2pathname(urlparse(url).path)
    try:
        handle = open(path, "rb")  # noqa: SIM115 - closed below
    except FileNotFoundError:
        raise SourceNotFound(
            f"{what}: source file not found: {url}; check --source or generate the sample (python -m etl.sample)"
        ) from None
    except OSError as exc:
        raise SourceFailed(f"{what}: cannot read {url}: {exc.strerror}; check the path and its permissions") from None
    with handle:
        yield Source(url, handle, _file_size(handle))


def _file_size(handle: BinaryIO) -> int:
    return os.fstat(handle.fileno()).st_size


@contextlib.contextmanager
def _open_http(url: str, what: str, timeout: tuple[float, float]) -> Iterator[Source]:
    try:
        # identity: Content-Length must be the size of the bytes we store
        response = requests.get(url, stream=True, timeout=timeout, headers={"Accept-Encoding": "identity"})
    except (requests.ConnectionError, requests.Timeout) as exc:
        raise TransientError(f"cannot connect to {url}: {_reason(exc)}") from exc
    with response:
        _check_status(response, url, what)
        length = response.headers.get("Content-Length")
        yield Source(url, response.raw, int(length) if length and length.isdigit() else None)


def _check_status(response: requests.Response, url: str, what: str) -> None:
    status = response.status_code
    if status == 404:
        raise SourceNotFound(
            f"{what}: not found (HTTP 404) at {url}; the TLC may not have published it yet, check --months/--source"
        )
    if status >= 500 or status in (408, 429):
        raise TransientError(f"{url} answered HTTP {status} {response.reason}")
    if status >= 400:
        raise SourceFailed(f"{what}: {url} answered HTTP {status} {response.reason}; check the URL and access rights")
