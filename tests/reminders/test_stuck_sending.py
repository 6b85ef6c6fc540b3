"""An e-mail left "sending" by a worker that died mid-send is taken back: the sweep and "send now" send it."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from reminders import outbox, sweep
from reminders.models import Message

pytestmark = pytest.mark.usefixtures("locmem_mail")


def sending(user, *, seconds_ago: float, attempts: int = 1, n: int = 0) -> Message:
    """A message a worker claimed ``seconds_ago`` and never finished."""
    return Message.objects.create(key=f"test:stuck:{n}", kind=Message.Kind.DEADLINE, office=user.office,
                                  recipient=user, to_email=user.email, subject=f"ค้างส่ง {n}", body_text="เนื้อหา",
                                  state=Message.State.SENDING, attempts=attempts,
                                  claimed_at=timezone.now() - timedelta(seconds=seconds_ago))


def long_ago() -> float:
    """Longer than the SMTP timeout plus the margin."""
    return (timezone.now() - Message.stuck_before()).total_seconds() + 60


@pytest.mark.django_db(transaction=True)
def test_the_sweep_sends_again_a_mail_whose_worker_died_mid_send(owner):
    stuck = sending(owner, seconds_ago=long_ago())
    busy = sending(owner, seconds_ago=10, n=1)  # a worker is sending it right now: left alone
    sweep.sweep(date(2026, 1, 7))
    stuck.refresh_from_db()
    busy.refresh_from_db()
    assert stuck.state == Message.State.SENT and stuck.attempts == 2  # the lost attempt counts
    assert busy.state == Message.State.SENDING and busy.attempts == 1
    assert [m.subject for m in mail.outbox] == ["ค้างส่ง 0"]


@pytest.mark.django_db(transaction=True)
def test_a_stuck_mail_on_its_last_attempt_fails_and_says_why(owner):
    stuck = sending(owner, seconds_ago=long_ago(), attempts=outbox.MAX_ATTEMPTS)
    assert outbox.requeue_waiting() == 0
    stuck.refresh_from_db()
    assert stuck.state == Message.State.FAILED and stuck.attempts == outbox.MAX_ATTEMPTS
    assert "WorkerLost" in stuck.last_error and mail.outbox == []


@pytest.mark.django_db(transaction=True)
def test_send_now_sends_a_stuck_mail_but_not_one_being_sent(client, administrator, owner):
    stuck = sending(owner, seconds_ago=long_ago())
    busy = sending(owner, seconds_ago=10, n=1)
    client.force_login(administrator)
    page = client.get(reverse("reminders:log")).content.decode()
    assert page.count(reverse("reminders:send_now", args=[stuck.pk])) == 1
    assert reverse("reminders:send_now", args=[busy.pk]) not in page
    assert reverse("reminders:send_now", args=[stuck.pk]) in client.get(
        reverse("reminders:message", args=[stuck.pk])).content.decode()
    response = client.post(reverse("reminders:send_now", args=[busy.pk]), follow=True)
    assert "ไม่ได้รอส่งใหม่" in response.content.decode()
    client.post(reverse("reminders:send_now", args=[stuck.pk]))
    stuck.refresh_from_db()
    busy.refresh_from_db()
    assert stuck.state == Message.State.SENT and stuck.attempts == 2
    assert busy.state == Message.State.SENDING
    assert [m.subject for m in mail.outbox] == ["ค้างส่ง 0"]


@pytest.mark.django_db(transaction=True)
def test_a_slow_worker_finishing_after_the_take_back_is_recorded_and_not_sent_again(owner):
    queued = sending(owner, seconds_ago=0, attempts=0)
    Message.objects.filter(pk=queued.pk).update(state=Message.State.QUEUED, claimed_at=None)
    message = outbox.claim(queued.pk)  # a slow worker takes it …
    Message.objects.filter(pk=queued.pk).update(claimed_at=timezone.now() - timedelta(seconds=long_ago()))
    assert outbox.reclaim_stuck() == 1  # … is given up for dead …
    assert Message.objects.get(pk=queued.pk).state == Message.State.RETRY
    outbox.mark_sent(message)  # … and then finishes after all.
    queued.refresh_from_db()
    assert queued.state == Message.State.SENT and queued.sent_at
    assert outbox.requeue_waiting() == 0 and mail.outbox == []


@pytest.mark.django_db(transaction=True)
def test_a_slow_worker_failing_after_the_take_back_leaves_the_new_claim_alone(owner):
    queued = sending(owner, seconds_ago=0, attempts=0)
    Message.objects.filter(pk=queued.pk).update(state=Message.State.QUEUED, claimed_at=None)
    first = outbox.claim(queued.pk)
    Message.objects.filter(pk=queued.pk).update(claimed_at=timezone.now() - timedelta(seconds=long_ago()))
    outbox.reclaim_stuck()
    second = outbox.claim(queued.pk)  # another worker sends it now
    outbox.mark_failed(first, OSError("connection reset"))  # the first one's late failure is not recorded
    assert Message.objects.get(pk=queued.pk).state == Message.State.SENDING
    outbox.mark_sent(second)
    queued.refresh_from_db()
    assert queued.state == Message.State.SENT and queued.attempts == 2
