"""Putting e-mails in the outbox and sending them exactly once."""

import logging
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone, translation

from .models import STUCK_MARGIN, Message, smtp_timeout

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 5
_muted = ContextVar("tidtam_outbox_muted", default=False)


@contextmanager
def muted():
    """Write nothing to the outbox inside this block (demo data replaying past events)."""
    token = _muted.set(True)
    try:
        yield
    finally:
        _muted.reset(token)


def site_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def compose(template: str, context: dict, *, language: str) -> tuple[str, str, str]:
    """(subject, text, html) in the recipient's language, from ``reminders/email/<template>_subject.txt``,
    ``<template>.txt`` and ``<template>.html``."""
    with translation.override(language or settings.LANGUAGE_CODE):
        subject = " ".join(render_to_string(f"reminders/email/{template}_subject.txt", context).split())
        text = render_to_string(f"reminders/email/{template}.txt", context)
        html = render_to_string(f"reminders/email/{template}.html", context)
    return subject, text, html


def in_batches(values: list) -> list[list]:
    """``values`` cut to fit one ``__in`` lookup each: one batch on PostgreSQL, SQLite's variable limit otherwise."""
    size = connection.features.max_query_params or len(values) or 1
    return [values[start:start + size] for start in range(0, len(values), size)]


def _addressee(recipient, to_email: str, to_name: str, language: str) -> tuple[str, str, str]:
    if recipient is not None:
        return recipient.email, recipient.full_name, recipient.language
    return to_email, to_name, language


def _message(*, key: str, kind: str, recipient, office, template: str, context: dict, to_email: str, to_name: str,
             language: str) -> Message:
    """The unsaved message, composed in its addressee's language (the address already resolved)."""
    subject, text, html = compose(template, {**context, "recipient": recipient, "recipient_name": to_name},
                                  language=language)
    where = {"office": office} if hasattr(office, "pk") else {"office_id": office}
    return Message(key=key, kind=kind, recipient=recipient, **where, to_email=to_email, to_name=to_name[:200],
                   subject=subject[:300], body_text=text, body_html=html)


def enqueue(*, key: str, kind: str, recipient=None, office, template: str, context: dict, to_email: str = "",
            to_name: str = "", language: str = "th") -> Message | None:
    """Create the message unless one with this key exists; sending is queued when the transaction commits.

    To an account: ``recipient`` (its address, name and language). To a person without one (an outside
    evaluator): ``recipient=None`` with ``to_email``, ``to_name`` and ``language``. ``office``: an office or its id."""
    to_email, to_name, language = _addressee(recipient, to_email, to_name, language)
    if _muted.get() or not to_email or Message.objects.filter(key=key).exists():
        return None
    message = _message(key=key, kind=kind, recipient=recipient, office=office, template=template, context=context,
                       to_email=to_email, to_name=to_name, language=language)
    try:
        with transaction.atomic():
            message.save()
    except IntegrityError:  # created meanwhile by someone else
        return None
    transaction.on_commit(lambda: queue_sending(message.pk))
    return message


def enqueue_many(messages: list[dict]) -> dict[str, int]:
    """:func:`enqueue` for many messages (each a dict of its keyword arguments) in a fixed number of queries: one
    to see which keys exist, one insert, one to read the new ids. Returns key → message id for every message in
    the outbox under its key — made now, or before (by an earlier or concurrent caller: nothing is made twice);
    nothing when muted, nor for an addressee without an address. The new ones are queued when the transaction
    commits."""
    if _muted.get():
        return {}
    wanted = {}
    for message in messages:
        to_email, to_name, language = _addressee(message.get("recipient"), message.get("to_email", ""),
                                                 message.get("to_name", ""), message.get("language", "th"))
        if to_email:
            wanted[message["key"]] = {**message, "to_email": to_email, "to_name": to_name, "language": language}
    found = {}
    for keys in in_batches(list(wanted)):
        found.update(Message.objects.filter(key__in=keys).values_list("key", "pk"))
    new = [_message(**{"recipient": None, **message}) for key, message in wanted.items() if key not in found]
    # ignore_conflicts: a concurrent caller may have made the same key since; its row is the one read back
    Message.objects.bulk_create(new, ignore_conflicts=True)
    made = {}
    for keys in in_batches([message.key for message in new]):
        made.update(Message.objects.filter(key__in=keys).values_list("key", "pk"))
    if made:
        transaction.on_commit(lambda: [queue_sending(pk) for pk in made.values()])
    return found | made


