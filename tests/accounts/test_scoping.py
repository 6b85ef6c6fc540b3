"""One scoping helper decides what each user sees: office first, then group and role."""

import pytest

from accounts.models import Office, Role
from accounts.scoping import ScopedQuerySet, readable_office_ids
from plans import services
from plans.models import CalendarActivity, FiscalYear, Quarter

from ..factories import OfficeFactory, UserFactory, WorkGroupFactory


class GroupOwnedActivities(ScopedQuerySet):
    """Calendar activities scoped like group-owned data (projects will be scoped this way)."""

    office_lookup = "fiscal_year__office"
    group_lookup = "responsible_group"


def group_scoped():
    return GroupOwnedActivities(model=CalendarActivity)


@pytest.fixture
def two_offices(office, other_office, planning, other_office_planning):
    fy_a, _ = services.get_or_create_fiscal_year(office, 2569)
    fy_b, _ = services.get_or_create_fiscal_year(other_office, 2569)
    return fy_a, fy_b


@pytest.mark.django_db
def test_two_offices_in_one_database_are_isolated(two_offices, planning, other_office_planning):
    fy_a, fy_b = two_offices
    assert list(FiscalYear.objects.visible_to(planning)) == [fy_a]
    assert list(FiscalYear.objects.visible_to(other_office_planning)) == [fy_b]
    assert set(Quarter.objects.visible_to(planning).values_list("fiscal_year", flat=True)) == {fy_a.pk}


@pytest.mark.django_db
def test_office_pages_never_show_another_offices_year(client, two_offices, planning, other_office):
    client.force_login(planning)
    fy_b = two_offices[1]
    FiscalYear.objects.filter(pk=two_offices[0].pk).delete()
    response = client.get(f"/plans/{fy_b.year}/")
    assert response.status_code == 404


@pytest.mark.django_db
def test_central_viewer_reads_every_office_beneath_theirs(office, other_office):
    obec = OfficeFactory(code="OBEC", kind=Office.Kind.OBEC)
    region = OfficeFactory(code="REG1", kind=Office.Kind.REGION, parent=obec)
    office.parent = region
    office.save()
    other_office.parent = obec
    other_office.save()
    lone = OfficeFactory(code="LONE")
    central = UserFactory(office=obec, roles=[Role.CENTRAL])
    regional = UserFactory(office=region, roles=[Role.CENTRAL])
    assert set(readable_office_ids(central)) == {obec.pk, region.pk, office.pk, other_office.pk}
    assert set(readable_office_ids(regional)) == {region.pk, office.pk}
    assert lone.pk not in readable_office_ids(central)


@pytest.mark.django_db
def test_moving_an_office_moves_its_subtree():
    root_a = OfficeFactory(code="A")
    root_b = OfficeFactory(code="B")
    child = OfficeFactory(code="C", parent=root_a)
    grandchild = OfficeFactory(code="D", parent=child)
    child.parent = root_b
    child.save()
    grandchild.refresh_from_db()
    assert grandchild.path == f"/{root_b.pk}/{child.pk}/{grandchild.pk}/"


@pytest.mark.django_db
def test_a_plain_user_of_another_office_sees_nothing_of_mine(office, other_office):
    fy, _ = services.get_or_create_fiscal_year(office, 2569)
    stranger = UserFactory(office=other_office, roles=[Role.DIRECTOR])
    assert not FiscalYear.objects.visible_to(stranger).filter(pk=fy.pk).exists()


@pytest.mark.django_db
def test_group_owned_data_is_seen_by_its_group_and_office_wide_roles(
    office, promo_group, sup_group, owner, other_owner, planning, director, finance, committee, group_head
):
    fy, _ = services.get_or_create_fiscal_year(office, 2569)
    promo = CalendarActivity.objects.create(fiscal_year=fy, title="promo", responsible_group=promo_group)
    sup = CalendarActivity.objects.create(fiscal_year=fy, title="sup", responsible_group=sup_group)
    assert set(group_scoped().visible_to(owner)) == {promo}
    assert set(group_scoped().visible_to(group_head)) == {promo}
    assert set(group_scoped().visible_to(other_owner)) == {sup}
    for user in (planning, director, finance, committee):
        assert set(group_scoped().visible_to(user)) == {promo, sup}


@pytest.mark.django_db
def test_anonymous_and_inactive_users_see_nothing(office, owner):
    from django.contrib.auth.models import AnonymousUser

    services.get_or_create_fiscal_year(office, 2569)
    assert not FiscalYear.objects.visible_to(AnonymousUser()).exists()
    owner.is_active = False
    owner.save()
    assert not FiscalYear.objects.visible_to(owner).exists()


@pytest.mark.django_db
def test_a_user_without_office_sees_nothing():
    user = UserFactory(office=None, roles=[Role.PLANNING])
    other = WorkGroupFactory()
    services.get_or_create_fiscal_year(other.office, 2569)
    assert not FiscalYear.objects.visible_to(user).exists()


@pytest.mark.django_db
def test_superuser_sees_everything(office, other_office):
    services.get_or_create_fiscal_year(office, 2569)
    services.get_or_create_fiscal_year(other_office, 2569)
    root = UserFactory(office=None, is_superuser=True)
    assert FiscalYear.objects.visible_to(root).count() == 2
