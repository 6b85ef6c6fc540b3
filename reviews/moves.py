"""The standard moves table of a :class:`reviews.models.ReviewedRecord`, for any kind that reviews like the
quarterly forms: whoever writes it submits it, planning verifies, the director approves, either returns it with
a reason. A new kind calls :func:`reviewed_record_moves` with how to find its office, who writes it and what
it needs before submission, and registers the table (see :mod:`reviews.engine`)."""

from django.utils.translation import gettext_lazy

from accounts.permissions import DIRECTORS, PLANNERS, RETURNERS, acts_for

from .engine import Move
from .models import ReviewedRecord

State = ReviewedRecord.State

LABELS = {"submit": gettext_lazy("submitted"), "return": gettext_lazy("returned"),
          "verify": gettext_lazy("verified"), "approve": gettext_lazy("approved")}


def stamp_submit(item, *, by, now, reason):
    item.submitted_at, item.return_reason = now, ""
    return ["submitted_at", "return_reason"]


def stamp_return(item, *, by, now, reason):
    item.return_reason, item.verified_at = reason, None
    return ["return_reason", "verified_at"]


def stamp_verify(item, *, by, now, reason):
    item.verified_at = now
    return ["verified_at"]


def stamp_approve(item, *, by, now, reason):
    item.approved_at = now
    return ["approved_at"]


def reviewed_record_moves(*, office_of, may_write, ready=None,
                          return_reason=gettext_lazy("Say why the report is returned; the responsible person will "
                                                     "read it.")) -> dict:
    """{name: Move} for draft → submitted → verified → approved (or returned with a reason).

    ``office_of(item)`` is the office id the record belongs to; ``may_write(user, item)`` who writes and submits
    it; ``ready(item, by=, now=)`` raises WorkflowError when it cannot be submitted yet."""
    return {
        "submit": Move("submitted", frozenset({State.DRAFT, State.RETURNED}), State.SUBMITTED, who=may_write,
                       label=LABELS["submit"], ready=ready, stamp=stamp_submit),
        "verify": Move("verified", frozenset({State.SUBMITTED}), State.VERIFIED,
                       who=lambda user, item: acts_for(user, office_of(item), *PLANNERS), label=LABELS["verify"],
                       stamp=stamp_verify),
        "return": Move("returned", frozenset({State.SUBMITTED, State.VERIFIED}), State.RETURNED,
                       who=lambda user, item: acts_for(user, office_of(item), *RETURNERS), label=LABELS["return"],
                       stamp=stamp_return, needs_reason=return_reason),
        "approve": Move("approved", frozenset({State.VERIFIED}), State.APPROVED,
                        who=lambda user, item: acts_for(user, office_of(item), *DIRECTORS), label=LABELS["approve"],
                        stamp=stamp_approve),
    }
