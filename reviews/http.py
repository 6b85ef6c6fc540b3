"""A refusal as the page shows it: the message, and the one status for its kind."""

from django.contrib import messages

from .machine import WorkflowError, status_for


def refused(request, error: WorkflowError) -> int:
    """Put the refusal's message on the page; returns the status (403 not allowed, 409 stale, 400 otherwise)."""
    messages.error(request, str(error))
    return status_for(error)
