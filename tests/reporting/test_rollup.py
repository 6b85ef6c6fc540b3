"""The central viewers' roll-up: one row per area office beneath theirs, the same figures as each office's
dashboard, a constant number of queries, filters, sorting, the Excel export, who may read it, the drill-in."""

from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Office, Role
from plans import services
from reporting import rollup
from reporting.demo import _seed_year

from ..factories import OfficeFactory, UserFactory
from .test_dashboard import AFTER_Q1, year_data  # noqa: F401 — a fixture

LATER = date(2026, 7, 20)  # FY 2569: Q1–Q3 due, Q4 running


@pytest.fixture
def tree(office, other_office):
    """OBEC → region → (office, other_office); an office outside the region; central viewers at both levels."""
    obec = Office.objects.create(code="OBEC", name="สำนักงานคณะกรรมการการศึกษาขั้นพื้นฐาน", kind=Office.Kind.OBEC)
    region = Office.objects.create(code="REG5", name="สำนักงานศึกษาธิการภาค 5", kind=Office.Kind.REGION,
                                   parent=obec)
    for o, province, kind in ((office, "ตรัง", Office.Kind.SECONDARY), (other_office, "ตาก", Office.Kind.PRIMARY)):
        o.parent, o.province, o.kind = region, province, kind
        o.save()
    outside = Office.objects.create(code="SPMOUT", name="สำนักงานเขตพื้นที่การศึกษามัธยมศึกษานอกภาค",
                                    kind=Office.Kind.SECONDARY, province="ตรัง", parent=obec)
    return {
        "obec": obec, "region": region, "outside": outside,
        "central": UserFactory(email="central@obec.go.th", office=obec, roles=[Role.CENTRAL]),
        "regional": UserFactory(email="central@reg5.go.th", office=region, roles=[Role.CENTRAL]),
    }


def _action(fy, group, owner, due, state="open"):
    from inspections.models import (FollowUpAction, InspectingBody, InspectionIssue, InspectionRound,
                                    Recommendation)

    round_ = InspectionRound.objects.create(fiscal_year=fy, body=InspectingBody.objects.get(office=fy.office, code="obec"),
                                            number=InspectionRound.objects.filter(fiscal_year=fy).count() + 1,
                                            title="รอบ", start_date=date(2026, 2, 10), end_date=date(2026, 2, 12))
    issue = InspectionIssue.objects.create(round=round_, code="1", title="ประเด็น", group=group, responsible=owner)
    recommendation = Recommendation.objects.create(issue=issue, number=1, text="ข้อเสนอแนะ")
    return FollowUpAction.objects.create(recommendation=recommendation, title="ดำเนินการ", group=group, owner=owner,
                                         due_date=due, state=state)


@pytest.fixture
def region_data(tree, other_office, fy, year_data, promo_group, owner):  # noqa: F811
    """The office's year of the dashboard tests (with actions), and a busier year in other_office."""
    _action(fy, promo_group, owner, date(2026, 3, 1))  # overdue by LATER
    _action(fy, promo_group, owner, date(2026, 12, 1), state="in_progress")
    _action(fy, promo_group, owner, date(2026, 3, 1), state="closed")
    other_fy = services.get_or_create_fiscal_year(other_office, 2569)[0]
    _seed_year(other_fy, 1, 9, 3, 2, 0.8, LATER)
    return {"fy": fy, "other_fy": other_fy}


