"""The demo seed's clock: ``seed_demo --today`` decides what "now" is while the seed runs, and only then.

Inside :func:`pinned` every ``django.utils.timezone.now()`` (and so ``localdate()``, ``auto_now`` fields and
the workflows' own time stamps) reads the seed's clock: the pinned day at the real time of day, or the moment
the story is at (:meth:`Clock.at`), never later than the pinned "now". Outside it the app keeps the real clock.
"""

from contextlib import contextmanager
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone


class Clock:
    def __init__(self, today: date, real_now):
        local = timezone.localtime(real_now())
        zone = ZoneInfo(settings.TIME_ZONE)
        self.today = today
        self.shift = datetime.combine(today, local.time(), tzinfo=zone) - local
        self._real_now = real_now
        self._story: datetime | None = None

    def real_now(self) -> datetime:
        """The pinned day, at the real time of day (moving on as the seed runs, but not past the pinned day's
        end when a seed runs across midnight)."""
        end = datetime.combine(self.today, time.max, tzinfo=ZoneInfo(settings.TIME_ZONE))
        return min(self._real_now() + self.shift, end)

    def now(self) -> datetime:
        moment = self.real_now()
        return min(self._story, moment) if self._story is not None else moment

    def cap(self, when: datetime) -> datetime:
        """``when``, or the pinned "now" if ``when`` lies after it (staged history never reaches the future) —
        a minute before it, but never on the day before the pinned day (a seed run just after midnight still
        dates "today's" steps today)."""
        midnight = datetime.combine(self.today, time(0), tzinfo=ZoneInfo(settings.TIME_ZONE))
        return min(when, max(self.real_now() - timedelta(minutes=1), min(midnight, self.real_now())))

    @contextmanager
    def at(self, when: datetime | date):
        """Let the story's steps happen at ``when`` (a day means 10:00 that day)."""
        if not isinstance(when, datetime):
            when = datetime.combine(when, time(10), tzinfo=ZoneInfo(settings.TIME_ZONE))
        before, self._story = self._story, self.cap(when)
        try:
            yield self._story
        finally:
            self._story = before


_current: Clock | None = None


def current() -> Clock:
    """The seed's clock (a clock on the real date when no seed pinned one)."""
    return _current or Clock(timezone.localdate(), timezone.now)


@contextmanager
def pinned(today: date | None):
    """Run the seed as if it were ``today`` (the real date when None)."""
    global _current
    real_now = timezone.now
    clock = Clock(today or timezone.localdate(), real_now)
    before, _current = _current, clock
    timezone.now = clock.now
    try:
        yield clock
    finally:
        timezone.now = real_now
        _current = before