def queue_sending(message_id: int, countdown: int | None = None) -> bool:
    """Hand the message to a worker; if the broker is unreachable it stays queued for the next sweep."""
    from .tasks import deliver

    try:
        deliver.apply_async((message_id,), countdown=countdown, retry=False)
    except Exception as error:  # broker down: nothing is lost, the sweep picks the row up later
        log.warning("could not queue message %s: %s", message_id, error)
        return False
    return True


def claim(message_id: int) -> Message | None:
    """Take the message for sending; None if another worker has it or it is already sent."""
    claimed = Message.objects.filter(pk=message_id, state__in=[Message.State.QUEUED, Message.State.RETRY]).update(
        state=Message.State.SENDING, claimed_at=timezone.now(), attempts=F("attempts") + 1)
    return Message.objects.get(pk=message_id) if claimed else None


def send(message: Message) -> None:
    email = EmailMultiAlternatives(message.subject, message.body_text, to=[message.to_email])
    if message.body_html:
        email.attach_alternative(message.body_html, "text/html")
    email.send()


def mark_sent(message: Message) -> None:
    """It went out: recorded even if it was taken back for dead meanwhile, so it is not sent again."""
    Message.objects.filter(pk=message.pk).exclude(state=Message.State.SENT).update(
        state=Message.State.SENT, sent_at=timezone.now(), last_error="")


def mark_failed(message: Message, error: Exception) -> bool:
    """Record the error; True if it will be retried, False if it gave up. Only while this worker's claim
    holds: a message taken back and claimed again is the new claimant's to record."""
    final = message.attempts >= MAX_ATTEMPTS
    Message.objects.filter(pk=message.pk, state=Message.State.SENDING, claimed_at=message.claimed_at).update(
        state=Message.State.FAILED if final else Message.State.RETRY,
        last_error=f"{type(error).__name__}: {error}"[:2000])
    return not final


def retry_delay(attempts: int) -> int:
    """Seconds before the next attempt: 1, 2, 4, 8 … minutes."""
    return 60 * 2 ** max(attempts - 1, 0)


def reclaim_stuck() -> int:
    """Take back messages whose worker died mid-send (still "sending" long past the SMTP timeout): the
    attempt counts (it was counted when claimed), and they wait to retry — or fail on their last attempt.
    Such a message may have gone out before the worker died: sending again errs towards twice, not never."""
    stuck = Message.objects.filter(state=Message.State.SENDING, claimed_at__lt=Message.stuck_before())
    error = f"WorkerLost: no outcome {smtp_timeout() + int(STUCK_MARGIN.total_seconds())} s after it was claimed"
    failed = stuck.filter(attempts__gte=MAX_ATTEMPTS).update(state=Message.State.FAILED, last_error=error)
    return failed + stuck.update(state=Message.State.RETRY, last_error=error)


def requeue_waiting(older_than: timedelta = timedelta(minutes=5)) -> int:
    """Queue again what never reached a worker (the broker was down), retries whose wait is over, and
    messages taken back from a worker that died mid-send."""
    reclaim_stuck()
    now = timezone.now()
    waiting = list(Message.objects.filter(state=Message.State.QUEUED, created_at__lt=now - older_than)
                   .values_list("pk", flat=True))
    waiting += [pk for pk, attempts, claimed in Message.objects.filter(state=Message.State.RETRY)
                .values_list("pk", "attempts", "claimed_at")
                if claimed is None or claimed + timedelta(seconds=retry_delay(attempts)) < now]
    return sum(queue_sending(message_id) for message_id in waiting)
