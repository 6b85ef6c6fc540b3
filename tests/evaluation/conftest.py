from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from evaluation import services
from evaluation.models import Criterion
from projects.models import Disbursement, ProjectIndicator


@pytest.fixture
def eform(fy, planning):
    """The year's standard form, open for answers for another month."""
    return services.create_form(fy, by=planning, deadline=timezone.localdate() + timedelta(days=30))


@pytest.fixture
def rated(eform):
    return [c for c in eform.criteria.all() if c.kind == Criterion.Kind.RATED]


@pytest.fixture
def owner_invitation(own_project, owner, planning, eform):
    return services.invite(own_project, by=planning, user=owner)


@pytest.fixture
def outside_invitation(own_project, planning, eform):
    return services.invite(own_project, by=planning, name="นายสมชาย ใจดี", role_text="ผู้อำนวยการโรงเรียน",
                           email="somchai@example.ac.th")


def rates(criteria, value=4, **overrides) -> dict:
    data = {}
    for criterion in criteria:
        data[f"rate-{criterion.pk}"] = str(overrides.get(criterion.code, value))
        data[f"comment-{criterion.pk}"] = f"ความเห็น {criterion.code}"
    return data


@pytest.fixture
def with_data(own_project, indicator, fy):
    """The project has one indicator target and half its budget disbursed."""
    ProjectIndicator.objects.create(project=own_project, indicator=indicator, target_value=Decimal("80"))
    Disbursement.objects.create(project=own_project, quarter=fy.quarters.get(number=1), amount=Decimal("50000.25"))
    return own_project
