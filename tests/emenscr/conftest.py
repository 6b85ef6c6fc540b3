"""A fiscal year with one project of the annual plan, the starter linkage lists and a complete eMENSCR record."""

from decimal import Decimal

import pytest

from emenscr import linkage
from emenscr.models import ActivityPlan, LinkageItem, ProjectData

from ..conftest import make_project


@pytest.fixture
def starter(db):
    linkage.load_starter(office=None)
    return {(i.level, i.code): i for i in LinkageItem.objects.all()}


def complete(project, items):
    """Fill every national-system field of ``project`` (its single activity budgets 50,000 over Q1–Q2)."""
    project.budget_category = project.BudgetCategory.OPERATING
    project.objectives, project.target_groups = "วัตถุประสงค์", "โรงเรียนในสังกัด"
    from datetime import date

    project.start_date, project.end_date = date(2025, 11, 1), date(2026, 9, 30)
    project.save()
    ProjectData.objects.update_or_create(project=project, defaults=dict(
        kind="project", novelty="new", province="ตาก", budget_source="งบประมาณ สพฐ.", output_target="20",
        output_unit="โรงเรียน", outcome_target="80", outcome_unit="ร้อยละ", strategy=items[("strategy", "3")],
        master_plan=items[("master_plan", "12")], master_target=items[("master_target", "120001")],
        sub_plan=items[("sub_plan", "120101")], sub_target=items[("sub_target", "120101")],
        reform=items[("reform", "ED")], milestone=items[("milestone", "M12")], sdg=items[("sdg", "SDG4")]))
    for activity in project.activities.all():
        months = [Decimal("0")] * 12
        months[0] = activity.budget - Decimal("10000")
        months[5] = Decimal("10000")
        ActivityPlan.objects.update_or_create(activity=activity, defaults={"months": [str(m) for m in months]})
    return project


@pytest.fixture
def project(fy, promo_group, owner, strategy, indicator, starter):
    from projects.models import ProjectIndicator

    project = make_project(fy, promo_group, "P01", owners=[owner])
    project.strategies.add(strategy)
    ProjectIndicator.objects.create(project=project, indicator=indicator, target_value=Decimal("80"))
    return complete(project, starter)
