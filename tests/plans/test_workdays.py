from datetime import date

import pytest

from plans.lib.workdays import add_working_days, is_working_day, shift_working_days, working_days_between


def test_weekends_are_not_working_days():
    assert not is_working_day(date(2026, 1, 3), set())  # Saturday
    assert not is_working_day(date(2026, 1, 4), set())  # Sunday
    assert is_working_day(date(2026, 1, 5), set())


def test_fifth_working_day_skips_weekend_and_holidays():
    holidays = {date(2026, 1, 1), date(2026, 1, 2)}
    # Wed 31 Dec 2025 → Thu/Fri holidays, weekend, Mon 5 … Fri 9.
    assert add_working_days(date(2025, 12, 31), 5, holidays) == date(2026, 1, 9)
    assert add_working_days(date(2025, 12, 31), 5, set()) == date(2026, 1, 7)


def test_the_start_day_itself_is_not_counted():
    assert add_working_days(date(2026, 1, 5), 1, set()) == date(2026, 1, 6)


def test_count_must_be_positive():
    with pytest.raises(ValueError):
        add_working_days(date(2026, 1, 5), 0, set())


def test_working_days_between_counts_left_and_overdue():
    holidays = {date(2026, 1, 1), date(2026, 1, 2)}
    assert working_days_between(date(2025, 12, 31), date(2026, 1, 9), holidays) == 5
    assert working_days_between(date(2026, 1, 9), date(2026, 1, 9), holidays) == 0
    assert working_days_between(date(2026, 1, 14), date(2026, 1, 9), holidays) == -3


def test_shift_working_days_skips_weekends_and_holidays():
    # FY 2569 Q1 is due Fri 9 Jan 2026 (1-2 Jan are days off); moved here from tests/reminders/test_sweep.py.
    due, holidays = date(2026, 1, 9), {date(2026, 1, 1), date(2026, 1, 2)}
    assert shift_working_days(due, -2, holidays) == date(2026, 1, 7)
    assert shift_working_days(due, 1, holidays) == date(2026, 1, 12)  # over the weekend
    assert shift_working_days(due, 3, holidays) == date(2026, 1, 14)
    assert shift_working_days(date(2026, 1, 5), -1, holidays) == date(2025, 12, 31)
    assert shift_working_days(due, 0, holidays) == due
