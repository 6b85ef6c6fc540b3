"""Redis down: a request that queues work after commit answers at once; the rows wait for the sweep
(or for "generate again")."""

import time
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from projects.models import QuarterlyReport
from reminders.models import Message
from reporting.models import AnnualReport

from ..conftest import submit_q1

QUICK = 2  # seconds; the broker's default connection timeout alone made it 6


def timed_post(client, url, data=None):
    started = time.monotonic()
    response = client.post(url, data or {})
    seconds = time.monotonic() - started
    return response, seconds


@pytest.mark.django_db(transaction=True)
def test_send_now_with_redis_down_answers_at_once_and_the_mail_waits(client, administrator, owner, dead_broker):
    waiting = Message.objects.create(key="test:retry", kind=Message.Kind.DEADLINE, office=owner.office,
                                     recipient=owner, to_email=owner.email, subject="เรื่อง", body_text="เนื้อหา",
                                     state=Message.State.RETRY, attempts=1,
                                     claimed_at=timezone.now() - timedelta(minutes=2))
    client.force_login(administrator)
    response, seconds = timed_post(client, reverse("reminders:send_now", args=[waiting.pk]))
    assert response.status_code == 302 and seconds < QUICK, seconds
    waiting.refresh_from_db()
    assert waiting.state == Message.State.QUEUED and mail.outbox == []


@pytest.mark.django_db(transaction=True)
def test_returning_a_form_with_redis_down_answers_at_once(client, planning, owner, own_project, dead_broker):
    report = submit_q1(own_project, owner)
    client.force_login(planning)
    response, seconds = timed_post(client, reverse("projects:report", args=[own_project.pk, 1]),
                                   {"action": "return", "version": report.version, "reason": "แนบภาพเพิ่ม"})
    assert response.status_code == 302 and seconds < QUICK, seconds
    assert QuarterlyReport.objects.get(pk=report.pk).state == QuarterlyReport.State.RETURNED
    assert list(Message.objects.values_list("state", flat=True)) == [Message.State.QUEUED]


@pytest.mark.django_db(transaction=True)
def test_generating_a_report_with_redis_down_answers_at_once(client, planning, fy, dead_broker):
    client.force_login(planning)
    response, seconds = timed_post(client, reverse("reporting:annual_generate"),
                                   {"audience": "obec", "basis": "approved", "fy": fy.year})
    assert response.status_code == 302 and seconds < QUICK, seconds
    assert AnnualReport.objects.get().state == AnnualReport.State.QUEUED
