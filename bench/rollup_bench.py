"""The roll-up's core, live against stored: the per-office figures of one fiscal year and quarter (forms on time /
late / missing, budget disbursed against the cumulative target, open and overdue follow-up actions) for every
office beneath OBEC or one region, computed

* live: five grouped queries (constant in the number of offices), timed with EXPLAIN (ANALYZE) on PostgreSQL;
* stored: read from a per office × quarter summary table that a PL/pgSQL function refreshes (its cost is timed
  for the whole country and for one office, which is what a refresh on commit or by Celery would pay).

    export DATABASE_URL=postgres://tidtam:tidtam@127.0.0.1:5432/tidtam_scale
    .venv/bin/python bench/rollup_bench.py            # after bench/national.py
    .venv/bin/python bench/rollup_bench.py --explain  # print the plans too

The summary table and function are created in the scratch database only (names start with bench_); the app has
no stored aggregates (see bench/README.md for why). Prints, asserts nothing.
"""

import argparse
import statistics
import time
from datetime import date

from _setup import django_setup

SENT_STATES = ("submitted", "verified", "approved", "returned")
OPEN_ACTIONS = ("open", "in_progress", "returned")

SUMMARY_SQL = """
CREATE TABLE IF NOT EXISTS bench_rollup_summary (
    fiscal_year_id bigint NOT NULL, office_id bigint NOT NULL, quarter smallint NOT NULL,
    projects integer NOT NULL, on_time integer NOT NULL, late integer NOT NULL, missing integer NOT NULL,
    budget numeric(18, 2) NOT NULL, disbursed numeric(18, 2) NOT NULL, target_percent numeric(5, 2),
    open_actions integer NOT NULL, overdue_actions integer NOT NULL, refreshed_at timestamptz NOT NULL,
    PRIMARY KEY (fiscal_year_id, quarter)
);
CREATE INDEX IF NOT EXISTS bench_rollup_summary_office ON bench_rollup_summary (office_id, quarter);

-- Recompute the rows of the given fiscal years (all four quarters): the live queries, written down.
CREATE OR REPLACE FUNCTION bench_refresh_rollup(years bigint[], today date) RETURNS integer AS $$
DECLARE written integer;
BEGIN
    DELETE FROM bench_rollup_summary WHERE fiscal_year_id = ANY(years);
    INSERT INTO bench_rollup_summary
    SELECT q.fiscal_year_id, fy.office_id, q.number,
           coalesce(p.n, 0),
           coalesce(f.on_time, 0), coalesce(f.late, 0),
           CASE WHEN q.due_date < today THEN coalesce(p.n, 0) - coalesce(f.on_time, 0) - coalesce(f.late, 0) ELSE 0 END,
           coalesce(p.budget, 0),
           coalesce((SELECT sum(d.amount) FROM projects_disbursement d
                     JOIN plans_quarter dq ON dq.id = d.quarter_id
                     WHERE dq.fiscal_year_id = q.fiscal_year_id AND dq.number <= q.number), 0),
           t.cumulative_percent,
           coalesce(a.open, 0), coalesce(a.overdue, 0), now()
    FROM plans_quarter q
    JOIN plans_fiscalyear fy ON fy.id = q.fiscal_year_id
    LEFT JOIN (SELECT fiscal_year_id, count(*) AS n, sum(budget_obec + budget_office + budget_other) AS budget
               FROM projects_project WHERE status <> 'cancelled' AND fiscal_year_id = ANY(years)
               GROUP BY fiscal_year_id) p ON p.fiscal_year_id = q.fiscal_year_id
    LEFT JOIN (SELECT r.quarter_id, count(*) FILTER (WHERE r.timeliness <> 'late') AS on_time,
                      count(*) FILTER (WHERE r.timeliness = 'late') AS late
               FROM projects_quarterlyreport r JOIN projects_project pp ON pp.id = r.project_id
               WHERE r.first_submitted_at IS NOT NULL AND pp.status <> 'cancelled' AND pp.fiscal_year_id = ANY(years)
               GROUP BY r.quarter_id) f ON f.quarter_id = q.id
    LEFT JOIN plans_disbursementtarget t ON t.fiscal_year_id = q.fiscal_year_id AND t.budget_type = 'overall'
                                         AND t.quarter = q.number
    LEFT JOIN (SELECT ro.fiscal_year_id, count(*) AS open,
                      count(*) FILTER (WHERE a.due_date < today) AS overdue
               FROM inspections_followupaction a
               JOIN inspections_recommendation rec ON rec.id = a.recommendation_id
               JOIN inspections_inspectionissue i ON i.id = rec.issue_id
               JOIN inspections_inspectionround ro ON ro.id = i.round_id
               WHERE a.state IN ('open', 'in_progress', 'returned') AND ro.fiscal_year_id = ANY(years)
               GROUP BY ro.fiscal_year_id) a ON a.fiscal_year_id = q.fiscal_year_id
    WHERE q.fiscal_year_id = ANY(years);
    GET DIAGNOSTICS written = ROW_COUNT;
    RETURN written;
END;
$$ LANGUAGE plpgsql;
"""


