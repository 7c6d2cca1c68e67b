"""The classification runs month by month.

A row is kept only if it was picked up in the month of its file (rule `pickup_outside_month`), and two
copies of a trip share their pickup time: the duplicate rule never compares rows of two months. So each
month is classified, and cached, on its own, and a month's writes read only that month's rows. Classified
as one, a year of 12 months read the whole cache in each of its 48 month writes, and ran 2g executors out
of heap at 40M rows (docs/performance.md, "The 40M-row year")."""
from __future__ import annotations

from collections.abc import Iterable

from pyspark.sql import DataFrame
from pyspark.sql.types import FractionalType

from etl.submit import partitions_for
from etl.transform.rules import NATURAL_KEY, classify
from etl.transform.sources import Month

MIN_PARTITIONS = 2  # one per executor (spark.cores.max is 2): a sample month still uses both


def month_partitions(input_bytes: int) -> int:
    """Partitions of one month's classification, from the size of its trip files: about 2M trips each
    (the duplicate window sorts a partition in one task; 10M rows in one ran a 1 GB executor out of heap)."""
    return partitions_for(input_bytes, MIN_PARTITIONS)


def classify_months(months: dict[Month, DataFrame], sizes: dict[Month, int],
                    zone_ids: Iterable[int]) -> dict[Month, DataFrame]:
    """Each month classified on its own (etl.transform.rules.classify), in one shuffle: hashed on part
    of the natural key, the rows are already grouped as the duplicate window needs."""
    ids = list(zone_ids)
    return {month: classify(rows.repartition(month_partitions(sizes.get(month, 0)), *exact_key(rows)), ids)
            for month, rows in months.items()}


def exact_key(rows: DataFrame) -> list[str]:
    """The natural key's columns that are not floating point. Spark normalises a window key's doubles
    (-0.0, NaN) before hashing them, so a hash on the raw doubles would not match, and Spark would
    shuffle again; the other key columns (vendor, times, zones) spread the rows well enough."""
    return [name for name in NATURAL_KEY if not isinstance(rows.schema[name].dataType, FractionalType)]
