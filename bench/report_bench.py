"""Reporting benchmarks: dashboard time and queries, annual report build time / pages / memory, Excel export.

    .venv/bin/python bench/report_bench.py                  # the demo year, 300 and 2,000 projects
    .venv/bin/python bench/report_bench.py --projects 300   # one size only (0 = the demo year)

Figures are printed, nothing is asserted (query counts are asserted in tests).
"""

import argparse
import resource
import statistics
import time

from _setup import django_setup


def peak_mb() -> tuple[float, float]:
    """Peak resident memory of this process and of its (finished) children, in MB."""
    return (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)


def cpu_seconds() -> float:
    """User + system time of this process and its finished children: less noisy than the clock on a shared
    machine (a build's render processes are finished when it returns)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def naive_render(data: dict, queue) -> None:
    from documents.pdf import render
    from reporting import annual

    parts = annual.body_parts(data, False)
    head, _sep, _rest = parts[0].html.partition("<body>")
    bodies = [part.html.partition("<body>")[2].rpartition("</body>")[0] for part in parts]
    html = head + "<body>" + "".join(bodies) + "</body></html>"
    started, cpu = time.perf_counter(), cpu_seconds()
    pages = render.render(html).pages
    queue.put((time.perf_counter() - started, cpu_seconds() - cpu, pages, peak_mb()[0]))


def naive_seconds(data: dict) -> tuple[float, float, int, float]:
    """The baseline: the same body HTML as one WeasyPrint document, in a process of its own (so that its
    memory is not counted as ours): (seconds, CPU seconds, pages, peak MB)."""
    import multiprocessing

    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    child = context.Process(target=naive_render, args=(data, queue))
    child.start()
    result = queue.get()
    child.join()
    return result


def fresh_build(fy_pk: int, audience: str, queue) -> None:
    """A cold build in a new interpreter (spawned, not forked: nothing of the bench's own data generation in its
    memory), as a Celery worker runs it: snapshot, render, merge. Reports the peak memory of this process and of
    its largest render process."""
    import tempfile

    django_setup()
    from django.conf import settings

    from plans.models import FiscalYear
    from reporting import annual, figures

    settings.TIDTAM_PDF_PARTS_DIR = tempfile.mkdtemp(prefix="tidtam-parts-")
    started = time.perf_counter()
    built = annual.build(annual.snapshot(FiscalYear.objects.get(pk=fy_pk), audience, basis=figures.Basis.APPROVED))
    with open("/proc/self/status") as status:  # VmHWM: ru_maxrss would carry the spawning process's peak over exec
        own = next(int(line.split()[1]) / 1024 for line in status if line.startswith("VmHWM:"))
    queue.put((time.perf_counter() - started, built.pages, own, peak_mb()[1]))


def fresh_memory(fy, audience: str) -> tuple[float, int, float, float]:
    import multiprocessing

    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    child = context.Process(target=fresh_build, args=(fy.pk, audience, queue))
    child.start()
    result = queue.get()
    child.join()
    return result


def annual_rows(size, fy, data: dict, args) -> None:
    """The issue-19 table: cold build, rebuild after one form changed, second audience; beside the naive
    single-document render of the same body, with the ratio (naive / ours)."""
    import shutil
    import tempfile

    from django.conf import settings

    from projects.models import QuarterlyReport
    from reporting import annual, figures

    settings.TIDTAM_PDF_PARTS_DIR = tempfile.mkdtemp(prefix="tidtam-parts-")  # an empty cache: cold
    rows = []

    def timed(label, make):
        started, cpu = time.perf_counter(), cpu_seconds()
        built = make()
        rows.append((label, time.perf_counter() - started, cpu_seconds() - cpu, built))

    timed(f"cold ({args.audience})", lambda: annual.build(data))
    code = data["projects"][len(data["projects"]) // 2]["code"]  # a project in the middle
    report = (QuarterlyReport.objects.filter(project__fiscal_year=fy, project__code=code, state="approved")
              .order_by("-quarter").first())
    QuarterlyReport.objects.filter(pk=report.pk).update(
        problems=report.problems + " และครูผู้รับผิดชอบย้ายระหว่างปี จึงต้องมอบหมายงานใหม่" * 3)
    started = time.perf_counter()
    changed = annual.snapshot(fy, args.audience, basis=figures.Basis.APPROVED)
    snap = time.perf_counter() - started
    timed(f"rebuild after one form changed (new snapshot {snap:.1f} s, not counted)", lambda: annual.build(changed))
    second = "ktpn" if args.audience != "ktpn" else "obec"
    second_data = annual.snapshot(fy, second, basis=figures.Basis.APPROVED)
    timed(f"second audience ({second}) after the first", lambda: annual.build(second_data))
    self_mb, children_mb = peak_mb()
    naive, naive_cpu, naive_pages, naive_mb = naive_seconds(changed)
    print(f"{size} projects · naive single document of the same body: {naive:.1f} s ({naive_cpu:.1f} s CPU), "
          f"{naive_pages} pages, {naive_mb:.0f} MB")
    for label, seconds, cpu, built in rows:
        print(f"{size} projects · {label}: {seconds:.1f} s ({cpu:.1f} s CPU), {built.pages} pages, parts reused "
              f"{built.reused} / rendered {built.rendered}; naive {naive:.1f} s, ratio {naive / seconds:.1f}× "
              f"(CPU {naive_cpu / cpu:.1f}×)")
    print(f"{size} projects · peak memory {self_mb:.0f} MB (this process), {children_mb:.0f} MB "
          f"(largest render process)")
    shutil.rmtree(settings.TIDTAM_PDF_PARTS_DIR, ignore_errors=True)
    seconds, pages, own_mb, render_mb = fresh_memory(fy, args.audience)
    print(f"{size} projects · cold build in a fresh process (as the Celery worker): {seconds:.1f} s, {pages} pages, "
          f"peak memory {own_mb:.0f} MB (the building process), {render_mb:.0f} MB (largest render process)")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--projects", type=int, action="append")
    parser.add_argument("--audience", default="obec")
    args = parser.parse_args()
    django_setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from generate import generate_office, generate_reports
    from reporting import annual, figures

    settings.ALLOWED_HOSTS = ["*"]
    print(f"PDF worker processes: {annual.render.workers()}")
    for size in args.projects or [0, 300, 2000]:
        if size == 0:  # the demo office's year, as make run seeds it
            from django.core.management import call_command

            from accounts.models import User
            from plans.models import FiscalYear

            call_command("seed_demo", verbosity=0)
            fy = FiscalYear.objects.get(office__code="SPM12", year=2569)
            planner = User.objects.get(email="planning@spm12.example.go.th")
            size = f"demo ({fy.projects.count()})"
        else:
            office, fy, planner = generate_office(f"B{size}", projects=size)
            generate_reports(fy)
        client = Client()
        client.force_login(planner)
        client.get("/reporting/", {"fy": fy.year})  # warm up
        timings, queries = [], 0
        for _ in range(5):
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.get("/reporting/", {"fy": fy.year})
                timings.append(time.perf_counter() - started)
            queries = len(captured)
        assert response.status_code == 200
        print(f"{size} projects · dashboard: median {statistics.median(timings) * 1000:.0f} ms, {queries} queries")
        started = time.perf_counter()
        data = annual.snapshot(fy, args.audience, basis=figures.Basis.APPROVED)
        print(f"{size} projects · snapshot ({args.audience}): {time.perf_counter() - started:.1f} s")
        annual_rows(size, fy, data, args)
        try:
            from reporting.excel import compile as compilations
        except ImportError:
            continue
        for name, fn in compilations.EXPORTS.items():
            started = time.perf_counter()
            fn(figures.year(fy, basis=figures.Basis.SUBMITTED)).save("/dev/null")
            print(f"{size} projects · Excel {name}: {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
