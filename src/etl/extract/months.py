"""Month specs: `2024-01`, `2024-01..2024-03`, or a comma list of both."""
from __future__ import annotations

import re
from dataclasses import dataclass

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


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
    match = _MONTH.match(text.strip())
    if not match:
        raise MonthSpecError(f"month {text!r} is not YYYY-MM (e.g. 2024-01)")
    year, month = int(match.group(1)), int(match.group(2))
    if not 1 <= month <= 12 or year < 2009:
        raise MonthSpecError(f"month {text!r} is out of range (TLC yellow-taxi data starts 2009-01)")
    return Month(year, month)


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
