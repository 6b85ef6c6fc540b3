import pytest
from django.urls import reverse

ROLE_FIXTURES = ["planning", "owner", "other_owner", "group_head", "finance", "director", "committee", "administrator"]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLE_FIXTURES)
def test_every_role_has_a_home_page(client, request, role):
    user = request.getfixturevalue(role)
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    page = response.content.decode()
    assert user.office.name in page
    for label in user.role_labels():
        assert str(label) in page


@pytest.mark.django_db
def test_navigation_shows_each_role_what_it_can_do(client, planning, owner, administrator):
    client.force_login(planning)
    page = client.get(reverse("home")).content.decode()
    assert reverse("plans:holidays_current") in page
    assert reverse("admin:index") not in page
    client.force_login(owner)
    page = client.get(reverse("home")).content.decode()
    assert reverse("plans:holidays_current") not in page
    client.force_login(administrator)
    page = client.get(reverse("home")).content.decode()
    assert reverse("admin:index") in page


@pytest.mark.django_db
def test_home_shows_the_next_due_date(client, planning, monkeypatch):
    from datetime import date

    from plans import services

    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: date(2026, 1, 5))
    services.get_or_create_fiscal_year(planning.office, 2569)
    client.force_login(planning)
    page = client.get(reverse("home")).content.decode()
    assert "9 มกราคม พ.ศ. 2569" in page


@pytest.mark.django_db
def test_central_viewer_switches_between_offices(client, office, other_office):
    from accounts.models import Office, Role

    from ..factories import UserFactory

    obec = Office.objects.create(code="OBEC", name="สพฐ.", kind=Office.Kind.OBEC)
    for o in (office, other_office):
        o.parent = obec
        o.save()
    central = UserFactory(office=obec, roles=[Role.CENTRAL])
    client.force_login(central)
    response = client.post(reverse("switch_office"), {"office": other_office.pk, "next": "/"})
    assert response.status_code == 302
    assert other_office.name in client.get(reverse("home")).content.decode()


@pytest.mark.django_db
def test_office_user_cannot_switch_to_another_office(client, planning, other_office):
    client.force_login(planning)
    client.post(reverse("switch_office"), {"office": other_office.pk})
    page = client.get(reverse("home")).content.decode()
    assert planning.office.name in page
    assert other_office.name not in page
