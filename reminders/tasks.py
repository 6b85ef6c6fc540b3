from celery import shared_task

from . import outbox


@shared_task(bind=True, acks_late=True, max_retries=outbox.MAX_ATTEMPTS)
def deliver(self, message_id: int) -> str:
    """Send one message once: claim it, send it, record the outcome; on failure retry later with backoff."""
    message = outbox.claim(message_id)
    if message is None:
        return "skipped"
    try:
        outbox.send(message)
    except Exception as error:
        if outbox.mark_failed(message, error) and not self.request.is_eager:
            outbox.queue_sending(message_id, countdown=outbox.retry_delay(message.attempts))
        return "failed"
    outbox.mark_sent(message)
    return "sent"


@shared_task
def run_sweep() -> int:
    """Hourly (beat): today's deadline reminders, and anything the broker missed."""
    from django.utils import timezone

    from . import sweep

    return len(sweep.sweep(timezone.localdate()))


@shared_task
def run_digest() -> int:
    """Monday morning (beat): the weekly digest to planning staff and the director."""
    from django.utils import timezone

    from . import digest

    return len(digest.send(timezone.localdate()))
