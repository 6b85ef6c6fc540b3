"""The standing leak check: crawl the demo as one user, replay every object URL as another.

For each pair (A, B) of demo users who must not share everything — another office, another group,
an owner and a committee member — A crawls every page reachable from the navigation (for the demo's
current and previous fiscal year), following only GET links on this site. Every URL that names an
object (its route has a ``pk``) and that B never met in B's own crawl is replayed as B. Any 200 there
is a leak: B read an object that B's own pages never lead to.

The crawl itself never POSTs. Files (``.pdf``/``.xlsx``) are not fetched in the crawl (rendering them
is slow); they are replayed like every other object URL.
"""

from collections import deque
from html.parser import HTMLParser
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import Resolver404, resolve
from django.utils import timezone

from accounts.models import User
from plans.lib.fiscal import fiscal_year_of

pytestmark = pytest.mark.django_db  # the module seeds the demo once, in its own transaction

MAX_PAGES = 3000  # per user; the demo has far fewer pages than this (a crawl that reaches it fails)
SKIP_PREFIXES = ("/accounts/logout", "/accounts/language", "/accounts/office", "/admin/", "/static/")
FILE_SUFFIXES = (".pdf", ".xlsx", ".csv", ".zip")

PAIRS = [
    # (user A, user B, why neither may open the other's objects unless their own pages lead there);
    # each pair is replayed both ways: A's object URLs as B, and B's as A.
    ("planning@spm12.example.go.th", "planning@tak2.example.go.th", "another office"),
    ("owner@spm12.example.go.th", "owner2@spm12.example.go.th", "another group"),
    ("planning@spm12.example.go.th", "owner2@spm12.example.go.th", "office-wide reader and a group's owner"),
    ("planning@spm12.example.go.th", "committee@spm12.example.go.th", "committee reads approved work only"),
]
# Query strings are followed only when they choose the fiscal year, the quarter, the page or (a central viewer's
# roll-up → dashboard) the office read: other filters list the same objects again.
FOLLOWED_QUERY_KEYS = {"fy", "page", "q", "office"}


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        elif tag == "form" and (attrs.get("method") or "get").lower() == "get" and attrs.get("action"):
            self.links.append(attrs["action"])


def _local(base: str, href: str) -> str | None:
    url = urldefrag(urljoin(base, href))[0]
    parts = urlsplit(url)
    if parts.scheme not in ("", "http") or parts.netloc not in ("", "testserver"):
        return None
    path = parts.path
    if not path.startswith("/") or path.startswith(SKIP_PREFIXES):
        return None
    if parts.query and {pair.split("=")[0] for pair in parts.query.split("&")} - FOLLOWED_QUERY_KEYS:
        return None
    return path + (f"?{parts.query}" if parts.query else "")


def _is_object(url: str) -> bool:
    try:
        return "pk" in resolve(urlsplit(url).path).kwargs
    except Resolver404:
        return False


def crawl(client: Client, start: list[str]) -> tuple[set[str], set[str]]:
    """(every local URL seen in a link, the URLs fetched with 200)."""
    seen, fetched = set(start), set()
    queue = deque(start)
    while queue and len(fetched) < MAX_PAGES:
        url = queue.popleft()
        if urlsplit(url).path.endswith(FILE_SUFFIXES):
            continue
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        fetched.add(url)
        parser = _Links()
        parser.feed(response.content.decode())
        for href in parser.links:
            link = _local(url, href)
            if link and link not in seen:
                seen.add(link)
                queue.append(link)
    # A crawl cut short would leave the user's own pages unmet and report them as leaks (or miss some).
    assert not [u for u in queue if not urlsplit(u).path.endswith(FILE_SUFFIXES)], \
        f"the crawl stopped at {MAX_PAGES} pages: raise MAX_PAGES"
    return seen, fetched


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo data, seeded once for the module and rolled back after it."""
    with django_db_blocker.unblock():
        with transaction.atomic():
            call_command("seed_demo", "--today", "2026-12-03", stdout=open("/dev/null", "w"))
            yield
            transaction.set_rollback(True)


def row_counts() -> dict[str, int]:
    """Rows per table of every model but sessions and django-axes' access log (logging in writes those)."""
    from django.apps import apps

    return {model._meta.label: model._base_manager.count() for model in apps.get_models()
            if model._meta.label != "sessions.Session" and model._meta.app_label != "axes"}


@pytest.fixture(scope="module")
def before_crawling(demo, django_db_blocker):
    with django_db_blocker.unblock():
        return row_counts()


