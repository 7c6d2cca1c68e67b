"""Logging for the ETL steps: ECS JSON lines to a rotating file, readable lines on stderr.

Every record carries the step (`etl.step`) and the run id (`etl.run_id` and
`labels.run_id`, the ECS place for custom keywords), so Kibana/Elasticsearch can
filter one run of one step, and a unique `event.id`: the log shipper indexes the
line under it, so a line sent again (a retry, a re-read after a crash) is never a
second document. Files go to `ETL_logs/<step>.log` at the project root,
or to $ETL_LOG_DIR when set (tests point it at a temporary folder).
"""
from __future__ import annotations

import logging
import os
import sys
import uuid
from logging.handlers import RotatingFileHandler
from pathlib import Path

import ecs_logging

from etl.config import PROJECT_ROOT, usable_dir
from etl.contract import default_path

LOG_MAX_BYTES = 10 * 1024 * 1024
LOG_BACKUP_COUNT = 5
CONSOLE_FORMAT = "%(asctime)s %(levelname)-7s [%(etl_step)s %(etl_run_id)s] %(message)s"


def log_dir() -> Path:
    return Path(os.environ.get("ETL_LOG_DIR") or PROJECT_ROOT / default_path("logDir"))


def log_file(step: str) -> Path:
    """Where a step's log is: name this in messages, never a fixed `ETL_logs/...`."""
    return log_dir() / f"{step}.log"


class _RunContext(logging.Filter):
    """Stamps step and run id on every record (dotted names are nested by ecs-logging)."""

    def __init__(self, step: str, run_id: str) -> None:
        super().__init__()
        self.step = step
        self.run_id = run_id

    def filter(self, record: logging.LogRecord) -> bool:
        setattr(record, "etl.step", self.step)
        setattr(record, "etl.run_id", self.run_id)
        setattr(record, "labels.run_id", self.run_id)
        if not hasattr(record, "event.id"):  # one id per record, whatever handlers write it
            setattr(record, "event.id", uuid.uuid4().hex)
        record.etl_step = self.step  # plain names for the console format
        record.etl_run_id = self.run_id
        return True


def setup_logging(step: str, run_id: str, *, console_level: int = logging.INFO) -> logging.Logger:
    """Configure logger `etl.<step>`; safe to call again (e.g. several Airflow tasks in one worker).

    Raises etl.config.ConfigError when ETL_LOG_DIR cannot be written.
    """
    folder = usable_dir("ETL_LOG_DIR", log_dir())  # fails before the logger is touched
    logger = logging.getLogger(f"etl.{step}")
    for handler in list(logger.handlers):
        if getattr(handler, "_etl_owned", False):
            logger.removeHandler(handler)
            handler.close()
    logger.filters = [f for f in logger.filters if not isinstance(f, _RunContext)]
    logger.addFilter(_RunContext(step, run_id))
    logger.setLevel(logging.DEBUG)
    logger.propagate = False  # our handlers are complete; avoid duplicates via root

    file_handler = RotatingFileHandler(
        folder / f"{step}.log", maxBytes=LOG_MAX_BYTES, backupCount=LOG_BACKUP_COUNT, encoding="utf-8"
    )
    file_handler.setFormatter(ecs_logging.StdlibFormatter(exclude_fields=["etl_step", "etl_run_id"]))
    file_handler.setLevel(logging.DEBUG)
    console = logging.StreamHandler(sys.stderr)
    console.setFormatter(logging.Formatter(CONSOLE_FORMAT, datefmt="%H:%M:%S"))
    console.setLevel(console_level)
    for handler in (file_handler, console):
        handler._etl_owned = True  # type: ignore[attr-defined]
        logger.addHandler(handler)
    return logger
