from datetime import date

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from accounts import democlock
from accounts import demo as accounts_demo
from emenscr import demo as emenscr_demo
from evaluation import demo as evaluation_demo
from feedback import demo as feedback_demo
from inspections import demo as inspections_demo
from plans import demo as plans_demo
from plans.lib.fiscal import fiscal_year_of
from projects import demo as projects_demo
from projects import demo_reports
from publication import demo as publication_demo
from reporting import demo as reporting_demo

SECOND_OFFICE_PROJECTS = 9


def analyze() -> None:
    """Refresh PostgreSQL's table statistics. Tables the seed has just filled look empty to the planner until
    autovacuum's next round — and for ever inside one transaction (a test, a restore) — and it then joins the
    forms, results and quarters in nested loops: single queries of the roll-up took 10 s on the demo. ANALYZE
    counts the rows this transaction wrote too. Nothing to do on SQLite."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--today wants a date as YYYY-MM-DD, not {text!r}.") from None


class Command(BaseCommand):
    help = ("Create or refresh the demo offices, users and data (idempotent). The demo lives in the fiscal year of "
            "today (the year before is closed); --today YYYY-MM-DD pins the date.")

    def add_arguments(self, parser):
        parser.add_argument("--today", type=_day, default=None,
                            help="Seed as if today were this date (YYYY-MM-DD); the app itself keeps the real clock.")

    def handle(self, *args, today=None, **options):
        with democlock.pinned(today) as clock:
            result = self._seed(clock.today)
        self.stdout.write(self.style.SUCCESS(
            f"Demo data ready for fiscal year {result['year']} (as of {clock.today.isoformat()}; "
            f"fiscal year {result['year'] - 1} is closed). Log in at {settings.SITE_URL}/ with:"))
        self.stdout.write(f"  password for every demo account: {accounts_demo.DEMO_PASSWORD}")
        for user in result["users"]:
            roles = ", ".join(user.role_labels())
            self.stdout.write(f"  {user.email:<34} {roles:<40} {user.office.code}")

    def _seed(self, today: date) -> dict:
        result = accounts_demo.seed()
        main, second = result["main"], result["second"]
        years = plans_demo.seed([main, second], today)
        live = fiscal_year_of(today)
        for office in (main, second):
            plans_demo.live_quarter(years[(office.code, live)], today)
        owners = {}
        for user in result["users"]:
            if user.office_id == main.pk and user.has_role("owner"):
                for group in user.work_groups.all():
                    owners.setdefault(group.code, []).append(user)
        previous, current = years[(main.code, live - 1)], years[(main.code, live)]
        projects_demo.seed(previous, owners_by_group=owners, hold_back=projects_demo.LINKED_AFTER_THE_FORMS)
        projects_demo.seed(current, owners_by_group=owners)
        demo_reports.seed(previous, closed=True)
        projects_demo.link_after_the_forms(previous)  # the closed year's indicator without a result
        projects_demo.seed_budget_categories(previous)  # capital projects with a year of disbursements
        analyze()  # the closed year's forms are in: what follows reads them (editions, evaluation, eMENSCR)
        inspections_demo.seed(previous, closed=True)
        # after the current year's projects (a lesson is taken up by one), before the annual editions (their part)
        evaluation_demo.seed(previous)
        reporting_demo.seed(previous)
        demo_reports.seed(current)
        inspections_demo.seed(current)
        projects_demo.seed(years[(second.code, live)], first=SECOND_OFFICE_PROJECTS)
        demo_reports.seed(years[(second.code, live)])
        for fy in (current, years[(second.code, live)]):
            emenscr_demo.seed(fy)
        projects_demo.seed_mixed_activity(current)  # an investment activity under an operating project
        evaluation_demo.seed_open(current)  # an evaluation still to answer on the owner's home page
        projects_demo.seed_plan_tree(years[(second.code, live - 1)])
        feedback_demo.seed(previous, current)
        reporting_demo.seed_region(result["offices"][0], (live - 1, live), today)  # the central viewers' roll-up
        publication_demo.seed(main, previous)  # the main office publishes its approved results; the second does not
        analyze()
        return {**result, "year": live}