@pytest.fixture(scope="module")
def crawls(demo, before_crawling, django_db_blocker):
    """Each user's crawl, made once: {email: (seen, fetched)}."""
    done = {}
    current = fiscal_year_of(timezone.localdate())
    years = [current, current - 1]

    def of(email):
        if email not in done:
            with django_db_blocker.unblock():
                client = Client()
                client.force_login(User.objects.get(email=email))
                start = ["/"] + [f"{page}?fy={year}" for year in years for page in (
                    "/projects/", "/projects/forms/", "/projects/forms/review/", "/projects/forms/approval/",
                    "/projects/forms/overview/", "/projects/forms/disbursements/", "/reporting/",
                    "/reporting/annual/", "/inspections/", "/inspections/board/", "/inspections/mine/",
                    "/inspections/monitoring/")] + [f"/plans/{year}/plan/" for year in years]
                done[email] = crawl(client, start)
        return done[email]
    return of


def _replay(of, django_db_blocker, a: str, b: str) -> tuple[int, int, list[str]]:
    """Replay as ``b`` the object URLs ``a`` met and ``b`` did not: (a's object URLs, replayed, leaked)."""
    seen_a, seen_b = of(a)[0], of(b)[0]
    objects_a = {url for url in seen_a if _is_object(url)}
    candidates = sorted(objects_a - seen_b)
    with django_db_blocker.unblock():
        client = Client()
        client.force_login(User.objects.get(email=b))
        leaks = [url for url in candidates if client.get(url).status_code == 200]
    return len(objects_a), len(candidates), leaks


def _unfinished(url: str) -> bool:
    """Does ``url`` show reviewed work that is not finished (a form or report not approved, an action not closed)?"""
    from inspections.models import ActionEvidence, FollowUpAction, InspectionIssue, IssueEvidence, MonitoringResult
    from inspections.models import ResultEvidence
    from projects.models import QuarterlyReport, ReportEvidence

    match = resolve(urlsplit(url).path)
    pk = match.kwargs.get("pk")
    match match.view_name:
        case "projects:report":
            report = QuarterlyReport.objects.filter(project_id=pk, quarter__number=match.kwargs["number"]).first()
            return report is None or report.state != "approved"
        case "projects:evidence":
            return ReportEvidence.objects.get(pk=pk).report.state != "approved"
        case "inspections:issue":
            return InspectionIssue.objects.get(pk=pk).state != "approved"
        case "inspections:action":
            return FollowUpAction.objects.get(pk=pk).state != "closed"
        case "inspections:result":
            return MonitoringResult.objects.get(pk=pk).state != "approved"
        case "inspections:evidence":
            model, parent, final = {"issue": (IssueEvidence, "issue", "approved"),
                                    "action": (ActionEvidence, "action_item", "closed"),
                                    "result": (ResultEvidence, "result", "approved")}[match.kwargs["which"]]
            return getattr(model.objects.get(pk=pk), parent).state != final
    return False


def _committee_reads_unfinished(of, django_db_blocker, office_reader: str, committee: str) -> tuple[int, list[str]]:
    """Every object URL the office-wide reader met, opened as the committee member: those answered 200 that
    show unfinished work (drafts, returns, their evidence)."""
    urls = sorted(url for url in of(office_reader)[0] if _is_object(url))
    with django_db_blocker.unblock():
        client = Client()
        client.force_login(User.objects.get(email=committee))
        shown = [url for url in urls if client.get(url).status_code == 200]
        return len(urls), [url for url in shown if _unfinished(url)]


def test_no_object_url_leaks_between_users_and_reading_writes_nothing(crawls, before_crawling, django_db_blocker):
    """One test for every pair, so that a parallel run never splits (and re-seeds) the crawl. After every user
    crawled every page, no table has a row more or less: GET never writes."""
    failures = []
    for a, b, why in PAIRS:
        objects = set()
        for x, y in ((a, b), (b, a)):
            count, replayed, leaks = _replay(crawls, django_db_blocker, x, y)
            objects |= {url for url in crawls(x)[0] if _is_object(url)}
            print(f"{x} → {y} ({why}): {count} object URLs, {replayed} replayed, {len(leaks)} leaked")
            if leaks:
                failures.append(f"{y} opened {len(leaks)} of {x}'s objects ({why}): {leaks[:15]}")
        print(f"  pair {a} / {b}: {len(objects)} object URLs in all")
        if len(objects) < 200:
            failures.append(f"the crawl of {a} and {b} reached only {len(objects)} object URLs (need 200)")
    checked, unfinished = _committee_reads_unfinished(crawls, django_db_blocker, "planning@spm12.example.go.th",
                                                      "committee@spm12.example.go.th")
    print(f"committee@spm12.example.go.th opened {checked} object URLs: {len(unfinished)} showed unfinished work")
    if unfinished:
        failures.append(f"the committee member read unfinished work: {unfinished[:15]}")
    with django_db_blocker.unblock():
        after = row_counts()
    written = {label: (before_crawling[label], count) for label, count in after.items()
               if count != before_crawling[label]}
    if written:
        failures.append(f"reading wrote rows (table: before, after): {written}")
    assert not failures, "\n".join(failures)

