from decimal import Decimal

import pytest

from plans import services
from plans.models import Indicator, PlanItem
from projects.models import Activity, Project


@pytest.fixture
def fy(office):
    return services.get_or_create_fiscal_year(office, 2569)[0]


@pytest.fixture
def strategy(fy):
    return PlanItem.objects.create(fiscal_year=fy, kind=PlanItem.Kind.STRATEGY, level=PlanItem.Level.OFFICE,
                                   code="S1", name="กลยุทธ์ที่ 1")


@pytest.fixture
def indicator(fy, strategy):
    return Indicator.objects.create(fiscal_year=fy, plan_item=strategy, code="KPI01", name="ร้อยละของโรงเรียน",
                                    unit="ร้อยละ", target_value=Decimal("90"))


def make_project(fy, group, code, owners=(), **fields):
    project = Project.objects.create(fiscal_year=fy, group=group, code=code, name=f"โครงการ {code}",
                                     budget_obec=Decimal("100000.50"), **fields)
    project.owners.set(owners)
    Activity.objects.create(project=project, order=1, name="กิจกรรมที่ 1", quarters=[1, 2], budget=Decimal("50000"))
    return project


@pytest.fixture
def own_project(fy, promo_group, owner):
    """A project of the owner's group, owned by ``owner``."""
    return make_project(fy, promo_group, "P-OWN", owners=[owner])


@pytest.fixture
def group_project(fy, promo_group):
    """A project of the owner's group that the owner does not own."""
    return make_project(fy, promo_group, "P-GROUP")


@pytest.fixture
def other_group_project(fy, sup_group, other_owner):
    return make_project(fy, sup_group, "P-OTHER", owners=[other_owner])
