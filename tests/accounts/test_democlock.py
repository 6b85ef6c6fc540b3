from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from accounts.democlock import Clock

BKK = ZoneInfo("Asia/Bangkok")


def test_a_seed_run_just_after_midnight_dates_todays_steps_today():
    clock = Clock(date(2026, 12, 3), lambda: datetime(2026, 12, 5, 0, 0, 20, tzinfo=BKK))
    with clock.at(date(2026, 12, 3)) as moment:
        assert moment.date() == date(2026, 12, 3) and moment <= clock.real_now()


def test_a_seed_run_across_midnight_never_dates_anything_after_the_pinned_day():
    real = [datetime(2026, 12, 4, 23, 59, 50, tzinfo=BKK)]
    clock = Clock(date(2026, 10, 1), lambda: real[0])
    real[0] += timedelta(seconds=40)  # the seed goes on past midnight
    assert clock.now().date() == date(2026, 10, 1)
    assert clock.cap(datetime(2026, 10, 2, 10, tzinfo=BKK)).date() == date(2026, 10, 1)
