"""A MinIO that takes the connection and never answers (hung, SIGSTOPped): the extractor's client gives up within
READ_TIMEOUT_S per call and says MinIO does not answer, rather than to start a stack that runs. Its timeouts are
real ones: a listening socket that never answers, on loopback."""
from __future__ import annotations

import dataclasses
import io
import socket
import time

import pytest
import urllib3

from etl.config import load_settings
from etl.extract import store
from etl.extract.store import make_client, timed_out, unreachable


@pytest.fixture
def silent_endpoint(monkeypatch):
    """Settings whose MinIO is a socket that accepts (the kernel's backlog) and never answers; short reads."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    monkeypatch.setattr(store, "_TIMEOUT", urllib3.Timeout(connect=2.0, read=0.5))
    host, port = listener.getsockname()
    settings = dataclasses.replace(load_settings(), minio_host=host, minio_api_port=port, s3_url="", s3_ca_file="",
                                   s3_external=False, profile="local")
    try:
        yield settings
    finally:
        listener.close()


def test_a_silent_minio_is_a_timeout_said_as_not_answering(silent_endpoint):
    client = make_client(silent_endpoint)
    started = time.monotonic()
    with pytest.raises(urllib3.exceptions.HTTPError) as raised:
        client.put_object(silent_endpoint.rawzone_bucket, "k", io.BytesIO(b"x"), 1)
    assert time.monotonic() - started < 5, "a read timeout, not a wait for ever"
    assert timed_out(raised.value)
    message = str(unreachable(silent_endpoint, raised.value))
    assert message.startswith(f"MinIO at {silent_endpoint.minio_url} does not answer (no answer within "), message
    assert "`etl stop minio` then `etl start minio`" in message and "start the stack" not in message


def test_a_refusal_is_not_a_timeout():
    refused = urllib3.exceptions.MaxRetryError(None, "/", urllib3.exceptions.NewConnectionError(None, "refused"))
    assert not timed_out(refused)
    assert timed_out(urllib3.exceptions.MaxRetryError(None, "/", urllib3.exceptions.ReadTimeoutError(None, "/", "t")))
