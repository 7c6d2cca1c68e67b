"""Which month a scheduled or manual pipeline run processes (pure, shared by the DAG and tests)."""
from __future__ import annotations

from datetime import UTC, datetime

from etl.contract import month_pattern

# The TLC publishes a month's trip records about two months after it ends.
PUBLICATION_LAG_MONTHS = 2


def months_before(moment: datetime, count: int) -> str:
    """The YYYY-MM `count` months before the month of `moment`."""
    index = moment.year * 12 + (moment.month - 1) - count
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def target_month(requested: str | None, scheduled_for: datetime | None, now: datetime | None = None) -> str:
    """The month a run processes.

    An explicit `month` parameter wins. Otherwise the latest month the TLC has
    published: for a scheduled run (at the start of 2024-03) the month two before
    it (2024-01); for a manual run without a logical date, two before today.
    """
    if requested:
        if not month_pattern().match(requested):
            raise ValueError(f"month {requested!r} is not YYYY-MM")
        return requested
    return months_before(scheduled_for or now or datetime.now(UTC), PUBLICATION_LAG_MONTHS)
