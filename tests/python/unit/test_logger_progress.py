import hashlib
import io
import json
import logging
from logging.handlers import RotatingFileHandler

from etl.extract.errors import TransientError
from etl.extract.progress import ProgressReporter
from etl.extract.source import Source
from etl.extract.transfer import download_to
from etl.logger import setup_logging


def test_ecs_lines_carry_step_and_run_id(isolated_state):
    log = setup_logging("extract", "run-1")
    log.info("hello %s", "world")
    setup_logging("extract", "run-2").warning("again")  # reconfiguring must not duplicate lines
    lines = [json.loads(line) for line in (isolated_state / "logs" / "extract.log").read_text().splitlines()]
    assert [line["message"] for line in lines] == ["hello world", "again"]
    assert lines[0]["etl"] == {"step": "extract", "run_id": "run-1"}
    assert lines[1]["labels"]["run_id"] == "run-2"
    assert lines[0]["log.level"] == "info" and "ecs.version" in lines[0]
    ids = [line["event"]["id"] for line in lines]
    assert len(set(ids)) == 2 and all(len(i) == 32 for i in ids), "a unique event.id per line (the shipper's _id)"
    assert any(isinstance(h, RotatingFileHandler) for h in log.handlers)


def test_console_lines_are_readable(capsys, isolated_state):
    setup_logging("extract", "run-9", console_level=logging.INFO).info("plain text")
    err = capsys.readouterr().err
    assert "[extract run-9] plain text" in err and not err.lstrip().startswith("{")


def test_progress_json_lines():
    out = io.StringIO()
    reporter = ProgressReporter(True, out)
    reporter.emit("file_start", month="2024-01", url="file:///x")
    reporter.bytes(10, 20, month="2024-01", final=True)
    events = [json.loads(line) for line in out.getvalue().splitlines()]
    assert events == [{"event": "file_start", "month": "2024-01", "url": "file:///x"},
                      {"event": "bytes", "month": "2024-01", "bytes": 10, "total": 20}]


def test_progress_disabled_prints_nothing():
    out = io.StringIO()
    ProgressReporter(False, out).emit("run_done")
    assert out.getvalue() == ""


def test_short_body_is_a_transient_error(tmp_path):
    try:
        download_to(Source("http://x", io.BytesIO(b"abc"), size=10), tmp_path / "part", lambda n: None)
    except TransientError as exc:
        assert "received 3 of 10 bytes" in str(exc)
    else:
        raise AssertionError("a short body must fail")


def test_download_hashes_and_counts_what_it_writes(tmp_path):
    data = b"x" * (3 * 1024 * 1024 + 5)  # several chunks
    seen: list[int] = []
    size, sha = download_to(Source("file:///x", io.BytesIO(data), size=len(data)), tmp_path / "part", seen.append)
    assert (size, sha) == (len(data), hashlib.sha256(data).hexdigest())
    assert (tmp_path / "part").read_bytes() == data and seen[-1] == len(data)
