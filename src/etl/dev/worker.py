"""The dev session's preview runner: `python -m etl.dev.worker --socket PATH` (etl.dev.server starts it).

A preview in a fresh Python process paid some 1.8 s before its first Spark job: the interpreter, PySpark's
Connect client (pandas, pyarrow, gRPC) and the minio client (docs/performance.md "The dev session"). This
process pays that once. It warms the session with previews of the bundled sample, then runs each preview it is
asked for, one at a time: a request is one JSON line on its Unix socket ({"args": [...], "code": DIR or null,
"env": the caller's settings, "exclusive": whether they are all of them}),
the answer the preview's event lines (etl.dev.preview), then the socket closes. Each request imports the `etl`
package afresh, from the working tree or from the folder it names: an edit is always the code that runs. A
client that hangs up interrupts the preview's Spark jobs.
"""
from __future__ import annotations

import argparse
import contextlib
import importlib
import io
import json
import os
import socket
import socketserver
import sys
import tempfile
import threading
import time
from pathlib import Path

# This process's own copies (the per-request imports replace etl.* in sys.modules, not these): the settings'
# contract, and what reports an edited package that fails to import.
from etl import problems as loaded_problems
from etl.contract import env_contract

DEFAULT_CODE = str(Path(__file__).resolve().parents[2])  # the src/ folder this worker started from
# Never hidden from a request: the checkout this runner serves (its config/contract.json). Code run from elsewhere
# (--code: a scratch copy of src/) has no config/ beside it, and found none without it.
KEPT = frozenset({"ETL_PROJECT_ROOT"})
# Previews of the sample before the session takes clients (ETL_DEV_WARM_UP_ROUNDS): on 2 cores they took 14.8, 4.9,
# 4.3, 4.0 and 3.7 s; after four, a user's preview of the sample takes about 3 s (docs/performance.md).
WARM_UP_ROUNDS = 4


class _Events(io.TextIOBase):
    """stdout of a request: each line goes to the client at once."""

    def __init__(self, wfile) -> None:
        self.wfile = wfile

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        try:
            self.wfile.write(text.encode())
            self.wfile.flush()
        except OSError:
            pass  # the client left; the watcher interrupts the preview
        return len(text)


def fresh_etl(code: str) -> None:
    """Forget every `etl` module, so the next import reads the files in `code` as they are now."""
    for name in [m for m in sys.modules if m == "etl" or m.startswith("etl.")]:
        del sys.modules[name]
    importlib.invalidate_caches()
    sys.path.insert(0, code)


def is_setting(key: str) -> bool:
    """A variable the ETL reads as a setting (config/contract.json env: .env's keys, optional and process-only keys,
    and the override prefixes)."""
    contract = env_contract()
    named = {*contract["fileKeys"], *contract["optionalKeys"], *contract["processOnly"]}
    return key in named or key.startswith(tuple(contract["overridePrefixes"]))


@contextlib.contextmanager
def caller_environment(env: dict[str, str], exclusive: bool):
    """The caller's settings (its buckets, manifest folder, profile …) for one request, then this process's again.
    exclusive: the caller sent all of its settings; this process's other settings are hidden meanwhile (natively;
    in compose the container's own, such as MINIO_HOST, stay)."""
    hidden = [key for key in os.environ if exclusive and is_setting(key) and key not in env and key not in KEPT]
    saved = {key: os.environ.get(key) for key in [*env, *hidden]}
    for key in hidden:
        del os.environ[key]
    os.environ.update(env)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def run_request(request: dict) -> None:
    env = {str(k): str(v) for k, v in (request.get("env") or {}).items()}
    with caller_environment(env, bool(request.get("exclusive"))):
        _run(request)


def _run(request: dict) -> None:
    code = str(request.get("code") or DEFAULT_CODE)
    fresh_etl(code)
    try:
        preview = importlib.import_module("etl.dev.preview")
    except Exception as error:  # the edited package does not even import (a syntax error in a module it loads)
        problem = loaded_problems.problem_of(error, Path(code) / "etl")
        _failed(problem.message, problem.file, problem.line)
        return
    finally:
        sys.path.remove(code)
    try:
        preview.main(list(request.get("args") or []))
    except SystemExit as usage:  # argparse: a request this version does not understand
        _failed(f"the dev session cannot run this request (argparse exit {usage.code}); restart it with "
                "`etl stop spark-connect` so it runs the current code")


def _failed(message: str, file: str | None = None, line: int | None = None) -> None:
    print(json.dumps({"event": "preview_done", "status": "failed", "error": message, "file": file, "line": line,
                      "seconds": 0.0}), flush=True)


class _Previews(socketserver.StreamRequestHandler):
    lock = threading.Lock()

    def handle(self) -> None:
        line = self.rfile.readline()
        if not line.strip():
            return  # a health check: it connects and leaves
        try:
            request = json.loads(line)
        except ValueError:
            return
        done = threading.Event()
        with self.lock, contextlib.redirect_stdout(_Events(self.wfile)):
            threading.Thread(target=_interrupt_when_gone, args=(self.connection, done), daemon=True).start()
            try:
                run_request(request)
            finally:
                done.set()


def _interrupt_when_gone(connection: socket.socket, done: threading.Event) -> None:
    """The client closed before the answer (Ctrl-C, a cancelled VS Code task): stop the preview's Spark jobs."""
    try:
        connection.recv(1)
    except OSError:
        pass
    session = sys.modules.get("etl.dev.session")
    if not done.is_set() and session is not None:
        session.interrupt_current()


def warm_up(rounds: int = WARM_UP_ROUNDS) -> list[float]:
    """Previews of the bundled sample (local files, nothing stored): a fresh JVM spends its first previews loading
    classes, compiling Spark's generated code and JIT-compiling the planner. The first preview a user asks for
    then runs warm. Returns each round's seconds."""
    from etl.config import load_settings
    from etl.dev.inputs import local_sample_inputs
    from etl.dev.preview import write_tables
    from etl.dev.session import dev_session
    from etl.transform.job import PhaseClock
    from etl.transform.watchdog import Activity

    settings, inputs = load_settings(), local_sample_inputs()
    seconds = []
    for _ in range(rounds):
        clock = time.monotonic()
        spark = dev_session(settings)
        try:
            with tempfile.TemporaryDirectory(prefix="etl-dev-warm-up-") as folder:
                write_tables(spark, inputs, folder, PhaseClock(lambda *_, **__: None, Activity()))
            if not seconds:
                touch_store(spark, settings.rawzone_bucket)
        finally:
            spark.stop()
        seconds.append(round(time.monotonic() - clock, 1))
    return seconds


def touch_store(spark, bucket: str) -> None:
    """Opens the s3a file system once (the AWS SDK's start: about a second of a first preview's read); whether
    the listed folder exists does not matter."""
    with contextlib.suppress(Exception):
        spark.read.format("binaryFile").load(f"s3a://{bucket}/reference/").limit(1).count()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m etl.dev.worker", description="the dev session's preview runner")
    parser.add_argument("--socket", required=True, help="Unix socket to take requests on")
    args = parser.parse_args(argv)
    clock = time.monotonic()
    rounds = warm_up(int(os.environ.get("ETL_DEV_WARM_UP_ROUNDS") or WARM_UP_ROUNDS))
    with contextlib.suppress(FileNotFoundError):
        os.unlink(args.socket)
    with socketserver.UnixStreamServer(args.socket, _Previews) as server:
        print(f"etl dev session: previews on {args.socket} (warm in {time.monotonic() - clock:.1f} s, "
              f"warm-up previews {rounds} s)", file=sys.stderr, flush=True)
        server.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
