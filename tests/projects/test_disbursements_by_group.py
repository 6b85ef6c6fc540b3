"""The disbursement page at office size: a group at a time, saved per group (all or nothing for what is
posted), a save bar that stays in sight with the totals, and a bounded page for 300 projects."""

from decimal import Decimal

import pytest
from django.urls import reverse

from projects import workflow
from projects.models import Disbursement

from ..conftest import make_project

URL = reverse("projects:disbursements")


@pytest.fixture
def q1(fy):
    return fy.quarters.get(number=1)


@pytest.mark.django_db
def test_the_page_lists_groups_with_how_many_amounts_are_recorded(client, finance, fy, promo_group, sup_group,
                                                                  q1, own_project, other_group_project):
    workflow.record_disbursement(project=own_project, quarter=q1, amount=Decimal("10"), by=finance)
    client.force_login(finance)
    html = client.get(URL, {"fy": 2569, "q": 1}).content.decode()
    nav = html[html.index('id="group-nav"'):html.index("</nav>", html.index('id="group-nav"'))]
    assert promo_group.name in nav and sup_group.name in nav and "1/2" in nav
    assert f"group={promo_group.pk}" in nav
    assert 'class="table-group"' in html  # all groups: a heading row per group
    one = client.get(URL, {"fy": 2569, "q": 1, "group": sup_group.pk}).content.decode()
    assert "P-OTHER" in one and "P-OWN" not in one and 'class="table-group"' not in one


@pytest.mark.django_db
def test_saving_one_group_posts_that_group_only_and_keeps_the_group(client, finance, sup_group, q1, own_project,
                                                                    other_group_project):
    workflow.record_disbursement(project=own_project, quarter=q1, amount=Decimal("10"), by=finance)
    client.force_login(finance)
    response = client.post(URL, {"fy": 2569, "q": 1, "group": sup_group.pk,
                                 f"amount-{other_group_project.pk}": "2,000", f"was-{other_group_project.pk}": ""})
    assert response.status_code == 302 and response.url.endswith(f"&group={sup_group.pk}")
    assert Disbursement.objects.get(project=other_group_project).amount == Decimal("2000")
    assert Disbursement.objects.get(project=own_project).amount == Decimal("10")  # the other group is untouched


@pytest.mark.django_db
def test_one_bad_amount_in_a_group_saves_none_of_it(client, finance, fy, sup_group, q1, other_group_project):
    second = make_project(fy, sup_group, "P-OTHER-2")
    client.force_login(finance)
    response = client.post(URL, {"fy": 2569, "q": 1, "group": sup_group.pk,
                                 f"amount-{other_group_project.pk}": "100", f"was-{other_group_project.pk}": "",
                                 f"amount-{second.pk}": "abc", f"was-{second.pk}": ""})
    assert response.status_code == 400 and not Disbursement.objects.exists()
    html = response.content.decode()
    assert 'value="abc"' in html and 'id="save-bar"' in html


@pytest.mark.django_db
def test_the_save_bar_carries_the_totals_and_the_button(client, finance, planning, q1, own_project):
    workflow.record_disbursement(project=own_project, quarter=q1, amount=Decimal("1234.5"), by=finance)
    client.force_login(finance)
    html = client.get(URL, {"fy": 2569, "q": 1}).content.decode()
    bar = html[html.index('id="save-bar"'):html.index("</form>", html.index('id="save-bar"'))]
    assert "1,234.50" in bar and 'type="submit"' in bar
    client.force_login(planning)  # planning reads: the totals, no button
    html = client.get(URL, {"fy": 2569, "q": 1}).content.decode()
    bar = html[html.index('id="save-bar"'):html.index("</form>", html.index('id="save-bar"'))]
    assert "1,234.50" in bar and 'type="submit"' not in bar


def test_the_save_bar_is_sticky_in_the_stylesheet():
    from pathlib import Path

    css = (Path(__file__).resolve().parents[2] / "static/css/tidtam.css").read_text()
    rule = css[css.index(".save-bar {"):]
    assert "position: sticky" in rule[:rule.index("}")] and "bottom: 0" in rule[:rule.index("}")]


@pytest.mark.django_db
def test_300_projects_in_a_bounded_number_of_queries(client, finance, fy, promo_group, sup_group, q1,
                                                     django_assert_max_num_queries):
    from projects.models import Project

    Project.objects.bulk_create([Project(fiscal_year=fy, office=fy.office, group=(promo_group, sup_group)[n % 2],
                                         code=f"B-{n:03d}", name=f"โครงการ {n}", budget_obec=Decimal("1000"))
                                 for n in range(300)])
    client.force_login(finance)
    with django_assert_max_num_queries(16):
        response = client.get(URL, {"fy": 2569, "q": 1})
    html = response.content.decode()
    assert response.status_code == 200 and html.count('name="amount-') == 300
    with django_assert_max_num_queries(16):
        html = client.get(URL, {"fy": 2569, "q": 1, "group": sup_group.pk}).content.decode()
    assert html.count('name="amount-') == 150


@pytest.mark.django_db
def test_the_totals_show_each_budget_category_against_its_own_target(client, finance, fy, q1, own_project,
                                                                    other_group_project):
    """A capital project's disbursement counts against the capital target; a project without a category is
    operating; the categories add up to the page's totals."""
    from plans.models import DisbursementTarget
    from projects.models import Project

    Project.objects.filter(pk=other_group_project.pk).update(budget_category=Project.BudgetCategory.INVESTMENT,
                                                             budget_obec=Decimal("80000"), budget_office=0,
                                                             budget_other=0)
    for budget_type, percent in (("overall", 32), ("current", 36), ("capital", 20)):
        DisbursementTarget.objects.update_or_create(fiscal_year=fy, budget_type=budget_type, quarter=1,
                                                    defaults={"cumulative_percent": Decimal(percent)})
    workflow.record_disbursement(project=other_group_project, quarter=q1, amount=Decimal("12000"), by=finance)
    workflow.record_disbursement(project=own_project, quarter=q1, amount=Decimal("10"), by=finance)
    client.force_login(finance)
    response = client.get(URL, {"fy": 2569, "q": 1})
    categories = {c["category"]: c for c in response.context["totals"]["categories"]}
    capital, operating = categories["investment"], categories["operating"]
    assert (capital["budget"], capital["cumulative"], capital["percent"], capital["target"]) == (
        Decimal("80000"), Decimal("12000"), Decimal("15"), Decimal("20"))  # 12,000 / 80,000 = 15 % of 20 %
    assert operating["target"] == Decimal("36") and operating["cumulative"] == Decimal("10")
    totals = response.context["totals"]
    assert capital["budget"] + operating["budget"] == totals["budget"]
    assert capital["cumulative"] + operating["cumulative"] == totals["cumulative"]
    html = response.content.decode()
    assert 'id="category-totals"' in html and 'data-category="investment"' in html
