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
    # their home page is the roll-up of the offices beneath theirs; the office's pages show the chosen office
    assert client.get(reverse("home"))["Location"] == reverse("reporting:rollup")
    assert other_office.name in client.get(reverse("projects:list")).content.decode()


@pytest.mark.django_db
def test_office_user_cannot_switch_to_another_office(client, planning, other_office):
    client.force_login(planning)
    client.post(reverse("switch_office"), {"office": other_office.pk})
    page = client.get(reverse("home")).content.decode()
    assert planning.office.name in page
    assert other_office.name not in page


@pytest.fixture
def central_at_obec(office, other_office):
    from accounts.models import Office, Role

    from ..factories import UserFactory

    obec = Office.objects.create(code="OBEC", name="สพฐ.", kind=Office.Kind.OBEC)
    for o in (office, other_office):
        o.parent = obec
        o.save()
    return UserFactory(office=obec, roles=[Role.CENTRAL])


@pytest.mark.django_db
def test_central_viewer_without_an_office_is_shown_the_offices_then_the_page_asked_for(
        client, central_at_obec, office, other_office):
    client.force_login(central_at_obec)
    asked = reverse("projects:list") + "?fy=2569"
    response = client.get(asked)
    assert response.status_code == 302
    chooser = response["Location"]
    assert chooser.startswith(reverse("switch_office") + "?next=")
    page = client.get(chooser)
    assert page.status_code == 200
    text = page.content.decode()
    assert "เลือกสำนักงาน" in text and office.name in text and other_office.name in text
    central_at_obec.refresh_from_db()
    assert central_at_obec.chosen_office_id is None  # looking at the list chose nothing

    response = client.post(reverse("switch_office"), {"office": other_office.pk, "next": asked})
    assert response.status_code == 302 and response["Location"] == asked
    assert client.get(asked).status_code == 200


@pytest.mark.django_db
def test_the_office_a_central_viewer_chose_is_kept_across_logins(client, central_at_obec, other_office):
    client.force_login(central_at_obec)
    client.post(reverse("switch_office"), {"office": other_office.pk, "next": "/"})
    client.logout()
    client.force_login(central_at_obec)  # a new session: nothing in it yet
    response = client.get(reverse("projects:list"))
    assert response.status_code == 200
    assert other_office.name in response.content.decode()


@pytest.mark.django_db
def test_a_choice_the_viewer_may_no_longer_read_sends_them_to_choose_again(client, central_at_obec, other_office):
    from accounts.models import Office

    client.force_login(central_at_obec)
    client.post(reverse("switch_office"), {"office": other_office.pk, "next": "/"})
    elsewhere = Office.objects.create(code="ELSE", name="ที่อื่น", kind=Office.Kind.OBEC)
    other_office.parent = elsewhere
    other_office.save()
    response = client.get(reverse("projects:list"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("switch_office"))


@pytest.mark.django_db
def test_choosing_an_office_one_may_not_read_is_refused_with_a_message(client, central_at_obec, office):
    from accounts.models import Office

    outside = Office.objects.create(code="OUT", name="สำนักงานนอกสังกัด", kind=Office.Kind.PRIMARY)
    client.force_login(central_at_obec)
    for value in (outside.pk, "abc", ""):
        response = client.post(reverse("switch_office"), {"office": value, "next": "/"})
        assert response.status_code == 400
        assert "ไม่มีสิทธิ์ดูข้อมูลของสำนักงานนั้น" in response.content.decode()
    central_at_obec.refresh_from_db()
    assert central_at_obec.chosen_office_id is None


@pytest.mark.django_db
def test_someone_who_reads_one_office_is_never_asked_to_choose(client, planning):
    client.force_login(planning)
    assert client.get(reverse("home")).status_code == 200
    assert client.get(reverse("switch_office")).status_code == 302
