"""A refusal as the page shows it: the message, and the one status for its kind."""

from django.contrib import messages
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .machine import WorkflowError, status_for


def refused(request, error: WorkflowError) -> int:
    """Put the refusal's message on the page; returns the status (403 not allowed, 409 stale, 400 otherwise)."""
    messages.error(request, str(error))
    return status_for(error)


VERSION_MISSING = gettext_lazy("The page did not say which version it showed, so nothing was saved. Reload the "
                               "page and try again.")


def invalid_form(request, form) -> None:
    """Say why a posted form was not saved: the page's version missing (a hidden field, so say it in words),
    or fields to correct."""
    if "version" in form.errors:
        messages.error(request, str(VERSION_MISSING))
    else:
        messages.error(request, _("Nothing was saved: correct the fields marked in red."))
