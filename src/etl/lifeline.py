"""A process that dies with its parent (Linux: prctl PR_SET_PDEATHSIG; elsewhere nothing is armed).

A transform started by an Airflow task must end when that task's process ends, however it ends: SIGKILLed, it
never runs the BashOperator's on_kill, and an orphaned transform went on to publish gold after Airflow had reported
the task failed (or alongside its retry). So etl.submit asks the kernel to signal it when its parent dies, and
arms its spark-submit child the same way: the chain task -> etl.submit -> spark-submit's JVM ends together. The
Python driver, the JVM's child, has nothing left to talk to and ends at its next call (docs/reliability.md)."""
from __future__ import annotations

import ctypes
import os
import signal
import sys
from collections.abc import Callable

PR_SET_PDEATHSIG = 1


def _load_prctl() -> Callable[..., int] | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None


_PRCTL = _load_prctl()  # looked up before any fork: the child of a fork only calls it


def die_with_parent(sig: int, parent: int) -> bool:
    """Ask for `sig` when the parent dies. `parent`: the pid this process was started by; if it is gone already
    (this process was re-parented before it could ask), `sig` comes now. False where the kernel offers nothing."""
    if _PRCTL is None or _PRCTL(PR_SET_PDEATHSIG, int(sig), 0, 0, 0) != 0:
        return False
    if os.getppid() != parent:
        os.kill(os.getpid(), sig)
    return True


def child_dies_with_us(sig: int = signal.SIGKILL) -> Callable[[], None]:
    """A subprocess preexec_fn: the child gets `sig` when this process dies (SIGKILL: nobody is left to read it)."""
    me = os.getpid()
    return lambda: die_with_parent(sig, me)
