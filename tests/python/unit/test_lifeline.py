"""etl.lifeline: a child armed with child_dies_with_us ends when its parent is SIGKILLed (Linux), and a process
whose parent is already gone when it asks gets its signal at once."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from etl.config import PROJECT_ROOT

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
ENV = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT / "src")}
PARENT = """
import subprocess, sys
from etl.lifeline import child_dies_with_us
child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"], preexec_fn=child_dies_with_us())
print(child.pid, flush=True)
child.wait()
"""


def gone(pid: int, timeout: float = 10) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            state = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()[0]
        except FileNotFoundError:
            return True
        if state == "Z":
            return True
        time.sleep(0.05)
    return False


def test_the_armed_child_dies_with_its_sigkilled_parent():
    parent = subprocess.Popen([sys.executable, "-c", PARENT], env=ENV, stdout=subprocess.PIPE, text=True)
    child = int(parent.stdout.readline())
    try:
        assert not gone(child, 0.3)
        parent.kill()
        parent.wait()
        assert gone(child), "the child outlived its SIGKILLed parent"
    finally:
        if not gone(child, 0):
            os.kill(child, signal.SIGKILL)


def test_a_parent_already_gone_means_the_signal_now():
    code = "import signal, time; from etl.lifeline import die_with_parent; die_with_parent(signal.SIGTERM, 1); " \
           "time.sleep(30)"
    run = subprocess.run([sys.executable, "-c", code], env=ENV, timeout=20)
    assert run.returncode == -signal.SIGTERM


def test_the_parent_alive_means_no_signal():
    code = "import os, signal; from etl.lifeline import die_with_parent; " \
           "assert die_with_parent(signal.SIGTERM, os.getppid())"
    assert subprocess.run([sys.executable, "-c", code], env=ENV, timeout=20).returncode == 0
