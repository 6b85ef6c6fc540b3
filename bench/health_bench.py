"""M&E health page benchmark: time and queries of /reporting/health/ for an office with N projects, every form of
two quarters approved with its review events (submitted, returned for a few, approved).

    .venv/bin/python bench/health_bench.py                  # 300 and 2,000 projects
    .venv/bin/python bench/health_bench.py --projects 300

Figures are printed, nothing is asserted (the query bound is asserted in tests/reporting/test_health.py).
"""

import argparse
import statistics
import time

from _setup import django_setup


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--projects", type=int, action="append")
    args = parser.parse_args()
    django_setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from generate import generate_office, generate_reports
    from projects.models import QuarterlyReport, ReportEvent

    settings.ALLOWED_HOSTS = ["*"]
    for size in args.projects or [300, 2000]:
        office, fy, planner = generate_office(f"H{size}", projects=size)
        generate_reports(fy)
        events = []
        for n, report_id in enumerate(QuarterlyReport.objects.filter(project__fiscal_year=fy)
                                      .values_list("id", flat=True)):
            steps = ["submitted", "returned", "submitted", "approved"] if n % 4 == 0 else ["submitted", "approved"]
            events += [ReportEvent(report_id=report_id, action=action) for action in steps]
        ReportEvent.objects.bulk_create(events, batch_size=2000)
        client = Client()
        client.force_login(planner)
        client.get("/reporting/health/")  # warm up
        timings, queries = [], 0
        for _ in range(5):
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.get("/reporting/health/")
                timings.append(time.perf_counter() - started)
            assert response.status_code == 200
            queries = len(captured)
        print(f"{size} projects, {len(events)} review events: median {statistics.median(timings) * 1000:.0f} ms, "
              f"{queries} queries")


if __name__ == "__main__":
    main()
