"""What the load benchmark's simulated users do (run by bench/load_bench.py, not by hand).

Each user alternates the page under test (logged in through a session made by load_bench.py, or anonymous for
public pages) and the baseline page (the login page, anonymous), so both are measured under the same load in the
same run; with BENCH_THINK a user waits about that many seconds between rounds (0: none, every user always has a
request in flight). The run stops after BENCH_MAX_REQUESTS requests or at --run-time, whichever comes first."""

import itertools
import os
import random

import gevent

from locust import HttpUser, between, constant, events, task

PATHS = [p for p in os.environ["BENCH_PATHS"].split("|") if p]
SESSION = os.environ.get("BENCH_SESSION", "")
BASELINE = os.environ.get("BENCH_BASELINE", "/accounts/login/")
MAX_REQUESTS = int(os.environ.get("BENCH_MAX_REQUESTS", "2000"))
THINK = float(os.environ.get("BENCH_THINK", "0"))  # mean seconds a user waits between two rounds
_sent = itertools.count(1)


@events.request.add_listener
def _cap(**_kwargs):
    if next(_sent) >= MAX_REQUESTS:
        from locust.runners import Runner

        runner: Runner | None = _cap.runner
        if runner is not None:
            runner.quit()


_cap.runner = None


@events.init.add_listener
def _init(environment, **_kwargs):
    _cap.runner = environment.runner


_visitors = itertools.count(1)


class Visitor(HttpUser):
    wait_time = between(THINK / 2, THINK * 1.5) if THINK else constant(0)

    def on_start(self):
        # each simulated user is a client of its own, as the reverse proxy tells the app (bench_settings trusts
        # X-Real-IP, which deploy/nginx.conf sets): the public pages' limit per client counts each user's
        # requests, not the whole bench's
        number = next(_visitors)
        self.client.headers["X-Real-IP"] = f"10.0.{number // 250}.{number % 250 + 1}"
        if THINK:  # users who think between pages do not all click in the same instant: start within one pause
            gevent.sleep(random.uniform(0, THINK))

    @task
    def page_and_baseline(self):
        for path in PATHS:
            self.client.cookies.clear()
            cookies = {"sessionid": SESSION} if SESSION else {}
            self.client.get(path, cookies=cookies, name=f"page {path.split('?')[0]}", allow_redirects=False)
        self.client.cookies.clear()
        self.client.get(BASELINE, name="baseline", allow_redirects=False)
