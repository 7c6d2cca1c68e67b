"""Month specs: `2024-01`, `2024-01..2024-03`, or a comma list of both."""
from __future__ import annotations

from dataclasses import dataclass

from etl.contract import first_year, month_pattern

# More is a typo (2204 for 2024) more often than a wish: 20 years, more than the TLC's whole history since 2009.
# Checked before any month is listed, so a spec of 10,000 months fails at once.
MAX_MONTHS = 240


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

    def index(self) -> int:
        return self.year * 12 + self.month - 1


def parse_month(text: str) -> Month:
    match = month_pattern().match(text.strip())
    if not match:
        raise MonthSpecError(f"month {text!r} is not YYYY-MM with a month 01-12 (e.g. 2024-01)")
    if int(match.group(1)) < first_year():
        raise MonthSpecError(f"month {text!r} is out of range (TLC yellow-taxi data starts {first_year()}-01)")
    return Month(int(match.group(1)), int(match.group(2)))


def _too_many(spec: str, what: str) -> MonthSpecError:
    shown = spec if len(spec) <= 60 else f"{spec[:57]}..."
    return MonthSpecError(f"months {shown!r}: {what}, more than the {MAX_MONTHS} one run takes; "
                          f"split them into runs of at most {MAX_MONTHS} months")


def parse_months(spec: str) -> list[Month]:
    """Sorted months of a spec such as `2024-01..2024-03,2024-06`. A month named twice (a list, overlapping
    ranges) is one month: it is one file, extracted once."""
    parts = [p.strip() for p in spec.split(",") if p.strip()]
    if len(parts) > MAX_MONTHS:
        raise _too_many(spec, f"{len(parts)} listed")
    months: set[Month] = set()
    for part in parts:
        first, sep, last = part.partition("..")
        start = parse_month(first)
        end = parse_month(last) if sep else start
        if end < start:
            raise MonthSpecError(f"range {part!r} is inverted: write {end}..{start}")
        if end.index() - start.index() + 1 > MAX_MONTHS:
            raise _too_many(part, f"{end.index() - start.index() + 1} months in one range")
        current = start
        while current <= end:
            months.add(current)
            current = current.next()
        if len(months) > MAX_MONTHS:
            raise _too_many(spec, f"{len(months)} months or more")
    if not months:
        raise MonthSpecError("no month given: use e.g. --months 2024-01 or --months 2024-01..2024-03")
    return sorted(months)
