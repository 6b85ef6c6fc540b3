"""Working-day arithmetic: weekends and the given holidays are not working days."""

from collections.abc import Container
from datetime import date, timedelta

ONE_DAY = timedelta(days=1)


def is_working_day(day: date, holidays: Container[date]) -> bool:
    return day.weekday() < 5 and day not in holidays


def add_working_days(start: date, count: int, holidays: Container[date]) -> date:
    """The ``count``-th working day after ``start`` (``start`` itself is not counted)."""
    if count < 1:
        raise ValueError("count must be at least 1")
    day = start
    found = 0
    while found < count:
        day += ONE_DAY
        if is_working_day(day, holidays):
            found += 1
    return day


def working_days_between(start: date, end: date, holidays: Container[date]) -> int:
    """Working days in (start, end]; negative when ``end`` is before ``start``.

    ``working_days_between(today, due, hols)`` is "working days left" (0 on the due day),
    and its negation counts working days overdue.
    """
    if end == start:
        return 0
    sign = 1
    if end < start:
        start, end, sign = end, start, -1
    count = 0
    day = start
    while day < end:
        day += ONE_DAY
        if is_working_day(day, holidays):
            count += 1
    return sign * count


def shift_working_days(day: date, offset: int, holidays: Container[date]) -> date:
    """``offset`` working days after ``day`` (before when negative; ``day`` itself when 0)."""
    if offset > 0:
        return add_working_days(day, offset, holidays)
    while offset < 0:
        day -= ONE_DAY
        if is_working_day(day, holidays):
            offset += 1
    return day