@pytest.mark.django_db
@pytest.mark.parametrize("today", [AFTER_Q1, LATER])
def test_each_row_has_the_figures_of_that_offices_dashboard(client, monkeypatch, tree, region_data, today):
    """The row of an office equals what its dashboard shows (opened from the row) for the same year, quarter and
    basis: forms of the quarter, budget up to it against the target, indicators met, open actions."""
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: today)
    client.force_login(tree["central"])
    for basis in ("submitted", "approved"):
        for quarter in (1, 2, 3, 4):
            data = rollup.build(rollup.scope(tree["central"]), year=2569, quarter=quarter, basis=basis, today=today)
            rows = {row.office.pk: row for row in data.rows}
            assert set(rows) == {region_data["fy"].office_id, region_data["other_fy"].office_id, tree["outside"].pk}
            for fy in (region_data["fy"], region_data["other_fy"]):
                row = rows[fy.office_id]
                page = client.get(reverse("reporting:dashboard"), {"office": fy.office_id, "fy": 2569, "q": quarter,
                                                                   "basis": basis})
                assert page.status_code == 200
                year = page.context["year"]
                assert vars(row.forms) == vars(year.totals[quarter])
                current = year.budget_quarters[quarter - 1]
                assert (row.budget, row.disbursed, row.target_percent) == (
                    year.budget_total, current.cumulative, current.target_percent)
                counts = year.indicator_counts
                assert (row.indicators, row.met, row.not_yet) == (len(year.indicators), counts["met"],
                                                                  counts["not_yet"])
                assert (row.projects, row.open_actions) == (page.context["project_count"],
                                                            page.context["open_action_count"])
    office_row = next(r for r in rollup.build(rollup.scope(tree["central"]), year=2569, quarter=3, today=LATER).rows
                      if r.fiscal_year == region_data["fy"])
    assert (office_row.open_actions, office_row.overdue_actions) == (2, 1)
    assert (office_row.forms.on_time, office_row.forms.late, office_row.forms.missing) == (0, 0, 3)


@pytest.mark.django_db
def test_the_page_takes_the_same_number_of_queries_for_3_and_12_offices(
        client, tree, django_assert_max_num_queries):
    client.force_login(tree["regional"])
    counts = []
    for wanted in (3, 12):
        while Office.objects.filter(parent=tree["region"]).count() < wanted:
            n = Office.objects.count()
            office = OfficeFactory(code=f"SPP{n}", name=f"สพป. ทดสอบ {n}", kind=Office.Kind.PRIMARY,
                                   province="ตรัง", parent=tree["region"])
            _seed_year(services.get_or_create_fiscal_year(office, 2569)[0], n, 4, n % 3, n % 2, 0.9, LATER)
        with django_assert_max_num_queries(30), CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("reporting:rollup"), {"fy": 2569, "q": 2})
        assert response.status_code == 200 and len(response.context["rows"]) == wanted
        counts.append(len(queries))
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("reporting:rollup_xlsx"), {"fy": 2569, "q": 2}).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[2] and counts[1] == counts[3], counts


@pytest.mark.django_db
def test_the_figures_are_kept_for_a_few_minutes_and_sorted_from_what_was_kept(
        client, monkeypatch, request, settings, tree, region_data, other_office, office,
        django_assert_max_num_queries):
    """Central viewers of one scope share one computation for TIDTAM_ROLLUP_CACHE_SECONDS: the second reader,
    in another order, reads the kept rows (a handful of queries whatever the offices); the page says as of when.
    Another scope, year or quarter is computed on its own; after the time, a change shows."""
    from django.core.cache import cache

    cache.clear()
    request.addfinalizer(cache.clear)  # nothing kept for the next test (SQLite gives the same ids again)
    settings.TIDTAM_ROLLUP_CACHE_SECONDS = 300
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: LATER)
    url = reverse("reporting:rollup")
    client.force_login(tree["central"])
    with CaptureQueriesContext(connection) as first:
        page = client.get(url, {"fy": 2569, "q": 1})
    assert "คำนวณใหม่ทุก 5 นาที" in page.content.decode()
    other = UserFactory(email="central2@obec.go.th", office=tree["obec"], roles=[Role.CENTRAL])
    client.force_login(other)
    with django_assert_max_num_queries(len(first) - 8):
        again = client.get(url, {"fy": 2569, "q": 1, "sort": "-late"})
    assert [r.office.code for r in again.context["rows"]] == [other_office.code, office.code, "SPMOUT"]
    kept = {r.office.pk: r.projects for r in again.context["rows"]}
    # a new project: not seen while the figures are kept, seen once they are computed again
    project = region_data["fy"].projects.first()
    project.pk, project.code = None, "NEW-1"
    project.save()
    assert {r.office.pk: r.projects for r in client.get(url, {"fy": 2569, "q": 1}).context["rows"]} == kept
    assert client.get(url, {"fy": 2569, "q": 2}).context["rows"]  # another quarter: computed, not the kept rows
    cache.clear()  # as when the time is up
    fresh = {r.office.pk: r.projects for r in client.get(url, {"fy": 2569, "q": 1}).context["rows"]}
    assert fresh[office.pk] == kept[office.pk] + 1


