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

DEAD_BROKER = "redis://127.0.0.1:1/0"  # nothing listens there
QUICK = 2  # seconds; the broker's default connection timeout alone made it 6


def reset_pools(app):
    """Forget connections made to another broker URL (Celery and kombu keep pools per process)."""
    from kombu import pools

    if app._pool is not None:
        app._pool.force_close_all()
    app._pool = None
    app.amqp._producer_pool = None
    pools.reset()


@pytest.fixture
def dead_broker(settings):
    """Tasks go to a broker that is down; the project's own timeouts and retry settings apply."""
    from config.celery import app

    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    settings.CELERY_TASK_ALWAYS_EAGER = False
    had, before = "broker_url" in app.conf.changes, app.conf.changes.get("broker_url")
    app.conf.broker_url = DEAD_BROKER
    reset_pools(app)
    yield
    if had:
        app.conf.broker_url = before
    else:
        app.conf.changes.pop("broker_url", None)
    reset_pools(app)


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
