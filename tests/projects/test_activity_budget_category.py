"""Activities carry a budget category (blank: the project's). A project whose activities mix categories is split by
its activities' budgets, for its budget and every disbursement (projects/categories.py); finance's page, the
dashboard figures and the budget workbook show each category against its own target."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from plans.models import DisbursementTarget
from projects import categories, workflow
from projects.models import Activity, Project
from projects.planbook import export_plan, import_plan
from projects.planbook.columns import ACTIVITIES_SHEET, KEY_ROW
from reporting import figures
from reporting.excel import compile as compilations

from ..conftest import make_project
from .planbook.conftest import activity_row, fill, project_row, to_bytes
from .test_project_views import project_payload

INVESTMENT, OPERATING = Project.BudgetCategory.INVESTMENT, Project.BudgetCategory.OPERATING
AFTER_Q1 = date(2026, 1, 20)


def test_shares_and_split_add_up_to_the_whole():
    assert categories.shares("", [("", Decimal("100"))]) is None  # one category: counted whole
    assert categories.shares("operating", [("operating", Decimal("5")), ("investment", Decimal("0"))]) is None
    assert categories.shares("", []) is None
    shares = categories.shares("operating", [("", Decimal("1")), ("investment", Decimal("2"))])
    assert shares == {"operating": Decimal(1) / 3, "investment": Decimal(2) / 3}
    parts = categories.split(Decimal("100.00"), "operating", shares)
    assert parts == {"operating": Decimal("33.33"), "investment": Decimal("66.67")}
    assert sum(parts.values()) == Decimal("100.00")
    assert categories.split(Decimal("7"), "", None) == {"operating": Decimal("7")}


@pytest.fixture
def mixed(fy, promo_group, sup_group, finance, owner):
    """P-MIX: operating, 100,000.50 budget; activity 1 (50,000, blank → operating), activity 2 (150,000,
    investment) — a quarter operating, three quarters investment. 40,000 disbursed in Q1.
    P-CAP: investment, 10,000 disbursed in Q1."""
    project = make_project(fy, promo_group, "P-MIX", owners=[owner], budget_category=OPERATING)
    Activity.objects.create(project=project, order=2, name="ครุภัณฑ์", quarters=[2], budget=Decimal("150000"),
                            budget_category=INVESTMENT)
    capital = make_project(fy, sup_group, "P-CAP", budget_category=INVESTMENT)
    q1 = fy.quarters.get(number=1)
    workflow.record_disbursement(project=project, quarter=q1, amount=Decimal("40000"), by=finance)
    workflow.record_disbursement(project=capital, quarter=q1, amount=Decimal("10000"), by=finance)
    for budget_type, percent in (("overall", 32), ("current", 36), ("capital", 20)):
        DisbursementTarget.objects.update_or_create(fiscal_year=fy, budget_type=budget_type, quarter=1,
                                                    defaults={"cumulative_percent": Decimal(percent)})
    return project


@pytest.mark.django_db
@pytest.mark.parametrize("compute", [figures.year, figures.summary])
def test_a_mixed_project_is_split_by_its_activities_budgets(fy, mixed, compute, django_assert_max_num_queries):
    with django_assert_max_num_queries(30):
        year = compute(fy, today=AFTER_Q1)
    operating, capital = year.budget_categories
    # 100,000.50: a quarter (25,000.13) operating, the rest (75,000.37, the largest share) investment
    assert operating.budget == Decimal("25000.13")
    assert capital.budget == Decimal("75000.37") + Decimal("100000.50")
    assert operating.quarters[0].disbursed == Decimal("10000.00")  # 40,000 × ¼
    assert capital.quarters[0].disbursed == Decimal("30000.00") + Decimal("10000")
    assert capital.quarters[0].target_percent == 20 and operating.quarters[0].target_percent == 36
    assert operating.budget + capital.budget == year.budget_total
    assert operating.disbursed_total + capital.disbursed_total == year.disbursed_total


@pytest.mark.django_db
def test_finance_page_splits_the_mixed_project(client, finance, fy, mixed):
    client.force_login(finance)
    response = client.get(reverse("projects:disbursements"), {"fy": 2569, "q": 1})
    found = {c["category"]: c for c in response.context["totals"]["categories"]}
    assert (found["operating"]["budget"], found["operating"]["cumulative"]) == (Decimal("25000.13"),
                                                                              Decimal("10000.00"))
    assert found["investment"]["cumulative"] == Decimal("40000.00") and found["investment"]["target"] == 20
    assert found["operating"]["this_quarter"] + found["investment"]["this_quarter"] == Decimal("50000")


@pytest.mark.django_db
def test_budget_workbook_names_both_parts_of_a_mixed_project(fy, mixed):
    with translation.override("th"):
        workbook = compilations.budget(figures.year(fy, today=AFTER_Q1))
        text = [row for row in load_workbook(to_bytes(workbook)).worksheets[0].iter_rows(values_only=True)
                if row and row[0] == "P-MIX"][0][-1]
    assert "25,000.13" in text and "75,000.37" in text and "งบลงทุน" in text


@pytest.mark.django_db
def test_the_activity_form_saves_the_category(client, planning, fy, promo_group):
    client.force_login(planning)
    data = project_payload(fy, promo_group, budget_category="operating", **{"activities-1-budget_category": "investment"})
    response = client.post(reverse("projects:create", args=[2569]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    project = Project.objects.get(code="2569-100")
    assert list(project.activities.values_list("order", "budget_category")) == [(1, ""), (2, "investment")]
    page = client.get(reverse("projects:edit", args=[project.pk])).content.decode()
    assert 'name="activities-1-budget_category"' in page
    bad = client.post(reverse("projects:create", args=[2569]),
                      project_payload(fy, promo_group, code="2569-101", **{"activities-0-budget_category": "gold"}))
    assert bad.status_code in (200, 400) and not Project.objects.filter(code="2569-101").exists()


@pytest.fixture
def people(owner, promo_group):
    return owner


@pytest.mark.django_db
def test_plan_workbook_reads_and_writes_the_activity_category(fy, people):
    data = fill([project_row(strategies="", indicators="", budget_category="งบดำเนินงาน/งบประจำ")],
                [activity_row(), activity_row(no=2, name="จัดซื้อครุภัณฑ์", budget_category="งบลงทุน")])
    with translation.override("th"):
        result = import_plan(data, fiscal_year=fy)
    assert result.ok, result.errors
    assert list(Activity.objects.filter(project__code="P01").values_list("order", "budget_category")) == [
        (1, ""), (2, "investment")]
    with translation.override("th"):
        ws = load_workbook(to_bytes(export_plan(fy, Project.objects.all())))[ACTIVITIES_SHEET]
    column = [c.value for c in ws[KEY_ROW]].index("budget_category")
    assert [row[column] for row in ws.iter_rows(min_row=KEY_ROW + 1, values_only=True)] == [None, "งบลงทุน"]


@pytest.mark.django_db
def test_a_bad_activity_category_refuses_the_whole_workbook_naming_row_and_column(fy, people):
    data = fill([project_row(code="P09", strategies="", indicators="")],
                [activity_row(project_code="P09"), activity_row(project_code="P09", no=2, budget_category="งบทอง")])
    with translation.override("th"):
        result = import_plan(data, fiscal_year=fy)
    (error,) = result.errors
    assert (error.sheet, error.row, error.key, error.code) == (ACTIVITIES_SHEET, 4, "budget_category",
                                                               "unknown_category")
    assert error.column and "งบทอง" in error.message and "ไม่รู้จัก" in error.message
    assert not Project.objects.filter(code="P09").exists()  # all or nothing


@pytest.mark.django_db
def test_the_annual_report_shows_the_split(fy, mixed):
    from reporting import annual

    parts = {c["category"]: c for c in annual.snapshot(fy, "pec", today=AFTER_Q1)["budget_categories"]}
    assert (parts["operating"]["budget"], parts["operating"]["disbursed"]) == ("25000.13", "10000.00")
    assert (parts["investment"]["budget"], parts["investment"]["disbursed"]) == ("175000.87", "40000.00")
