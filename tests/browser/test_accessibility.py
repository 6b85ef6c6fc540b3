"""Key pages as the roles that use them, in Chromium: axe-core (vendored in tests/browser/vendor/) finds no
critical or serious violation at 1366 px nor at 375 px (a phone), where the page never scrolls sideways either.
Screenshots at 1366 and 375 px go to var/screens/a11y-*.png."""

import re
from datetime import date

import pytest

from accounts.demo import DEMO_PASSWORD
from plans.lib.fiscal import fiscal_year_of

from .conftest import log_in, problems_at_both_widths
from .test_foundation_screens import demo, demo_rows  # noqa: F401 (the demo data, seeded once per module)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The demo's closed year (the browser demo is seeded --today 2026-12-03), which evaluation/demo.py evaluates.
CLOSED = fiscal_year_of(date(2026, 12, 3)) - 1

# (name, role, the page's path, or (a list page, the patterns of the links to follow from it, in turn))
PAGES = [
    ("home", "planning", "/"),
    ("my-forms", "owner", "/projects/forms/"),
    ("quarterly-form", "owner", ("/projects/forms/", r"^/projects/\d+/q\d/$")),
    ("review-queue", "planning", "/projects/forms/review/"),
    ("approval-queue", "director", "/projects/forms/approval/"),
    ("quarter-overview", "planning", "/projects/forms/overview/"),
    ("dashboard", "planning", "/reporting/"),
    ("dashboard-committee", "committee", "/reporting/"),
    ("project-list", "planning", "/projects/"),
    ("project-detail", "planning", ("/projects/", r"^/projects/\d+/$")),
    ("finance", "finance", "/projects/forms/disbursements/"),
    ("annual-list", "planning", "/reporting/annual/"),
    ("inspection-rounds", "planning", "/inspections/"),
    ("inspection-round", "planning", ("/inspections/", r"^/inspections/rounds/\d+/$")),
    ("inspection-issue", "planning", ("/inspections/", r"^/inspections/rounds/\d+/$", r"^/inspections/issues/\d+/$")),
    ("monitoring", "planning", "/inspections/monitoring/"),
    ("monitoring-round", "planning", ("/inspections/monitoring/", r"^/inspections/monitoring/rounds/\d+/$")),
    ("monitoring-meeting", "planning", ("/inspections/monitoring/", r"^/inspections/monitoring/rounds/\d+/$",
                                        r"^/inspections/monitoring/meetings/\d+/$")),
    ("inspecting-bodies", "planning", "/inspections/bodies/"),
    ("plan", "planning", "/plans/plan/"),
    ("reminder-rules", "planning", "/reminders/rules/"),
    ("fiscal-year-2562", "planning", "/plans/2562/"),
    ("annual-detail", "planning", ("/reporting/annual/", r"^/reporting/annual/\d+/$")),
    ("me-health", "planning", "/reporting/health/"),
    ("satisfaction-survey", "planning", "/feedback/"),
    ("satisfaction-results", "director", "/feedback/results/"),
    ("emenscr-board", "planning", "/emenscr/"),
    ("emenscr-tab", "owner", ("/emenscr/", r"^/emenscr/projects/\d+/$")),
    ("emenscr-edit", "planning", ("/emenscr/", r"^/emenscr/projects/\d+/$", r"^/emenscr/projects/\d+/edit/$")),
    ("emenscr-copy", "planning", ("/emenscr/", r"^/emenscr/projects/\d+/copy/M\d/")),
    ("emenscr-entry", "planning", ("/emenscr/", r"^/emenscr/entries/\d+/$")),
    ("evaluation-results", "planning", f"/evaluation/results/?fy={CLOSED}"),
    ("evaluation-summary", "director", f"/evaluation/summary/?fy={CLOSED}"),
    ("evaluation-project", "planning", (f"/evaluation/projects/?fy={CLOSED}", r"^/evaluation/project/\d+/$")),
    ("evaluation-form", "planning", (f"/evaluation/?fy={CLOSED}", r"^/evaluation/form/\d+/$")),
    ("rollup", "central@obec.example.go.th", "/reporting/rollup/"),
    ("rollup-drill", "central@obec.example.go.th", ("/reporting/rollup/", r"^/reporting/\?fy=\d+&office=\d+")),
    ("publication-settings", "director", "/publication/"),
    ("public-page", "planning", f"/public/SPM12/?fy={CLOSED}"),
]


