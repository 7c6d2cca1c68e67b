"""Month specs: `2024-01`, `2024-01..2024-03`, or a comma list of both."""
from __future__ import annotations

from dataclasses import dataclass

from etl.contract import first_year, month_pattern


class MonthSpecError(ValueError):
    """The --months value cannot be parsed (a usage error)."""


@dataclass(frozen=True, order=True)
class Month:
    year: int
    month: int

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    def next(self) -> Month:
        return Month(self.year + self.month // 12, self.month % 12 + 1)


def parse_month(text: str) -> Month:
    match = month_pattern().match(text.strip())
    if not match:
        raise MonthSpecError(f"month {text!r} is not YYYY-MM with a month 01-12 (e.g. 2024-01)")
    if int(match.group(1)) < first_year():
        raise MonthSpecError(f"month {text!r} is out of range (TLC yellow-taxi data starts {first_year()}-01)")
    return Month(int(match.group(1)), int(match.group(2)))


def parse_months(spec: str) -> list[Month]:
    """Sorted, de-duplicated months of a spec such as `2024-01..2024-03,2024-06`."""
    months: set[Month] = set()
    for part in filter(None, (p.strip() for p in spec.split(","))):
        first, sep, last = part.partition("..")
        start = parse_month(first)
        end = parse_month(last) if sep else start
        if end < start:
            raise MonthSpecError(f"range {part!r} is inverted: write {end}..{start}")
        current = start
        while current <= end:
            months.add(current)
            current = current.next()
    if not months:
        raise MonthSpecError("no month given: use e.g. --months 2024-01 or --months 2024-01..2024-03")
    return sorted(months)
