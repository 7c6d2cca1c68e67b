"""Local ports for tests."""
from __future__ import annotations

import socket


def unused_port() -> int:
    """A 127.0.0.1 port nobody listens on: bound, then closed (a server of ours may take it next)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