def _open(page, live_server, target):
    if isinstance(target, tuple):
        target, *patterns = target
        for pattern in patterns:
            target = _first_link(page, f"{live_server.url}{target}", pattern)
    page.goto(f"{live_server.url}{target}")
    page.wait_for_load_state("networkidle")


def _first_link(page, url, pattern) -> str:
    """The first link matching ``pattern`` on ``url``, in the page's year or else in the others of its year
    picker (the demo's records may sit in any year)."""
    page.goto(url)
    years = page.eval_on_selector_all("select[name=fy] option", "options => options.map(o => o.value)")
    for year in [None, *years]:
        if year:
            page.goto(f"{url}{'&' if '?' in url else '?'}fy={year}")
        hrefs = page.eval_on_selector_all("a[href]", "links => links.map(a => a.getAttribute('href'))")
        # a pattern naming a query string (\?) matches the whole link, any other the path alone
        href = next((h for h in hrefs if re.match(pattern, h if "\\?" in pattern else h.split("?")[0])), None)
        if href:
            return href
    raise AssertionError(f"no link matching {pattern} on {url} in any year")


@pytest.mark.parametrize("name, role, target", PAGES, ids=[p[0] for p in PAGES])
def test_key_page_has_no_serious_axe_violation_and_fits_a_phone(browser, live_server, screenshot, demo,  # noqa: F811
                                                                 name, role, target):
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="th-TH")
    page = context.new_page()
    log_in(page, live_server, role if "@" in role else f"{role}@spm12.example.go.th", DEMO_PASSWORD)
    _open(page, live_server, target)
    assert page.url.startswith(live_server.url) and "/accounts/login/" not in page.url
    problems = problems_at_both_widths(page, screenshot, f"a11y-{name}")  # one context: resized to 375 px
    context.close()
    assert problems == [], f"{name}:\n" + "\n".join(problems)


def test_backups_page_of_the_deployments_administrator(browser, live_server, screenshot, demo, settings,  # noqa: F811
                                                       tmp_path):
    """The backups page has no demo login (superusers only): one is made here, with a verified and a failed run."""
    from datetime import timedelta

    from django.utils import timezone

    from accounts.models import User
    from backups.models import BackupRun
    from backups.nightly import run_nightly

    settings.TIDTAM_BACKUP_DIR = tmp_path / "backups"
    User.objects.create_superuser("root@example.go.th", DEMO_PASSWORD, full_name="ผู้ดูแลระบบกลาง")
    run_nightly(now=timezone.now() - timedelta(days=1))
    run_nightly(now=timezone.now() - timedelta(hours=2), by="ผู้ดูแลระบบกลาง")
    BackupRun.objects.create(file=str(tmp_path / "backups" / "tidtam-20261202-013000.tar"),
                             state=BackupRun.State.FAILED, finished_at=timezone.now(),
                             error="การสำรองข้อมูลล้มเหลว (No space left on device) และลบไฟล์ที่เขียนไม่ครบแล้ว")
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="th-TH")
    page = context.new_page()
    log_in(page, live_server, "root@example.go.th", DEMO_PASSWORD)
    _open(page, live_server, "/backups/")
    assert page.locator("#backup-runs tbody tr").count() == 3
    problems = problems_at_both_widths(page, screenshot, "a11y-backups")
    context.close()
    assert problems == [], "\n".join(problems)
