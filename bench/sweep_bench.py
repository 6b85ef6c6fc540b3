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

from _setup import django_setup


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--days-after", type=int, default=1, help="calendar days after quarter 4's first due date")
    args = parser.parse_args()
    django_setup()
    from django.db import connection, transaction

    from load_bench import Counter, sweep_day, timed_sweep
    from reminders import sweep
    from reminders.sources import SOURCES

    day = sweep_day(args.days_after)
    for kind, source in SOURCES.items():
        counter = Counter()
        with transaction.atomic(), connection.execute_wrapper(counter):
            started = time.perf_counter()
            items = source.items(day, sweep.CATCH_UP_DAYS)
            print(f"source {kind:<10} {len(items):>7,} items {counter.n:>6,} queries {time.perf_counter() - started:6.2f} s")
            transaction.set_rollback(True)
    seconds, queries, letters, items = timed_sweep(day)
    print(f"sweep on {day}: {seconds:.1f} s, {queries:,} queries; {letters:,} e-mails, {items:,} reminders")


if __name__ == "__main__":
    main()
