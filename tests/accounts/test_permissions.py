"""Acting (accounts.permissions): a role acts in its own office only, even where the user may read others."""

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import Office, Role
from accounts.permissions import DIRECTORS, MANAGERS, PLANNERS, acts_for, has_any
from projects.forms import ProjectForm
from projects.models import Disbursement
from reminders.models import Message

from ..conftest import make_project
from ..factories import UserFactory


@pytest.fixture
def obec(office, other_office):
    """OBEC above both test offices, so a central viewer of OBEC may switch to either."""
    root = Office.objects.create(code="OBEC", name="สพฐ.", kind=Office.Kind.OBEC)
    for child in (office, other_office):
        child.parent = root
        child.save()
    return root


def _switch(client, user, office):
    client.force_login(user)
    client.post(reverse("switch_office"), {"office": office.pk, "next": "/"})


@pytest.mark.django_db
def test_acts_for_needs_the_role_and_the_office(office, other_office, planning, director, other_office_planning):
    assert acts_for(planning, office, *PLANNERS) and acts_for(planning, office.pk, *MANAGERS)
    assert not acts_for(planning, office, *DIRECTORS)
    assert not acts_for(other_office_planning, office, *PLANNERS)
    assert acts_for(director, office) and not acts_for(director, other_office)
    superuser = UserFactory(office=None, is_superuser=True)
    assert acts_for(superuser, other_office, *DIRECTORS) and has_any(superuser, *PLANNERS)
    planning.is_active = False
    assert not acts_for(planning, office, *PLANNERS) and not has_any(planning, *PLANNERS)


@pytest.mark.django_db(transaction=True)
def test_an_administrator_who_is_also_a_central_viewer_does_not_resend_another_offices_mail(
        client, locmem_mail, obec, office, other_office, other_office_planning):
    admin = UserFactory(office=obec, roles=[Role.ADMIN, Role.CENTRAL], is_staff=True)
    failed = Message.objects.create(key="test:elsewhere", kind=Message.Kind.DEADLINE, office=other_office,
                                    recipient=other_office_planning, to_email=other_office_planning.email,
                                    subject="เรื่องของสำนักงานอื่น", body_text="x", state=Message.State.FAILED)
    _switch(client, admin, other_office)
    assert client.get(reverse("reminders:log")).status_code == 403
    assert client.get(reverse("reminders:message", args=[failed.pk])).status_code == 403
    assert client.post(reverse("reminders:send_now", args=[failed.pk])).status_code == 403
    failed.refresh_from_db()
    assert failed.state == Message.State.FAILED and mail.outbox == []
    # In their own office they still administer the mail.
    _switch(client, admin, obec)
    assert client.get(reverse("reminders:log")).status_code == 200


@pytest.mark.django_db
def test_finance_that_is_also_a_central_viewer_does_not_record_another_offices_disbursements(
        client, obec, office, other_office):
    from plans.services import get_or_create_fiscal_year

    from ..factories import WorkGroupFactory

    other_fy, _created = get_or_create_fiscal_year(other_office, 2569)
    project = make_project(other_fy, WorkGroupFactory(office=other_office), "P-ELSEWHERE")
    finance = UserFactory(office=obec, roles=[Role.FINANCE, Role.CENTRAL])
    _switch(client, finance, other_office)
    url = reverse("projects:disbursements")
    page = client.get(url, {"fy": 2569, "q": 1})
    assert page.status_code == 200 and 'name="amount-' not in page.content.decode()
    response = client.post(url, {"fy": 2569, "q": 1, f"amount-{project.pk}": "100", f"was-{project.pk}": ""})
    assert response.status_code == 403
    assert not Disbursement.objects.exists()


@pytest.mark.django_db
def test_a_group_head_who_is_also_finance_moves_projects_only_within_their_groups(fy, office, promo_group,
                                                                                 sup_group, fin_group):
    head = UserFactory(office=office, roles=[Role.GROUP_HEAD, Role.FINANCE], groups=[promo_group])
    form = ProjectForm(fiscal_year=fy, user=head)
    assert list(form.fields["group"].queryset) == [promo_group]
    planning = UserFactory(office=office, roles=[Role.PLANNING])
    assert set(ProjectForm(fiscal_year=fy, user=planning).fields["group"].queryset) == {promo_group, sup_group,
                                                                                       fin_group}
