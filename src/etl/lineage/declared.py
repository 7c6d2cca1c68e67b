"""Column lineage from the declarations (pure: no Spark session, no I/O).

Each gold column resolves to what it reads: raw columns of the trip files (by their TLC names), columns of
the zone table, or columns of another gold table (a mart reads fact_trips). A fact measure reads fact
columns, resolved here down to the raw columns behind them.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath

from etl.transform import columns
from etl.transform.columns import Col
from etl.transform.rules import REJECT_COLUMN
from etl.transform.schema import SOURCE_COLUMNS, TARGET_COLUMNS

TRIPS, ZONES, GOLD = "trips", "zones", "gold"  # what a column reads: the trip files, the zone table, gold
FACT, QUARANTINE = "fact_trips", "quarantine/rejected_trips"
# From the repository root (the driver imports etl from spark-submit's zip: not columns.__file__).
CODE_FILE = PurePosixPath("src", *columns.__name__.split(".")).with_suffix(".py").as_posix()
# The conformed columns that come from the trip file itself (its key, its month, the row's index in it), not from
# one of its columns.
FROM_OBJECT_KEY = set(SOURCE_COLUMNS)


@dataclass(frozen=True)
class Source:
    """One column a gold column reads: in the trip files, the zone table, or a gold table."""
    kind: str  # TRIPS | ZONES | GOLD
    field: str
    table: str = ""  # the gold table, for GOLD


@dataclass(frozen=True)
class ColumnLineage:
    column: str
    sources: tuple[Source, ...]
    identity: bool  # a copy of its one source (renamed, cast)
    line: int  # its declaration in etl/transform/columns.py (0: none, e.g. a quarantined raw column)
    reads: tuple[str, ...]  # as declared (names in the layer below)
    from_object_key: bool = False  # source_path, source_row, pickup_year/month: the object itself, not a column
    aggregated: bool = False  # a mart measure: over the rows of its group

    @property
    def subtype(self) -> str:
        """OpenLineage's transformation subtype."""
        return "IDENTITY" if self.identity else "AGGREGATION" if self.aggregated else "TRANSFORMATION"


def _raw(conformed: str) -> tuple[Source, ...]:
    if conformed in FROM_OBJECT_KEY:
        return ()
    return (Source(TRIPS, TARGET_COLUMNS[conformed][0]),)


def _conformed_lineage(col: Col) -> ColumnLineage:
    sources = tuple(source for name in col.reads for source in _raw(name))
    return ColumnLineage(col.name, sources, col.identity, col.line, col.reads,
                         from_object_key=any(name in FROM_OBJECT_KEY for name in col.reads))


def fact_lineage() -> list[ColumnLineage]:
    """fact_trips: its columns read conformed columns; its measures read fact columns (resolved to raw)."""
    base = {c.name: _conformed_lineage(c) for c in columns.FACT_COLUMNS}
    measures = []
    for col in columns.FACT_MEASURES:
        sources = tuple(dict.fromkeys(s for name in col.reads for s in base[name].sources))
        measures.append(ColumnLineage(col.name, sources, False, col.line, col.reads))
    return [*base.values(), *measures]


def mart_lineage(mart: columns.Mart) -> list[ColumnLineage]:
    """A mart's columns read fact_trips columns (a key is a copy; `before` columns are fact columns too)."""
    measures = {c.name for c in mart.measures}
    return [ColumnLineage(c.name, tuple(Source(GOLD, name, FACT) for name in c.reads), c.identity, c.line, c.reads,
                          aggregated=c.name in measures)
            for c in mart.columns()]


def quarantine_lineage() -> list[ColumnLineage]:
    """The rejected rows as read (conformed copies of the raw columns) and the rule that rejected each: it
    reads every column (the duplicate rule compares whole rows)."""
    copies = [ColumnLineage(name, _raw(name), True, 0, (name,), from_object_key=name in FROM_OBJECT_KEY)
              for name in [*TARGET_COLUMNS, *SOURCE_COLUMNS]]
    every = tuple(s for name in TARGET_COLUMNS for s in _raw(name))
    return [*copies, ColumnLineage(REJECT_COLUMN, every, False, 0, (*TARGET_COLUMNS, *SOURCE_COLUMNS))]


def zone_lineage() -> list[ColumnLineage]:
    return [ColumnLineage(c.name, tuple(Source(ZONES, name) for name in c.reads), c.identity, c.line, c.reads)
            for c in columns.ZONE_COLUMNS]


def table_lineage() -> dict[str, list[ColumnLineage]]:
    """Every gold table with declared lineage (the code dimensions dim_date, dim_vendor, … read nothing)."""
    return {FACT: fact_lineage(), "mart_daily_zone": mart_lineage(columns.MART_DAILY_ZONE),
            "mart_hourly_demand": mart_lineage(columns.MART_HOURLY_DEMAND), QUARANTINE: quarantine_lineage(),
            "dim_zone": zone_lineage()}
