"""An evaluator with an account finds each evaluation still to answer on the home page, linking to its answer
page; once answered, or after the deadline, the entry is gone; another user sees nothing of it."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from evaluation import pending, services

from .conftest import rates

HOME = reverse("home")


@pytest.mark.django_db
def test_the_invited_owner_sees_the_evaluation_to_answer(client, owner, owner_invitation, own_project,
                                                           django_assert_max_num_queries):
    client.force_login(owner)
    page = client.get(HOME).content.decode()
    assert 'id="evaluation-pending"' in page and own_project.name in page
    assert reverse("evaluation:answer", args=[owner_invitation.pk]) in page
    with django_assert_max_num_queries(2):
        assert len(pending.items(owner, office=owner.office, today=timezone.localdate())) == 1


@pytest.mark.django_db
def test_answered_or_closed_evaluations_leave_the_home_page(client, owner, owner_invitation, rated, eform):
    today = timezone.localdate()
    assert pending.items(owner, office=owner.office, today=eform.deadline + timedelta(days=1)) == []
    services.answer(owner_invitation.pk, data=rates(rated))
    assert pending.items(owner, office=owner.office, today=today) == []
    client.force_login(owner)
    assert 'id="evaluation-pending"' not in client.get(HOME).content.decode()


@pytest.mark.django_db
def test_others_see_no_entry(client, planning, other_owner, owner_invitation):
    for user in (planning, other_owner):
        client.force_login(user)
        assert 'id="evaluation-pending"' not in client.get(HOME).content.decode()