def test_aged_figures_are_computed_again_by_one_request_while_the_others_read_the_old(monkeypatch, request):
    """Ten central viewers arriving just after the figures aged cost one computation: the request that takes the
    lock computes, the others read the figures being replaced; with none kept yet they wait for the first."""
    from datetime import timedelta
    from types import SimpleNamespace

    from django.core.cache import cache
    from django.utils import timezone

    cache.clear()
    request.addfinalizer(cache.clear)
    started = timezone.now()
    now = [started]
    monkeypatch.setattr(timezone, "now", lambda: now[0])
    computed = []

    def compute():
        computed.append(now[0])
        return SimpleNamespace(computed_at=now[0], n=len(computed))

    assert rollup.kept("k", 300, compute).n == 1
    now[0] = started + timedelta(seconds=299)
    assert rollup.kept("k", 300, compute).n == 1 and len(computed) == 1  # still fresh: kept
    now[0] = started + timedelta(seconds=301)
    cache.add("k:computing", 1, 60)  # another request is computing them again
    assert rollup.kept("k", 300, compute).n == 1 and len(computed) == 1  # the old ones, not a second computation
    cache.delete("k:computing")
    assert rollup.kept("k", 300, compute).n == 2  # this request takes the lock and computes
    assert cache.get("k:computing") is None  # and lets it go
    # nothing kept and another computing: wait for its figures (here they never come: compute after the wait)
    monkeypatch.setattr(rollup, "WAIT_SECONDS", 0.3)
    cache.add("new:computing", 1, 60)
    assert rollup.kept("new", 300, compute).n == 3


@pytest.mark.django_db
def test_filters_sorting_and_totals(client, monkeypatch, tree, region_data, other_office, office):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: LATER)
    client.force_login(tree["central"])
    url = reverse("reporting:rollup")

    def names(**query):
        response = client.get(url, {"fy": 2569, "q": 1, **query})
        assert response.status_code == 200
        return [row.office.code for row in response.context["rows"]]

    assert set(names()) == {office.code, other_office.code, "SPMOUT"}
    assert names(kind="spp") == [other_office.code]
    assert set(names(kind="spm")) == {office.code, "SPMOUT"}
    assert set(names(province="ตรัง")) == {office.code, "SPMOUT"}
    assert set(names(region=tree["region"].pk)) == {office.code, other_office.code}
    # late forms, most first; then fewest first; an office without the year sorts last either way
    assert names(sort="-late") == [other_office.code, office.code, "SPMOUT"]
    assert names(sort="late") == [office.code, other_office.code, "SPMOUT"]
    assert names(sort="-missing")[0] == other_office.code
    # nonsense is ignored, never a 500
    for bad in ({"sort": "nope"}, {"region": "abc"}, {"region": tree["outside"].pk}, {"q": "9"}, {"fy": "²"},
                {"kind": "x"}, {"province": "<b>"}):
        assert client.get(url, bad).status_code == 200
    response = client.get(url, {"fy": 2569, "q": 1})
    totals = response.context["totals"]
    rows = response.context["rows"]
    assert totals.projects == sum(r.projects for r in rows) and totals.forms.late == sum(r.forms.late for r in rows)
    assert totals.budget == sum((r.budget for r in rows), Decimal(0))
    page = response.content.decode()
    assert 'id="rollup-totals"' in page and f'?fy=2569&amp;office={other_office.pk}&amp;q=1' in page
    assert 'class="year-picker' in page and '<option value="2569" selected>' in page
    assert 'aria-sort="ascending"' in page  # sorted by office name


