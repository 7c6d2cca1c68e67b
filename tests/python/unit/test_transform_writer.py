"""The replaceWhere predicate of a write: exactly the run's month partitions, ints only."""
from __future__ import annotations

import pytest

from etl.transform.writer import partitions_predicate


def test_the_predicate_names_each_month_partition_and_nothing_else():
    months = [{"pickup_year": 2024, "pickup_month": 12}, {"pickup_year": 2025, "pickup_month": 1}]
    assert partitions_predicate(months) == (
        "(pickup_year = 2024 AND pickup_month = 12) OR (pickup_year = 2025 AND pickup_month = 1)")
    assert partitions_predicate(months[:1]) == "(pickup_year = 2024 AND pickup_month = 12)"


def test_nothing_but_an_int_reaches_the_sql():
    with pytest.raises(ValueError):
        partitions_predicate([{"pickup_year": "2024 OR 1=1", "pickup_month": 1}])