def live(offices, year: int, quarter: int, today: date) -> dict:
    """The roll-up's figures by office, live: five grouped queries whatever the number of offices. Each filters
    through its joins (fiscal year, office) rather than "project IN (subquery)", which PostgreSQL turns into a
    second scan of the projects."""
    from django.db.models import Count, F, Q, Sum

    from inspections.models import FollowUpAction
    from plans.models import DisbursementTarget
    from projects.models import Disbursement, Project, QuarterlyReport

    ids = [o.pk for o in offices]
    live_project = Q(project__fiscal_year__year=year, project__office_id__in=ids) & ~Q(project__status="cancelled")
    figures = {row["office_id"]: dict(row) for row in (
        Project.objects.filter(fiscal_year__year=year, office_id__in=ids).exclude(status="cancelled").order_by()
        .values("office_id").annotate(projects=Count("id"),
                                      budget=Sum(F("budget_obec") + F("budget_office") + F("budget_other"))))}
    for row in (QuarterlyReport.objects.filter(live_project, quarter__number=quarter, first_submitted_at__isnull=False)
                .order_by().values("project__office_id")
                .annotate(late=Count("id", filter=Q(timeliness="late")), sent=Count("id"))):
        mine = figures[row["project__office_id"]]
        mine.update(on_time=row["sent"] - row["late"], late=row["late"], missing=mine["projects"] - row["sent"])
    for row in (Disbursement.objects.filter(live_project, quarter__number__lte=quarter).order_by()
                .values("project__office_id").annotate(disbursed=Sum("amount"))):
        figures[row["project__office_id"]]["disbursed"] = row["disbursed"]
    for office_id, percent in (DisbursementTarget.objects.filter(fiscal_year__year=year, fiscal_year__office_id__in=ids,
                                                                 budget_type="overall", quarter=quarter)
                               .values_list("fiscal_year__office_id", "cumulative_percent")):
        if office_id in figures:
            figures[office_id]["target_percent"] = percent
    for row in (FollowUpAction.objects.filter(recommendation__issue__round__fiscal_year__year=year,
                                              recommendation__issue__round__office_id__in=ids,
                                              state__in=OPEN_ACTIONS).order_by()
                .values("recommendation__issue__round__office_id")
                .annotate(open=Count("id"), overdue=Count("id", filter=Q(due_date__lt=today)))):
        mine = figures.get(row["recommendation__issue__round__office_id"])
        if mine is not None:
            mine.update(open_actions=row["open"], overdue_actions=row["overdue"])
    return figures


def stored(offices, year: int, quarter: int) -> list:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("""SELECT s.* FROM bench_rollup_summary s JOIN plans_fiscalyear fy ON fy.id = s.fiscal_year_id
                          WHERE fy.year = %s AND s.quarter = %s AND s.office_id = ANY(%s)""",
                       [year, quarter, [o.pk for o in offices]])
        return cursor.fetchall()


