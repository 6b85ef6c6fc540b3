"""The reminder sweep on the national data set, source by source (issue 18 §3): time and queries, rolled back.

    export DATABASE_URL=postgres://tidtam:tidtam@127.0.0.1:5432/tidtam_scale   # a scratch database
    .venv/bin/python bench/national.py --big 2000 --medium 300                # once: the national data set
    .venv/bin/python bench/sweep_bench.py                 # the day after quarter 4's due date (load_bench's row)
    .venv/bin/python bench/sweep_bench.py --days-after 10 # 17 Oct: eMENSCR's default M7 window closes in 3 days

Each registered source's items are found once (time, queries, items), then the whole sweep runs; every run is
inside a transaction that is rolled back, so it can be run again. The years' reminder rules are made first and
kept, as after a year's first sweep. Prints, asserts nothing.
"""

import argparse
import time
from datetime import timedelta

from _setup import django_setup


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--days-after", type=int, default=1, help="calendar days after quarter 4's first due date")
    args = parser.parse_args()
    django_setup()
    from django.db import connection, transaction

    from load_bench import Counter
    from national import YEAR
    from plans.models import FiscalYear, Quarter
    from reminders import sweep
    from reminders.models import ReminderRule
    from reminders.sources import SOURCES

    for fy in FiscalYear.objects.filter(year=YEAR).exclude(reminder_rules__isnull=False):
        sweep.rules_for(fy)
        sweep.rules_for(fy, ReminderRule.Source.CALENDAR)
    due = Quarter.objects.filter(fiscal_year__year=YEAR, number=4).order_by("due_date").values_list(
        "due_date", flat=True).first()
    day = due + timedelta(days=args.days_after)
    for kind, source in SOURCES.items():
        counter = Counter()
        with transaction.atomic(), connection.execute_wrapper(counter):
            started = time.perf_counter()
            items = source.items(day, sweep.CATCH_UP_DAYS)
            print(f"source {kind:<10} {len(items):>7,} items {counter.n:>6,} queries {time.perf_counter() - started:6.2f} s")
            transaction.set_rollback(True)
    counter = Counter()
    with transaction.atomic():
        with connection.execute_wrapper(counter):
            started = time.perf_counter()
            letters = sweep.sweep(day)
            seconds = time.perf_counter() - started
        transaction.set_rollback(True)
    items = sum(len(letter.items) for letter in letters)
    print(f"sweep on {day}: {seconds:.1f} s, {counter.n:,} queries; {len(letters):,} e-mails, {items:,} reminders")


if __name__ == "__main__":
    main()
