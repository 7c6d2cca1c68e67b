from datetime import datetime, timezone

import pytest

from etl.schedule import previous_month, target_month


def test_an_explicit_month_wins():
    assert target_month("2024-03", datetime(2025, 1, 1, tzinfo=timezone.utc)) == "2024-03"


def test_a_scheduled_run_processes_its_data_interval_month():
    assert target_month(None, datetime(2024, 1, 1, tzinfo=timezone.utc)) == "2024-01"


def test_a_manual_run_without_logical_date_takes_the_last_complete_month():
    assert target_month(None, None, now=datetime(2024, 1, 15, tzinfo=timezone.utc)) == "2023-12"
    assert previous_month(datetime(2024, 7, 31)) == "2024-06"


@pytest.mark.parametrize("bad", ["2024-13", "2024-1", "24-01", "2024-01..2024-02"])
def test_a_malformed_month_is_refused(bad):
    with pytest.raises(ValueError, match="is not YYYY-MM"):
        target_month(bad, None)
