"""A transform that ended without a word, told by the next one.

A driver killed with its whole process group (kill -9 of the group, the OOM killer, a lost machine)
cannot say so, and nothing of it is left to ask. So each driver keeps a small marker beside the transform
lock while it runs (its run id, its phase, the tables it committed) and removes it however it ends. The
next driver holds the lock before it reads the marker, so no writer is left: a marker found there is a
run that died. Delta commits are atomic, so gold is whole either way; the note says which tables that run
had already moved: those its marker names, and those whose newest Delta commit names it (a kill can fall between
a commit and the marker's next write).
"""
from __future__ import annotations

import contextlib
import json
import os
import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from etl.extract.locks import lock_path

Emit = Callable[..., None]


@dataclass
class RunState:
    run_id: str
    started_at: str
    pid: int
    phase: str = "start"
    written: list[str] = field(default_factory=list)


def marker_path(gold_bucket: str) -> Path:
    return lock_path(f"transform-gold-{gold_bucket}").with_suffix(".running.json")


class RunMarker:
    """This run's marker: `begin` (under the lock) returns the run that died before it, if any."""

    def __init__(self, gold_bucket: str, run_id: str) -> None:
        self.path = marker_path(gold_bucket)
        self.state = RunState(run_id, datetime.now(UTC).isoformat(timespec="seconds"), os.getpid())
        self._writing = threading.Lock()  # the tables' write threads emit their commits at the same time

    def begin(self) -> RunState | None:
        previous = read_marker(self.path)
        self._write()
        return previous

    def tracking(self, emit: Emit) -> Emit:
        """`emit`, also keeping the phase and the committed tables in the marker."""
        def tracked(event: str, **fields: Any) -> None:
            if event == "phase":
                self._write(phase=str(fields.get("phase")))
            elif event == "table_written" and not fields.get("unchanged"):
                self._write(table=str(fields.get("table")))
            emit(event, **fields)
        return tracked

    def end(self) -> None:
        with contextlib.suppress(OSError):
            self.path.unlink(missing_ok=True)

    def _write(self, phase: str | None = None, table: str | None = None) -> None:
        """Written whole or not at all (a kill mid-write leaves the previous marker). Best effort: a marker that
        cannot be written only means a death could not be told; it never fails the run."""
        with self._writing:
            if phase is not None:
                self.state.phase = phase
            if table is not None:
                self.state.written.append(table)
            partial = self.path.with_suffix(".partial")
            with contextlib.suppress(OSError):
                self.path.parent.mkdir(parents=True, exist_ok=True)
                partial.write_text(json.dumps(asdict(self.state)))
                os.replace(partial, self.path)


def clear_marker(gold_bucket: str, run_id: str) -> None:
    """etl.submit, once it has told how its driver ended (a stop, a death by a signal): that run needs no note.
    Only that run's marker: another run may have started since."""
    path = marker_path(gold_bucket)
    previous = read_marker(path)
    if previous is not None and previous.run_id == run_id:
        with contextlib.suppress(OSError):
            path.unlink(missing_ok=True)


def read_marker(path: Path) -> RunState | None:
    try:
        raw = json.loads(path.read_text())
        return RunState(str(raw["run_id"]), str(raw["started_at"]), int(raw["pid"]), str(raw.get("phase", "start")),
                        [str(t) for t in raw.get("written", [])])
    except OSError:  # none (or none readable): nothing to tell
        return None
    except (ValueError, KeyError, TypeError):  # not ours to fail on: say a run died, not which
        return RunState("(unknown: its marker does not parse)", "?", 0)


def with_commits(previous: RunState, committed: list[str]) -> RunState:
    """The marker's tables, then those the Delta log says that run committed last that the marker missed."""
    missed = [table for table in committed if table not in previous.written]
    return replace(previous, written=[*previous.written, *missed]) if missed else previous


def unfinished_message(previous: RunState) -> str:
    written = (f"it had committed {', '.join(previous.written)}; the other tables are as the run before it left them"
               if previous.written else "it had committed no table: gold is as the run before it left it")
    return (f"the previous transform, run {previous.run_id} (started {previous.started_at}), ended without finishing "
            f"during its {previous.phase} phase: its driver was killed before it could report (a signal to its "
            f"whole process group, the OOM killer, a lost machine); Delta commits are atomic, so every table is "
            f"whole: {written}")
