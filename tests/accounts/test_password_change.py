"""Guessing the old password on the password-change page counts towards the login lock-out."""

import pytest
from django.urls import reverse

from ..conftest import PASSWORD

NEW = "a-new-longer-secret-2569"


def change(client, old):
    return client.post(reverse("password_change"), {"old_password": old, "new_password1": NEW, "new_password2": NEW})


def login(client, email, password):
    return client.post(reverse("login"), {"username": email, "password": password})


@pytest.mark.django_db
def test_wrong_old_passwords_lock_the_account_like_failed_logins(client, owner, settings):
    client.force_login(owner)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = change(client, "guess")
        assert response.status_code == 200 and "is-invalid" in response.content.decode()
    assert change(client, "guess").status_code == 429  # the last allowed guess locks
    # Locked: even the right old password changes nothing, and logging in is refused too.
    locked = change(client, PASSWORD)
    assert locked.status_code == 429 and "ชั่วคราว" in locked.content.decode()
    owner.refresh_from_db()
    assert owner.check_password(PASSWORD) and not owner.check_password(NEW)
    client.logout()
    assert login(client, owner.email, PASSWORD).status_code == 429


@pytest.mark.django_db
def test_failed_logins_and_wrong_old_passwords_share_one_counter(client, owner, other_owner, settings):
    from django.test import Client

    client.force_login(owner)  # (a log-in clears the account's failures: it comes first)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        login(Client(), owner.email, "wrong")
    assert change(client, "guess").status_code == 429
    # Only that account: a colleague (same address) still changes their password.
    client.force_login(other_owner)
    assert change(client, PASSWORD).status_code == 302


@pytest.mark.django_db
def test_the_lock_on_password_change_ends_after_the_cool_off(client, owner, settings):
    from datetime import timedelta

    from axes.models import AccessAttempt
    from django.utils import timezone

    client.force_login(owner)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        change(client, "guess")
    assert change(client, PASSWORD).status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - timedelta(minutes=1))
    assert change(client, PASSWORD).status_code == 302
    owner.refresh_from_db()
    assert owner.check_password(NEW)
