"""Thai fiscal years (ปีงบประมาณ) and their quarters.

Fiscal year N, labelled in the Buddhist era, runs 1 Oct (N−1) – 30 Sep N
(Gregorian years N−544 and N−543). Q1 is Oct–Dec, Q2 Jan–Mar, Q3 Apr–Jun,
Q4 Jul–Sep.
"""

import re
from dataclasses import dataclass
from datetime import date, timedelta

from .thaidate import BE_OFFSET

MIN_YEAR_BE = 2500
MAX_YEAR_BE = 2700


class FiscalYearError(ValueError):
    """A fiscal year that is malformed or outside the supported range."""


def parse_year_be(value) -> int:
    """Parse a Buddhist-era fiscal year such as ``"2569"`` or ``"๒๕๖๙"``."""
    from .thaidate import arabic_digits

    text = arabic_digits(str(value)).strip()
    if not re.fullmatch(r"\d{4}", text):
        raise FiscalYearError(f"'{value}' is not a four-digit Buddhist-era year (e.g. 2569).")
    year = int(text)
    if not MIN_YEAR_BE <= year <= MAX_YEAR_BE:
        raise FiscalYearError(
            f"{year} is outside the supported range {MIN_YEAR_BE}–{MAX_YEAR_BE} "
            "(give the Buddhist-era year, e.g. 2569, not 2026)."
        )
    return year


def fiscal_year_bounds(year_be: int) -> tuple[date, date]:
    ce = year_be - BE_OFFSET
    return date(ce - 1, 10, 1), date(ce, 9, 30)


def fiscal_year_of(day: date) -> int:
    """The Buddhist-era fiscal year a date falls in."""
    return day.year + BE_OFFSET + (1 if day.month >= 10 else 0)


def quarter_of(day: date) -> int:
    return ((day.month - 10) % 12) // 3 + 1


@dataclass(frozen=True)
class QuarterSpan:
    year_be: int
    number: int
    start: date
    end: date


def quarter_span(year_be: int, number: int) -> QuarterSpan:
    if number not in (1, 2, 3, 4):
        raise ValueError("A fiscal quarter is numbered 1 to 4.")
    fy_start, _ = fiscal_year_bounds(year_be)
    start_month_index = fy_start.month - 1 + (number - 1) * 3  # months since January of fy_start.year
    start = date(fy_start.year + start_month_index // 12, start_month_index % 12 + 1, 1)
    next_index = start_month_index + 3
    end = date(fy_start.year + next_index // 12, next_index % 12 + 1, 1) - timedelta(days=1)
    return QuarterSpan(year_be, number, start, end)


def quarter_spans(year_be: int) -> list[QuarterSpan]:
    return [quarter_span(year_be, n) for n in (1, 2, 3, 4)]


def fiscal_months(year_be: int) -> list[tuple[int, int]]:
    """(Gregorian year, month) for the twelve months Oct … Sep of a fiscal year."""
    fy_start, _ = fiscal_year_bounds(year_be)
    return [(fy_start.year + (9 + i) // 12, (9 + i) % 12 + 1) for i in range(12)]
