"""Load benchmark of issue 18 §3: Locust (headless, loopback only, bounded in requests and time) against gunicorn,
each page beside a baseline (the login page) measured under the same load in the same run.

    export DATABASE_URL=postgres://tidtam:tidtam@127.0.0.1:5432/tidtam_scale   # a scratch database
    .venv/bin/python bench/national.py --big 2000 --medium 300                # once: the national data set
    REDIS_URL=redis://127.0.0.1:6379/7 .venv/bin/python bench/load_bench.py
    .venv/bin/python bench/load_bench.py --seconds 20 --max-requests 1500 --port 8115

Needs the optional `bench` dependencies (locust). gunicorn (`config.wsgi`, 3 workers as in docker-compose.yml, bench/bench_settings.py:
the production settings on plain HTTP) is started and stopped by this script. Pages whose URL name does not exist
on the branch print "not built on this branch". The reminder sweep row runs in this process on the day after
quarter 4's due date, inside a transaction that is rolled back (so it can be run again). Prints, asserts nothing.
"""

import argparse
import csv
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from _setup import ROOT, django_setup

BENCH = Path(__file__).resolve().parent
VENV_BIN = Path(sys.executable).parent
NOT_BUILT = "not built on this branch"


def session_for(user) -> str:
    """A logged-in session for ``user``, as django.contrib.auth.login would make it (no password hashing under
    load: the bench measures pages, not logins)."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return store.session_key


def resolve(name: str, *args, query: str = "") -> str | None:
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse(name, args=args) + (f"?{query}" if query else "")
    except NoReverseMatch:
        return None


class Counter:
    """Counts the queries run on a connection (CaptureQueriesContext keeps only the last 9,000)."""

    def __init__(self):
        self.n = 0

    def __call__(self, execute, sql, params, many, context):
        self.n += 1
        return execute(sql, params, many, context)


def alone(path: str, user) -> tuple[int, int, float]:
    """Status, queries and median time (ms) of the request in this process with nobody else asking (warm)."""
    import statistics

    from django.db import connection
    from django.test import Client

    client = Client()
    if user is not None:
        client.force_login(user)
    client.get(path)
    times, counter = [], Counter()
    for _ in range(5):
        counter.n = 0
        with connection.execute_wrapper(counter):
            started = time.perf_counter()
            response = client.get(path)
            times.append((time.perf_counter() - started) * 1000)
    return response.status_code, counter.n, statistics.median(times)


class Gunicorn:
    def __init__(self, port: int, workers: int, redis_url: str):
        self.port, self.workers, self.redis_url = port, workers, redis_url

    def __enter__(self):
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench_settings", "REDIS_URL": self.redis_url,
               "PYTHONPATH": os.pathsep.join([str(BENCH), str(ROOT)]), "DB_CONN_MAX_AGE": "60",
               "CELERY_TASK_ALWAYS_EAGER": "True", "EMAIL_URL": "locmem:"}
        self.log = tempfile.NamedTemporaryFile(prefix="tidtam-gunicorn-", suffix=".log", delete=False)
        self.process = subprocess.Popen(
            [str(VENV_BIN / "gunicorn"), "config.wsgi:application", "-w", str(self.workers),
             "-b", f"127.0.0.1:{self.port}", "--timeout", "120"],
            cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        for _ in range(120):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/accounts/login/", timeout=2)
                return self
            except OSError:
                if self.process.poll() is not None:
                    break
                time.sleep(0.5)
        self.__exit__()
        raise SystemExit(f"gunicorn did not start; see {self.log.name}")

    def __exit__(self, *exc):
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()


def warm_up(port: int, paths: list[str], session: str, workers: int) -> None:
    """A few rounds of the row's pages and the baseline through gunicorn before Locust measures, several at once
    so that every worker answers some: a worker's first request (templates, translations, the database
    connection) is not what a user waits for in a running office."""
    from concurrent.futures import ThreadPoolExecutor

    def get(path, cookie):
        request = urllib.request.Request(f"http://127.0.0.1:{port}{path}",
                                         headers={"Cookie": f"sessionid={cookie}"} if cookie else {})
        try:
            urllib.request.urlopen(request, timeout=120).read()
        except OSError:
            pass

    jobs = [(path, session) for path in paths] + [("/accounts/login/", "")]
    with ThreadPoolExecutor(max_workers=workers * 2) as pool:
        list(pool.map(lambda job: get(*job), jobs * workers * 4))


def locust(port: int, paths: list[str], session: str, users: int, seconds: int, max_requests: int,
           think: float) -> dict:
    """Run Locust headless; returns {name: (requests, failures, p50, p95)}."""
    with tempfile.TemporaryDirectory(prefix="tidtam-locust-") as folder:
        prefix = Path(folder) / "run"
        env = {**os.environ, "BENCH_PATHS": "|".join(paths), "BENCH_SESSION": session,
               "BENCH_MAX_REQUESTS": str(max_requests), "BENCH_THINK": str(think)}
        subprocess.run([str(VENV_BIN / "locust"), "-f", str(BENCH / "locustfile.py"), "--headless",
                        "-u", str(users), "-r", str(users), "-t", f"{seconds}s", "--host", f"http://127.0.0.1:{port}",
                        "--csv", str(prefix), "--only-summary", "--loglevel", "WARNING", "--stop-timeout", "10"],
                       env=env, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        with open(f"{prefix}_stats.csv", newline="") as handle:
            return {row["Name"]: (int(row["Request Count"]), int(row["Failure Count"]),
                                  float(row["50%"]), float(row["95%"]))
                    for row in csv.DictReader(handle)}


def sweep_day(days_after: int = 1):
    """The day ``days_after`` calendar days after quarter 4's first due date of the national year. The year's
    reminder rules are made first and kept: they exist after a year's first sweep, so a timed run is a usual day's."""
    from datetime import timedelta

    from national import YEAR
    from plans.models import FiscalYear, Quarter
    from reminders import sweep
    from reminders.models import ReminderRule

    for fy in FiscalYear.objects.filter(year=YEAR).exclude(reminder_rules__isnull=False):
        sweep.rules_for(fy)
        sweep.rules_for(fy, ReminderRule.Source.CALENDAR)
    due = Quarter.objects.filter(fiscal_year__year=YEAR, number=4).order_by("due_date").values_list(
        "due_date", flat=True).first()
    return due + timedelta(days=days_after)


def timed_sweep(day) -> tuple[float, int, int, int]:
    """The whole reminder sweep on ``day``, inside a transaction that is rolled back: seconds, queries, e-mails
    and reminders."""
    from django.db import connection, transaction

    from reminders import sweep

    counter = Counter()
    with transaction.atomic():
        with connection.execute_wrapper(counter):
            started = time.perf_counter()
            letters = sweep.sweep(day)
            seconds = time.perf_counter() - started
        transaction.set_rollback(True)
    return seconds, counter.n, len(letters), sum(len(letter.items) for letter in letters)


def sweep_row() -> tuple[str, str]:
    """The reminder sweep on the day after quarter 4's due date: time and queries (rolled back)."""
    day = sweep_day(1)
    seconds, queries, letters, items = timed_sweep(day)
    return f"{seconds:.1f} s", f"{queries:,} queries; {letters:,} e-mails, {items:,} reminders on {day}"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=8115)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=30, help="at most this long per row")
    parser.add_argument("--max-requests", type=int, default=2000, help="at most this many requests per row")
    parser.add_argument("--redis", default=os.getenv("REDIS_URL", "redis://127.0.0.1:6379/7"))
    parser.add_argument("--prefix", default="N", help="office codes of the national data set (bench/national.py)")
    parser.add_argument("--think", type=float, default=0.0,
                        help="mean seconds a simulated user waits between rounds (0: always a request in flight)")
    parser.add_argument("--skip-sweep", action="store_true")
    args = parser.parse_args()
    os.environ["REDIS_URL"] = args.redis
    django_setup()
    from django.conf import settings
    from django.db import connection

    from accounts.models import Office, User
    from national import YEAR

    settings.ALLOWED_HOSTS = ["*"]
    if connection.vendor != "postgresql":
        print(f"warning: the database is {connection.vendor}, not PostgreSQL: figures will not mean much")
    p = args.prefix
    area = Office.objects.filter(code__startswith=p, kind__in=["spp", "spm"]).count()
    if not Office.objects.filter(code=f"{p}BIG").exists():
        raise SystemExit(f"no national data set with prefix {p}: run bench/national.py --big 2000 --medium 300 first")
    from publication.models import Setting

    # The public row reads the medium office's page: it publishes (the generator leaves every office off).
    Setting.objects.update_or_create(office=Office.objects.get(code=f"{p}MID"), defaults={"publishes": True})
    central = User.objects.get(email=f"central@{p.lower()}obec.bench")
    planner = User.objects.get(email=f"planning@{p.lower()}big.bench")
    rows = [
        # page, data, users, paths, user, goal
        ("central roll-up", f"{area} offices", 10,
         [resolve("reporting:rollup", query=f"fy={YEAR}&q=4")], central, "p95 ≤ 500 ms; queries constant"),
        ("office dashboard", "1 office, 2,000 projects", 20,
         [resolve("reporting:dashboard", query=f"fy={YEAR}")], planner, "p95 ≤ 300 ms"),
        ("public page + CSV", "1 office, 300 projects", 20,
         [resolve("publication:office", f"{p}MID"), resolve("publication:csv", f"{p}MID", YEAR)], None,
         "p95 ≤ 100 ms (cached)"),
    ]
    print(f"PostgreSQL {connection.pg_version if connection.vendor == 'postgresql' else '-'}; gunicorn -w "
          f"{args.workers}; cache {settings.CACHES['default']['BACKEND'].rsplit('.', 1)[-1]}; at most "
          f"{args.max_requests} requests / {args.seconds} s per row; think time {args.think} s; "
          f"{os.cpu_count()} cores shared with other work (load average {os.getloadavg()[0]:.1f})")
    header = ["page", "data", "users", "requests", "p50 ms", "p95 ms", "baseline p95 ms", "ratio", "queries",
              "alone ms", "goal"]
    table = []
    with Gunicorn(args.port, args.workers, args.redis):
        for page, data, users, paths, user, goal in rows:
            if any(path is None for path in paths):
                table.append([page, data, str(users), NOT_BUILT, "", "", "", "", "", "", goal])
                continue
            measured = []
            for path in paths:
                status, count, ms = alone(path, user)
                if status != 200:
                    print(f"warning: {path} answers {status} in-process")
                measured.append((str(count), f"{ms:.0f}"))
            session = session_for(user) if user else ""
            warm_up(args.port, paths, session, args.workers)
            stats = locust(args.port, paths, session, users, args.seconds, args.max_requests, args.think)
            base = stats.get("baseline", (0, 0, 0.0, 0.0))
            for path, (count, ms) in zip(paths, measured, strict=True):
                n, failed, p50, p95 = stats.get(f"page {path.split('?')[0]}", (0, 0, 0.0, 0.0))
                ratio = f"{p95 / base[3]:.1f}" if base[3] else "-"
                table.append([f"{page} {path.split('?')[0]}" if len(paths) > 1 else page, data, str(users),
                              f"{n}" + (f" ({failed} failed)" if failed else ""), f"{p50:.0f}", f"{p95:.0f}",
                              f"{base[3]:.0f} (n={base[0]})", ratio, count, ms, goal])
    if not args.skip_sweep:
        seconds, detail = sweep_row()
        table.append(["reminder sweep (due+1)", f"{area} offices", "-", "-", "-", "-", "-", "-", detail, seconds,
                      "≤ 60 s; queries constant in forms"])
    print("| " + " | ".join(header) + " |")
    print("|" + " --- |" * len(header))
    for row in table:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
