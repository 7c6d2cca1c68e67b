"""Which month a scheduled or manual pipeline run processes (pure, shared by the DAG and tests)."""
from __future__ import annotations

import re
from datetime import datetime, timezone

MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


def previous_month(moment: datetime) -> str:
    year, month = (moment.year, moment.month - 1) if moment.month > 1 else (moment.year - 1, 12)
    return f"{year:04d}-{month:02d}"


def target_month(requested: str | None, data_interval_start: datetime | None, now: datetime | None = None) -> str:
    """The month a run processes.

    An explicit `month` parameter wins. A scheduled monthly run processes its data
    interval's month (the interval of the run at 2024-02-01 starts 2024-01-01).
    A manual run with neither (Airflow 3 runs may have no logical date) takes the
    last complete month.
    """
    if requested:
        if not MONTH.match(requested):
            raise ValueError(f"month {requested!r} is not YYYY-MM")
        return requested
    if data_interval_start is not None:
        return f"{data_interval_start.year:04d}-{data_interval_start.month:02d}"
    return previous_month(now or datetime.now(timezone.utc))
