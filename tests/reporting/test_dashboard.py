"""The year's figures and the dashboard: completeness, timeliness, budget, indicators, scoping, queries."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from plans.models import DisbursementTarget
from projects import workflow
from projects.models import IndicatorResult, Project
from reporting import figures

from ..conftest import make_project, submit_q1

BKK = ZoneInfo("Asia/Bangkok")
AFTER_Q1 = date(2026, 1, 20)  # FY 2569 Q1 was due Fri 9 Jan 2026


@pytest.fixture
def year_data(fy, promo_group, sup_group, owner, other_owner, planning, director, finance, indicator):
    """P-A on time and approved with a result of 95; P-B late with 70 (submitted only); P-C never sent."""
    a = make_project(fy, promo_group, "P-A", owners=[owner])
    b = make_project(fy, promo_group, "P-B", owners=[owner])
    c = make_project(fy, sup_group, "P-C", owners=[other_owner])
    report = submit_q1(a, owner)
    IndicatorResult.objects.create(report=report, value=Decimal("95"),
                                   target=a.indicator_targets.create(indicator=indicator, target_value=90))
    workflow.verify(report.pk, by=planning, expected_version=report.version)
    report.refresh_from_db()
    workflow.approve(report.pk, by=director, expected_version=report.version)
    late = submit_q1(b, owner, when=datetime(2026, 1, 13, 9, tzinfo=BKK))
    IndicatorResult.objects.create(report=late, value=Decimal("70"),
                                   target=b.indicator_targets.create(indicator=indicator, target_value=90))
    q1 = fy.quarters.get(number=1)
    workflow.record_disbursement(project=a, quarter=q1, amount=Decimal("30000"), by=finance)
    workflow.record_disbursement(project=c, quarter=q1, amount=Decimal("10000.25"), by=finance)
    return {"a": a, "b": b, "c": c}


@pytest.mark.django_db
def test_completeness_and_timeliness_by_group_and_quarter(fy, year_data, promo_group, sup_group):
    year = figures.year(fy, today=AFTER_Q1)
    promo, sup = year.matrix[promo_group], year.matrix[sup_group]
    assert (promo[1].on_time, promo[1].late, promo[1].missing, promo[1].level) == (1, 1, 0, "late")
    assert (sup[1].sent, sup[1].missing, sup[1].level) == (0, 1, "missing")
    assert (promo[2].not_due, promo[2].level) == (2, "wait")  # Q2 is not due yet
    assert (year.totals[1].sent, year.totals[1].projects, year.totals[1].percent_sent) == (2, 3, 67)
    assert [(p.code, q.number) for p, q, _r in year.overdue] == [("P-C", 1)]


@pytest.mark.django_db
def test_indicator_results_follow_the_basis(fy, year_data, indicator):
    submitted = figures.year(fy, today=AFTER_Q1, basis="submitted")
    (figure,) = submitted.indicators
    assert (figure.result, figure.target, figure.status) == (Decimal("82.50"), Decimal("90"), "not_yet")  # mean
    approved = figures.year(fy, today=AFTER_Q1, basis="approved")
    (figure,) = approved.indicators
    assert (figure.result, figure.status) == (Decimal("95.00"), "met")  # only P-A's approved form counts
    indicator.is_cumulative = True
    indicator.save()
    (figure,) = figures.year(fy, today=AFTER_Q1).indicators
    assert figure.result == Decimal("165.00")  # cumulative indicators add up


@pytest.mark.django_db
def test_budget_against_the_cumulative_target(fy, year_data):
    DisbursementTarget.objects.update_or_create(fiscal_year=fy, budget_type="overall", quarter=1,
                                                defaults={"cumulative_percent": Decimal("32")})
    year = figures.year(fy, today=AFTER_Q1)
    q1, q2, q3 = year.budget_quarters[:3]
    assert year.budget_total == Decimal("300001.50")
    assert (q1.disbursed, q1.cumulative, q1.target_percent) == (Decimal("40000.25"), Decimal("40000.25"), 32)
    assert q1.target_amount == Decimal("96000.48")
    assert q2.cumulative == Decimal("40000.25")  # Q2 started on 1 Jan 2026: nothing more yet
    assert q3.cumulative is None  # Q3 has not started
    by_group = {g.code: (allocated, paid) for g, allocated, paid in year.budget_by_group}
    assert by_group["SUP"] == (Decimal("100000.50"), Decimal("10000.25"))


@pytest.mark.django_db
@pytest.mark.parametrize("compute", [figures.year, figures.summary])
def test_each_budget_category_against_its_own_target(fy, year_data, compute):
    """P-C is capital (investment): its 10,000.25 of 100,000.50 is 10.00 % against the capital Q1 target of 20 %;
    P-A (operating) and P-B (no category: counts as operating) against the current-expenditure target."""
    Project.objects.filter(pk=year_data["c"].pk).update(budget_category=Project.BudgetCategory.INVESTMENT)
    Project.objects.filter(pk=year_data["a"].pk).update(budget_category=Project.BudgetCategory.OPERATING)
    for budget_type, percent in (("overall", 32), ("current", 36), ("capital", 20)):
        DisbursementTarget.objects.update_or_create(fiscal_year=fy, budget_type=budget_type, quarter=1,
                                                    defaults={"cumulative_percent": Decimal(percent)})
    year = compute(fy, today=AFTER_Q1)
    operating, capital = year.budget_categories
    assert (capital.category, capital.budget_type, capital.budget) == ("investment", "capital", Decimal("100000.50"))
    q1 = capital.quarters[0]
    assert (q1.disbursed, q1.cumulative, q1.target_percent) == (Decimal("10000.25"), Decimal("10000.25"), 20)
    assert q1.target_amount == Decimal("20000.10")  # 100,000.50 × 20 %
    assert capital.current.number == 2 and capital.cumulative_percent == Decimal("10.00")  # 10,000.25 / 100,000.50
    assert (operating.category, operating.budget, operating.quarters[0].target_percent) == (
        "operating", Decimal("200001.00"), 36)
    assert operating.cumulative_percent == Decimal("15.00")  # 30,000 / 200,001.00
    # The overall stays the sum of the categories.
    assert operating.budget + capital.budget == year.budget_total
    assert operating.disbursed_total + capital.disbursed_total == year.disbursed_total


@pytest.mark.django_db
def test_dashboard_shows_the_capital_category(client, fy, year_data, planning):
    Project.objects.filter(pk=year_data["c"].pk).update(budget_category=Project.BudgetCategory.INVESTMENT)
    client.force_login(planning)
    page = client.get(reverse("reporting:dashboard"), {"fy": 2569}).content.decode()
    assert 'id="budget-categories"' in page and 'data-category="investment"' in page
    assert "10,000.25" in page


@pytest.mark.django_db
def test_owners_see_only_their_projects_and_other_offices_nothing(fy, year_data, owner, other_owner,
                                                                 other_office_planning):
    assert {f.project.code for f in figures.year(fy, user=owner, today=AFTER_Q1).projects} == {"P-A", "P-B"}
    assert {f.project.code for f in figures.year(fy, user=other_owner, today=AFTER_Q1).projects} == {"P-C"}
    assert figures.year(fy, user=other_office_planning, today=AFTER_Q1).projects == []


@pytest.mark.django_db
def test_dashboard_page_for_planning(client, fy, year_data, planning, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: AFTER_Q1)
    client.force_login(planning)
    page = client.get(reverse("reporting:dashboard"), {"fy": 2569}).content.decode()
    assert 'id="completeness"' in page and "<svg" in page and "P-C" in page  # P-C is overdue
    assert "show=missing" in page and "show=late" in page
    # A drill-down link lists exactly what the cell counted.
    listing = client.get(reverse("projects:quarter_overview"), {"fy": 2569, "q": 1, "show": "late"}).content.decode()
    assert "P-B" in listing and "P-A" not in listing.split('id="overview"')[1]


@pytest.mark.django_db
def test_dashboard_group_filter_is_scoped(client, fy, year_data, owner, sup_group, promo_group):
    client.force_login(owner)
    page = client.get(reverse("reporting:dashboard"), {"fy": 2569, "group": sup_group.pk}).content.decode()
    assert "P-C" not in page  # not their group: the filter is ignored, and P-C stays invisible
    assert f'value="{sup_group.pk}">{sup_group.name}' not in page
    assert f'value="{promo_group.pk}">{promo_group.name}' in page


@pytest.mark.django_db
def test_dashboard_queries_do_not_grow_with_projects(client, fy, year_data, planning, promo_group,
                                                     django_assert_max_num_queries):
    client.force_login(planning)
    url = reverse("reporting:dashboard")
    # 27: one of them finds the projects whose activities mix budget categories (projects/categories.py)
    with django_assert_max_num_queries(27):
        assert client.get(url, {"fy": 2569}).status_code == 200
    for n in range(30):
        make_project(fy, promo_group, f"X-{n:02d}")
    with django_assert_max_num_queries(27):
        response = client.get(url, {"fy": 2569})
    assert response.status_code == 200 and Project.objects.count() == 33


@pytest.mark.django_db
def test_project_page_shows_each_quarters_results(client, fy, year_data, planning):
    from projects.timeline import timeline

    q1, q2, *_rest = timeline(year_data["a"])
    assert (q1.report.state, q1.activities_done, q1.activities_total, q1.disbursed) == ("approved", 1, 1, 30000)
    assert q1.values[0][1] == Decimal("95") and q2.report is None and q2.disbursed_cumulative == 30000
    client.force_login(planning)
    page = client.get(reverse("projects:detail", args=[year_data["a"].pk])).content.decode()
    assert 'id="timeline"' in page and "95.00" in page and "30,000.00" in page


@pytest.mark.django_db
@pytest.mark.parametrize("basis", ["submitted", "approved"])
def test_the_database_summary_gives_the_same_figures_as_the_full_year(fy, year_data, basis, owner, promo_group):
    DisbursementTarget.objects.update_or_create(fiscal_year=fy, budget_type="overall", quarter=1,
                                                defaults={"cumulative_percent": Decimal("32")})
    for kwargs in ({}, {"user": owner}, {"group": promo_group}, {"quarter": 1}):
        full = figures.year(fy, basis=basis, today=AFTER_Q1, **kwargs)
        quick = figures.summary(fy, basis=basis, today=AFTER_Q1, **kwargs)
        assert quick.project_count == len(full.projects)
        assert quick.groups == full.groups
        assert {(g.pk, n): vars(c) for g in quick.groups for n, c in quick.matrix[g].items()} == \
               {(g.pk, n): vars(c) for g in full.groups for n, c in full.matrix[g].items()}
        assert [vars(b) for b in quick.budget_quarters] == [vars(b) for b in full.budget_quarters]
        assert quick.budget_by_group == full.budget_by_group and quick.budget_total == full.budget_total
        assert [(c.category, c.budget, [vars(b) for b in c.quarters]) for c in quick.budget_categories] == \
               [(c.category, c.budget, [vars(b) for b in c.quarters]) for c in full.budget_categories]
        assert sorted(quick.by_source) == sorted(full.by_source)
        assert [(f.indicator, f.result, f.status) for f in quick.indicators] == \
               [(f.indicator, f.result, f.status) for f in full.indicators]
        assert [(p, q) for p, q, _r in quick.overdue] == [(p, q) for p, q, _r in full.overdue]


@pytest.mark.django_db
def test_review_findings_bad_ids_basis_agreement_and_all_overdue(client, fy, year_data, planning, owner, promo_group):
    """Non-ASCII digits are no 500; summary() and year() agree when a later form has only a text result;
    "all overdue forms" lists every quarter already due."""
    from projects.models import IndicatorResult, QuarterlyReport

    client.force_login(planning)
    for url in (reverse("reporting:dashboard"), reverse("reporting:export", args=["budget"]),
                reverse("projects:quarter_overview")):
        assert client.get(url, {"group": "²", "fy": "²"}).status_code == 200
    # P-B: 70 in Q1, then a Q2 form (submitted) with only a text result.
    q2 = fy.quarters.get(number=2)
    target = year_data["b"].indicator_targets.get()
    report = QuarterlyReport.objects.create(project=year_data["b"], quarter=q2, state="submitted")
    IndicatorResult.objects.create(report=report, target=target, text="กำลังเก็บข้อมูล")
    full = figures.year(fy, today=date(2026, 4, 20))
    quick = figures.summary(fy, today=date(2026, 4, 20))
    assert [(f.result, f.status) for f in quick.indicators] == [(f.result, f.status) for f in full.indicators]
    listing = client.get(reverse("projects:quarter_overview"), {"fy": 2569, "show": "missing"}).content.decode()
    assert "P-C" in listing  # Q1 overdue, listed although the current quarter is later
