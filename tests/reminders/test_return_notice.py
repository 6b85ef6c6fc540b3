"""Returning or reopening a form e-mails its owners once, after commit, in their language."""

import pytest
from django.core import mail

from projects import workflow
from reminders import outbox
from reminders.models import Message
from reminders.tasks import deliver

from ..conftest import submit_q1


@pytest.fixture
def submitted(own_project, owner):
    return submit_q1(own_project, owner)


@pytest.fixture
def locmem(settings):
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.SITE_URL = "https://tidtam.spm12.example.go.th"


@pytest.mark.django_db(transaction=True)
def test_owner_gets_the_reason_by_mail_once(submitted, planning, owner, locmem, own_project):
    workflow.return_report(submitted.pk, by=planning, expected_version=submitted.version,
                           reason="กรุณาแนบภาพกิจกรรมเพิ่มเติม")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [owner.email]
    assert "ส่งคืน" in message.subject and own_project.code in message.subject
    assert "กรุณาแนบภาพกิจกรรมเพิ่มเติม" in message.body
    assert f"https://tidtam.spm12.example.go.th/projects/{own_project.pk}/q1/" in message.body
    assert "ไตรมาส 1/2569" in message.body
    html = message.alternatives[0].content
    assert "กรุณาแนบภาพกิจกรรมเพิ่มเติม" in html
    stored = Message.objects.get()
    assert stored.state == Message.State.SENT and stored.attempts == 1
    # Delivering the same row again (a second worker, a redelivered task) sends nothing.
    assert deliver.apply(args=[stored.pk]).get() == "skipped"
    assert len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
def test_english_owner_gets_english_mail(submitted, planning, owner, locmem):
    owner.language = "en"
    owner.save()
    workflow.return_report(submitted.pk, by=planning, expected_version=submitted.version, reason="Add photos")
    assert "returned" in mail.outbox[0].subject.lower()
    assert "Add photos" in mail.outbox[0].body


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_return_sends_nothing(submitted, planning, locmem):
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        workflow.return_report(submitted.pk, by=planning, expected_version=submitted.version, reason="x")
        raise RuntimeError("rolled back")
    assert mail.outbox == [] and not Message.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_broker_down_keeps_the_message_for_later(submitted, planning, settings, locmem, dead_broker):
    workflow.return_report(submitted.pk, by=planning, expected_version=submitted.version, reason="x")
    message = Message.objects.get()
    assert message.state == Message.State.QUEUED and mail.outbox == []
    settings.CELERY_TASK_ALWAYS_EAGER = True
    assert outbox.queue_sending(message.pk)
    message.refresh_from_db()
    assert message.state == Message.State.SENT and len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
def test_failed_sends_are_retried_then_marked_failed(submitted, planning, settings, locmem, monkeypatch):
    def broken(message):
        raise ConnectionRefusedError("smtp down")

    monkeypatch.setattr(outbox, "send", broken)
    workflow.return_report(submitted.pk, by=planning, expected_version=submitted.version, reason="x")
    message = Message.objects.get()
    assert message.state == Message.State.RETRY and "smtp down" in message.last_error
    for _ in range(outbox.MAX_ATTEMPTS - 1):
        deliver.apply(args=[message.pk])
    message.refresh_from_db()
    assert message.state == Message.State.FAILED and message.attempts == outbox.MAX_ATTEMPTS


@pytest.mark.django_db(transaction=True)
def test_the_sweep_requeues_retries_whose_wait_is_over(submitted, planning, locmem, monkeypatch):
    from datetime import timedelta

    from django.utils import timezone

    monkeypatch.setattr(outbox, "send", lambda message: (_ for _ in ()).throw(OSError("down")))
    workflow.return_report(submitted.pk, by=planning, expected_version=submitted.version, reason="x")
    monkeypatch.undo()
    assert outbox.requeue_waiting() == 0  # still waiting out its first minute
    Message.objects.update(claimed_at=timezone.now() - timedelta(minutes=2))
    assert outbox.requeue_waiting() == 1
    assert Message.objects.get().state == Message.State.SENT and len(mail.outbox) == 1
