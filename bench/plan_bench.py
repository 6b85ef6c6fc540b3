"""Plan benchmarks: project list page, Excel export and import for a large office.

    .venv/bin/python bench/plan_bench.py [--projects 2000]
"""

import argparse
import time
import tracemalloc
from pathlib import Path

from _setup import ROOT, django_setup


def timed(label, fn, repeat=1):
    best = None
    result = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        elapsed = time.perf_counter() - start
        best = elapsed if best is None else min(best, elapsed)
    print(f"{label:<48} {best * 1000:9.1f} ms")
    return result


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--projects", type=int, default=2000)
    args = parser.parse_args()
    django_setup()

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from generate import generate_office

    start = time.perf_counter()
    office, fy, planner = generate_office(projects=args.projects)
    print(f"generated {args.projects} projects, {args.projects * 5} activities in {time.perf_counter() - start:.1f} s")

    client = Client()
    client.force_login(planner)
    client.get("/projects/?fy=2569")
    with CaptureQueriesContext(connection) as queries:
        timed("project list page 1 (warm)", lambda: client.get("/projects/?fy=2569"), repeat=5)
    print(f"{'project list queries (5 requests)':<48} {len(queries):9d}")
    timed("project list page 40 (deep page)", lambda: client.get("/projects/?fy=2569&page=40"), repeat=3)
    timed("project list text search", lambda: client.get("/projects/?fy=2569&q=1999"), repeat=3)
    pk = fy.projects.order_by("code").first().pk
    timed("project detail", lambda: client.get(f"/projects/{pk}/"), repeat=5)
    timed("plan overview (tree with totals)", lambda: client.get("/projects/plan/2569/"), repeat=3)

    try:
        from projects import planbook as excel_plan
    except ImportError:
        print("projects.planbook not available: import/export skipped")
        return
    out = ROOT / "var" / "bench" / "plan.xlsx"
    from projects.models import Project

    def export():
        workbook = excel_plan.export_plan(fy, Project.objects.filter(fiscal_year=fy))
        workbook.save(out)

    timed(f"export {args.projects} projects to xlsx", export)
    print(f"{'workbook size':<48} {out.stat().st_size / 1024:9.0f} KiB")
    result = timed(f"import {args.projects} projects (unchanged re-import)",
                   lambda: excel_plan.import_plan(Path(out), fiscal_year=fy, user=planner))
    # Memory is measured in a separate run: tracemalloc slows Python down several times.
    tracemalloc.start()
    excel_plan.import_plan(Path(out), fiscal_year=fy, user=planner)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"{'import peak Python memory (tracemalloc)':<48} {peak / 1024 / 1024:9.1f} MiB")
    print(f"import result: created={result.created} updated={result.updated} unchanged={result.unchanged} "
          f"errors={len(result.errors)}")
    from projects.models import Project as P

    P.objects.filter(fiscal_year=fy).delete()
    result = timed(f"import {args.projects} new projects (empty year)",
                   lambda: excel_plan.import_plan(Path(out), fiscal_year=fy, user=planner))
    print(f"import result: created={result.created} activities={result.activities} errors={len(result.errors)}")


if __name__ == "__main__":
    main()
