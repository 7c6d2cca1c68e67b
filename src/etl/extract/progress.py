"""Machine-readable progress on stdout, one JSON object per line (for the `etl` CLI).

Events: run_start, file_start, bytes, retry, file_done, file_failed, run_done
(documented in docs/extraction.md). Disabled unless --progress-json is given.
"""
from __future__ import annotations

import json
import sys
import time
from typing import Any, TextIO

BYTES_EVENT_INTERVAL_S = 0.25


class ProgressReporter:
    def __init__(self, enabled: bool = False, stream: TextIO | None = None) -> None:
        self.enabled = enabled
        self.stream = stream or sys.stdout
        self._last_bytes_event = 0.0

    def emit(self, event: str, **fields: Any) -> None:
        if not self.enabled:
            return
        self.stream.write(json.dumps({"event": event, **fields}, separators=(",", ":")) + "\n")
        self.stream.flush()

    def bytes(self, done: int, total: int | None, *, final: bool = False, **fields: Any) -> None:
        """Throttled: at most one event per interval, plus the final count."""
        now = time.monotonic()
        if final or now - self._last_bytes_event >= BYTES_EVENT_INTERVAL_S:
            self._last_bytes_event = now
            self.emit("bytes", **fields, bytes=done, total=total)