def timed(fn, repeat=5):
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), min(times), result


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--prefix", default="N")
    parser.add_argument("--year", type=int, default=2569)
    parser.add_argument("--quarter", type=int, default=4)
    parser.add_argument("--today", default="2026-12-01")
    parser.add_argument("--explain", action="store_true")
    args = parser.parse_args()
    django_setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from accounts.models import Office
    from plans.models import FiscalYear

    if connection.vendor != "postgresql":
        raise SystemExit("needs PostgreSQL (DATABASE_URL)")
    today = date.fromisoformat(args.today)
    obec = Office.objects.get(code=f"{args.prefix}OBEC")
    region = Office.objects.get(code=f"{args.prefix}R01")
    scopes = [("OBEC (whole country)", obec), ("one region", region)]
    with connection.cursor() as cursor:
        cursor.execute(SUMMARY_SQL)
    for label, top in scopes:
        offices = list(Office.objects.filter(path__startswith=top.path, kind__in=["spp", "spm"]))
        with CaptureQueriesContext(connection) as captured:
            live(offices, args.year, args.quarter, today)
        median, best, figures = timed(lambda: live(offices, args.year, args.quarter, today))
        print(f"live · {label}: {len(offices)} offices, {len(captured)} queries, median {median:.0f} ms "
              f"(best {best:.0f} ms)")
        if args.explain:
            with connection.cursor() as cursor:
                for sql in captured.captured_queries:
                    cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql["sql"])
                    plan = "\n".join(row[0] for row in cursor.fetchall())
                    print(f"--- {sql['sql'][:160]}…\n{plan}\n")
    years = list(FiscalYear.objects.filter(year=args.year, office__path__startswith=obec.path)
                 .values_list("pk", flat=True))
    with connection.cursor() as cursor:
        started = time.perf_counter()
        cursor.execute("SELECT bench_refresh_rollup(%s, %s)", [years, today])
        rows = cursor.fetchone()[0]
        whole = (time.perf_counter() - started) * 1000
        one = []
        for fy in years[:10]:
            started = time.perf_counter()
            cursor.execute("SELECT bench_refresh_rollup(%s, %s)", [[fy], today])
            one.append((time.perf_counter() - started) * 1000)
        cursor.execute("ANALYZE bench_rollup_summary")
    print(f"stored · refresh of the whole country: {rows} rows in {whole:.0f} ms; one office's year: median "
          f"{statistics.median(one):.0f} ms")
    for label, top in scopes:
        offices = list(Office.objects.filter(path__startswith=top.path, kind__in=["spp", "spm"]))
        median, best, rows = timed(lambda: stored(offices, args.year, args.quarter))
        print(f"stored · {label}: {len(rows)} rows, 1 query, median {median:.1f} ms (best {best:.1f} ms)")
    # The two agree (a check of the bench itself, not of the app).
    offices = list(Office.objects.filter(path__startswith=obec.path, kind__in=["spp", "spm"]))
    figures = live(offices, args.year, args.quarter, today)
    with connection.cursor() as cursor:
        cursor.execute("SELECT s.office_id, projects, on_time, late, missing, disbursed, open_actions, overdue_actions "
                       "FROM bench_rollup_summary s JOIN plans_fiscalyear fy ON fy.id = s.fiscal_year_id "
                       "WHERE fy.year = %s AND s.quarter = %s", [args.year, args.quarter])
        differ = [row for row in cursor.fetchall() if row[0] in figures and (
            figures[row[0]]["projects"], figures[row[0]].get("on_time", 0), figures[row[0]].get("late", 0),
            figures[row[0]].get("missing", figures[row[0]]["projects"]), figures[row[0]].get("disbursed") or 0,
            figures[row[0]].get("open_actions", 0), figures[row[0]].get("overdue_actions", 0)) != tuple(row[1:])]
    print(f"live and stored agree for {len(figures) - len(differ)} of {len(figures)} offices")


if __name__ == "__main__":
    main()