@pytest.mark.django_db
def test_the_export_has_the_pages_rows_in_the_same_order(client, monkeypatch, tree, region_data):
    from openpyxl import load_workbook

    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: LATER)
    client.force_login(tree["central"])
    query = {"fy": 2569, "q": 1, "sort": "-late", "region": tree["region"].pk}
    rows = client.get(reverse("reporting:rollup"), query).context["rows"]
    response = client.get(reverse("reporting:rollup_xlsx"), query)
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content) if response.streaming else response.content),
                          read_only=True).worksheets[0]
    values = [list(r) for r in sheet.iter_rows(min_row=5, values_only=True)]
    assert [v[0] for v in values[:-1]] == [row.office.code for row in rows]
    assert [v[5] for v in values[:-1]] == [row.forms.late for row in rows]
    assert values[-1][1] == "สำนักงานทั้งหมด" and values[-1][3] == sum(row.projects for row in rows)


# Who reads the roll-up: central viewers and superusers; nobody of an area office.
ROLES = ["planning", "owner", "group_head", "finance", "director", "committee", "administrator",
         "other_office_planning"]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_area_office_roles_cannot_read_the_rollup_nor_open_other_offices(client, request, tree, other_office_planning,
                                                                          region_data, role,
                                                                          other_office):
    user = request.getfixturevalue(role)
    client.force_login(user)
    assert client.get(reverse("reporting:rollup")).status_code == 403
    assert client.get(reverse("reporting:rollup_xlsx")).status_code == 403
    elsewhere = other_office if user.office_id != other_office.pk else region_data["fy"].office
    assert client.get(reverse("reporting:dashboard"), {"office": elsewhere.pk}).status_code == 404
    assert client.get(reverse("reporting:export", args=["budget"]), {"office": elsewhere.pk}).status_code == 404


@pytest.mark.django_db
def test_central_viewers_and_superusers_read_it_and_open_only_offices_beneath_theirs(
        client, tree, region_data, office, other_office):
    superuser = UserFactory(email="root@test.go.th", is_superuser=True, is_staff=True)
    dashboard = reverse("reporting:dashboard")
    cases = [  # (user, ?office=, expected)
        (tree["central"], office.pk, 200), (tree["central"], tree["outside"].pk, 404),  # beneath OBEC, but without the year
        (tree["regional"], other_office.pk, 200), (tree["regional"], tree["outside"].pk, 404),
        (tree["regional"], tree["region"].pk, 404), (tree["central"], "abc", 404), (tree["central"], 99999, 404),
        (superuser, tree["outside"].pk, 404),  # the outside office has no fiscal year
        (superuser, office.pk, 200),
    ]
    for user, wanted, expected in cases:
        client.force_login(user)
        assert client.get(reverse("reporting:rollup")).status_code == 200
        assert client.get(dashboard, {"office": wanted, "fy": 2569}).status_code == expected, (user, wanted)
    client.logout()
    assert client.get(reverse("reporting:rollup")).status_code == 302
    assert client.get(reverse("reporting:rollup_xlsx")).status_code == 302


