"""A scriptable local HTTP server for the extraction tests (threaded http.server).

Each path gets a list of behaviours, one per request; the last one repeats:
    server.route("/a.parquet", Ok(data))
    server.route("/b.parquet", Status(500), Ok(data))     # 500 then success
    server.route("/c.parquet", Cut(data, at=1000))          # body cut after 1000 bytes
    server.route("/d.parquet", FileBody(path))              # a file on disk, streamed, never in memory
    server.route("/e.parquet", Held(data, release))         # first MiB, then the rest once `release` is set
Unknown paths answer 404.
"""
from __future__ import annotations

import sys
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

MiB = 1024 * 1024


@dataclass
class Ok:
    body: bytes
    delay_per_mib_s: float = 0.0  # slows the body down (to make runs overlap)


@dataclass
class Status:
    code: int


@dataclass
class Cut:
    body: bytes
    at: int


@dataclass
class FileBody:
    path: Path


@dataclass
class Held:
    """Sends the first MiB of the body, sets `holding`, and sends the rest only once `release` is set:
    a test acts while the transfer is surely mid-body, however fast or loaded the machine."""
    body: bytes
    release: threading.Event
    delay_per_mib_s: float = 0.0  # pace of the rest
    holding: threading.Event = field(default_factory=threading.Event)


class ScriptedServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.routes: dict[str, list] = {}
        self.hits: dict[str, int] = {}
        self.lock = threading.Lock()

    def handle_error(self, request, client_address) -> None:
        """A client hanging up mid-body (an interrupted download) is part of these tests, not a server error."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def route(self, path: str, *behaviours) -> str:
        with self.lock:
            self.routes[path] = list(behaviours)
            self.hits[path] = 0
        return self.base_url + path

    def next_behaviour(self, path: str):
        with self.lock:
            script = self.routes.get(path)
            if script is None:
                return None
            self.hits[path] += 1
            return script.pop(0) if len(script) > 1 else script[0]


class _Handler(BaseHTTPRequestHandler):
    server: ScriptedServer

    def log_message(self, *args) -> None:  # keep pytest output clean
        pass

    def do_GET(self) -> None:  # noqa: N802 - http.server naming
        behaviour = self.server.next_behaviour(self.path)
        if behaviour is None:
            self._status(404)
        elif isinstance(behaviour, Status):
            self._status(behaviour.code)
        elif isinstance(behaviour, Ok):
            self._headers(len(behaviour.body))
            self._write(behaviour.body, behaviour.delay_per_mib_s)
        elif isinstance(behaviour, Cut):
            self._headers(len(behaviour.body))
            self.wfile.write(behaviour.body[:behaviour.at])
            self.wfile.flush()
            self.close_connection = True  # the client sees a short body
        elif isinstance(behaviour, FileBody):
            self._headers(behaviour.path.stat().st_size)
            self._stream(behaviour.path)
        elif isinstance(behaviour, Held):
            self._headers(len(behaviour.body))
            self.wfile.write(behaviour.body[:MiB])
            behaviour.holding.set()
            behaviour.release.wait()
            self._write(behaviour.body[MiB:], behaviour.delay_per_mib_s)

    def _status(self, code: int) -> None:
        self.send_response(code)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _headers(self, length: int) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(length))
        self.end_headers()

    def _write(self, body: bytes, delay_per_mib_s: float) -> None:
        for offset in range(0, len(body), MiB):
            self.wfile.write(body[offset:offset + MiB])
            if delay_per_mib_s:
                time.sleep(delay_per_mib_s)

    def _stream(self, path: Path) -> None:
        with open(path, "rb") as handle:
            while chunk := handle.read(MiB):
                self.wfile.write(chunk)
