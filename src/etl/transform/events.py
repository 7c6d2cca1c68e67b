"""Progress events: one compact JSON object per line on stdout (human logs go to stderr).

etl.submit passes them through; the TypeScript side (extension/core/transform) parses them.
"""
from __future__ import annotations

import json
import sys
import threading
from typing import Any

_LOCK = threading.Lock()  # writes run in threads: one whole line at a time


def emit(event: str, **fields: Any) -> None:
    line = json.dumps({"event": event, **fields}, separators=(",", ":"), default=str) + "\n"
    with _LOCK:
        sys.stdout.write(line)
        sys.stdout.flush()
