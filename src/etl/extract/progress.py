"""Machine-readable progress on stdout, one JSON object per line (for the `etl` CLI).

Events: run_start, file_start, bytes, retry, file_done, file_failed, run_done
(documented in docs/extraction.md). Disabled unless --progress-json is given.
Several files may be transferred at once (--parallel): each line is written whole under a
lock, and `bytes` events are throttled per file, so one file's events never starve another's.
"""
from __future__ import annotations

import json
import sys
import threading
import time
from typing import Any, TextIO

BYTES_EVENT_INTERVAL_S = 0.25


class ProgressReporter:
    def __init__(self, enabled: bool = False, stream: TextIO | None = None) -> None:
        self.enabled = enabled
        self.stream = stream or sys.stdout
        self._last_bytes_event: dict[tuple, float] = {}
        self._lock = threading.Lock()

    def emit(self, event: str, **fields: Any) -> None:
        if not self.enabled:
            return
        line = json.dumps({"event": event, **fields}, separators=(",", ":")) + "\n"
        with self._lock:  # lines of concurrent files never interleave
            self.stream.write(line)
            self.stream.flush()

    def bytes(self, done: int, total: int | None, *, final: bool = False, **fields: Any) -> None:
        """Throttled per file (its kind and month): at most one event per interval, plus the final count."""
        now = time.monotonic()
        key = tuple(sorted(fields.items()))
        if final or now - self._last_bytes_event.get(key, 0.0) >= BYTES_EVENT_INTERVAL_S:
            self._last_bytes_event[key] = now
            self.emit("bytes", **fields, bytes=done, total=total)
