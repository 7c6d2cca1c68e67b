from datetime import UTC, datetime

import pytest

from etl.schedule import months_before, target_month


def test_an_explicit_month_wins():
    assert target_month("2024-03", datetime(2025, 1, 1, tzinfo=UTC)) == "2024-03"


def test_a_scheduled_run_processes_the_latest_published_month():
    # The run at the start of March: February is not over long enough, January is published.
    assert target_month(None, datetime(2024, 3, 1, tzinfo=UTC)) == "2024-01"
    assert target_month(None, datetime(2024, 2, 1, tzinfo=UTC)) == "2023-12"


def test_a_manual_run_without_logical_date_counts_from_today():
    assert target_month(None, None, now=datetime(2024, 1, 15, tzinfo=UTC)) == "2023-11"


def test_months_before_crosses_years():
    assert months_before(datetime(2024, 7, 31), 1) == "2024-06"
    assert months_before(datetime(2024, 1, 1), 13) == "2022-12"
    assert months_before(datetime(2024, 12, 1), 0) == "2024-12"


@pytest.mark.parametrize("bad", ["2024-13", "2024-1", "24-01", "2024-01..2024-02"])
def test_a_malformed_month_is_refused(bad):
    with pytest.raises(ValueError, match="is not YYYY-MM"):
        target_month(bad, None)
