import pytest
from axes.models import AccessAttempt
from django.urls import reverse

from accounts.models import Role

from ..conftest import PASSWORD
from ..factories import UserFactory


def login(client, email, password):
    return client.post(reverse("login"), {"username": email, "password": password})


@pytest.mark.django_db
def test_login_with_email_and_password_lands_on_home(client, owner):
    response = login(client, "OWNER@test.go.th", PASSWORD)
    assert response.status_code == 302
    assert response.url == reverse("home")
    assert client.get(reverse("home")).status_code == 200


@pytest.mark.django_db
def test_wrong_password_gets_a_clear_thai_message(client, owner):
    response = login(client, owner.email, "wrong")
    assert response.status_code == 200
    assert "อีเมลหรือรหัสผ่านไม่ถูกต้อง" in response.content.decode()


@pytest.mark.django_db
def test_wrong_password_message_in_english(client, owner):
    client.cookies["django_language"] = "en"
    response = login(client, owner.email, "wrong")
    assert "The e-mail or password is wrong" in response.content.decode()


@pytest.mark.django_db
def test_malformed_email_is_rejected_without_error(client):
    response = login(client, "not-an-email", "x")
    assert response.status_code == 200
    assert "is-invalid" in response.content.decode()


@pytest.mark.django_db
def test_failed_logins_lock_the_account_not_the_office_network(client, owner, other_owner, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, owner.email, "wrong")
    locked = login(client, owner.email, PASSWORD)
    assert locked.status_code == 429
    assert "ชั่วคราว" in locked.content.decode()
    # A colleague behind the same NAT (same IP address) can still log in.
    assert login(client, other_owner.email, PASSWORD).status_code == 302


@pytest.mark.django_db
def test_lock_ends_after_the_cool_off(client, owner, settings):
    from datetime import timedelta

    from django.utils import timezone

    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, owner.email, "wrong")
    assert login(client, owner.email, PASSWORD).status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - timedelta(minutes=1))
    assert login(client, owner.email, PASSWORD).status_code == 302


@pytest.mark.django_db
def test_logout_needs_post(client, owner):
    client.force_login(owner)
    assert client.get(reverse("logout")).status_code == 405
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(reverse("home")).status_code == 302


@pytest.mark.django_db
def test_pages_need_login(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.django_db
def test_password_change(client, owner):
    client.force_login(owner)
    response = client.post(reverse("password_change"), {
        "old_password": PASSWORD, "new_password1": "a-new-longer-secret-2569", "new_password2": "a-new-longer-secret-2569",
    })
    assert response.status_code == 302
    owner.refresh_from_db()
    assert owner.check_password("a-new-longer-secret-2569")


@pytest.mark.django_db
def test_language_switch_is_remembered_on_the_account(client, owner):
    client.force_login(owner)
    response = client.post(reverse("set_language"), {"language": "en", "next": "/plans/"})
    assert response.status_code == 302 and response.url == "/plans/"
    owner.refresh_from_db()
    assert owner.language == "en"
    assert "Fiscal years" in client.get(reverse("plans:fiscal_year_list")).content.decode()
    client.post(reverse("set_language"), {"language": "th"})
    assert "ปีงบประมาณ" in client.get(reverse("plans:fiscal_year_list")).content.decode()


@pytest.mark.django_db
def test_language_switch_ignores_foreign_redirects_and_unknown_languages(client, owner):
    client.force_login(owner)
    response = client.post(reverse("set_language"), {"language": "xx", "next": "https://evil.example/"})
    assert response.url == reverse("home")
    owner.refresh_from_db()
    assert owner.language == "th"


@pytest.mark.django_db
def test_users_have_several_roles(office):
    user = UserFactory(office=office, roles=[Role.GROUP_HEAD, Role.OWNER])
    assert user.has_role(Role.OWNER) and user.has_role(Role.GROUP_HEAD)
    assert not user.sees_whole_office