@pytest.mark.django_db
def test_drilling_in_reads_the_office_without_choosing_it(client, tree, region_data, office, other_office):
    central = tree["central"]
    client.force_login(central)
    page = client.get(reverse("reporting:dashboard"), {"office": other_office.pk, "fy": 2569})
    assert page.status_code == 200 and page.context["office"] == other_office
    text = page.content.decode()
    assert other_office.name in text and 'id="drill-note"' in text
    assert f'name="office" value="{other_office.pk}"' in text  # the filters keep the office
    assert reverse("projects:quarter_overview") not in text  # the lists behind numbers are the chosen office's
    central.refresh_from_db()
    assert central.chosen_office_id is None and "tidtam_office_id" not in client.session
    # other pages still ask which office to work in; choosing from the drill-in works as before
    assert client.get(reverse("projects:list")).status_code == 302
    client.post(reverse("switch_office"), {"office": other_office.pk, "next": reverse("projects:list")})
    assert client.get(reverse("projects:list")).status_code == 200
    # a chosen office does not change what ?office= opens
    assert client.get(reverse("reporting:dashboard"), {"office": office.pk}).context["office"] == office


@pytest.mark.django_db
def test_a_central_viewers_home_page_is_the_rollup(client, tree, region_data, office):
    client.force_login(tree["central"])
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"] == reverse("reporting:rollup")
    page = client.get(response["Location"]).content.decode()
    assert office.name in page and reverse("switch_office") in page  # the chooser stays reachable
    assert client.get(reverse("switch_office")).status_code == 200
    # a central viewer placed in an area office keeps the office's home page
    at_office = UserFactory(email="central@office.go.th", office=office, roles=[Role.CENTRAL])
    client.force_login(at_office)
    assert client.get(reverse("home")).status_code == 200


@pytest.mark.django_db
def test_the_drill_ins_way_back_keeps_the_rollups_filters_and_order(client, monkeypatch, tree, region_data,
                                                                     other_office):
    import re
    from html import unescape
    from urllib.parse import parse_qs, urlsplit

    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: LATER)
    client.force_login(tree["central"])
    page = client.get(reverse("reporting:rollup"), {"fy": 2569, "q": 1, "kind": "spp", "region": tree["region"].pk,
                                                    "sort": "-late"}).content.decode()
    link = unescape(re.search(rf'href="([^"]*office={other_office.pk}[^"]*)"', page).group(1))
    drill = client.get(link).content.decode()
    back = unescape(re.search(r'href="([^"]*)" id="back-to-rollup"', drill).group(1))
    assert urlsplit(back).path == reverse("reporting:rollup")
    assert parse_qs(urlsplit(back).query) == {"fy": ["2569"], "q": ["1"], "kind": ["spp"],
                                              "region": [str(tree["region"].pk)], "sort": ["-late"]}
    assert f'name="rollup" value="' in drill  # changing the dashboard's filters keeps the way back
    # opened without (or with nonsense in) ?rollup=: back to the roll-up of the page's year and quarter
    for rollup_param in ("", "<script>=1&zz=2", "fy=2569&evil=%0d%0a"):
        drill = client.get(reverse("reporting:dashboard"), {"office": other_office.pk, "fy": 2569, "q": 2,
                                                            "rollup": rollup_param})
        assert drill.status_code == 200
        back = unescape(re.search(r'href="([^"]*)" id="back-to-rollup"', drill.content.decode()).group(1))
        assert set(parse_qs(urlsplit(back).query)) <= {"fy", "q"}, back


@pytest.mark.django_db
def test_offices_show_their_short_name_and_an_office_without_projects_no_pending_mark(client, monkeypatch, tree,
                                                                                      region_data, other_office):
    import re

    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: LATER)
    services.get_or_create_fiscal_year(tree["outside"], 2569)  # a year, and no project in it
    client.force_login(tree["central"])
    page = client.get(reverse("reporting:rollup"), {"fy": 2569, "q": 1}).content.decode()
    row = re.search(r'<tr data-office="SPMOUT">.*?</tr>', page, re.S).group(0)
    assert ">สพม.นอกภาค</a>" in row and 'title="สำนักงานเขตพื้นที่การศึกษามัธยมศึกษานอกภาค"' in row
    assert "…" not in row and "—" in row  # no projects: nothing is "not due yet"
