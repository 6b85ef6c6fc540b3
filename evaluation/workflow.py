"""The evaluation summary's moves table (the engine is reviews.engine) and who may do what in the evaluation.

Summary:  draft ──propose──▶ submitted ──approve──▶ approved (figures frozen)
            ▲                    │
            └──── returned ◀─────┘ (return, with a reason)
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.permissions import DIRECTORS, EVALUATION_STAFF, PLANNERS, acts_for
from reviews import engine
from reviews.engine import Kind, Move
from reviews.machine import WorkflowError
from reviews.moves import stamp_return, stamp_submit

from .models import Summary

State = Summary.State
EVENT_LABELS = {"saved": gettext_lazy("Saved"), "submitted": gettext_lazy("Proposed"),
                "returned": gettext_lazy("Returned"), "approved": gettext_lazy("Approved")}
STATE_LABELS = {**dict(State.choices), State.SUBMITTED: gettext_lazy("Proposed to the director")}


def runs(user, office_id) -> bool:
    """Build the form, invite, write lessons and propose the summary: planning staff."""
    return acts_for(user, office_id, *PLANNERS)


def reads(user, office_id) -> bool:
    """Read the evaluation's results, invitations and unapproved summary: planning, the director, administrators."""
    return acts_for(user, office_id, *EVALUATION_STAFF)


def approves(user, office_id) -> bool:
    return acts_for(user, office_id, *DIRECTORS)


def _may_write(user, summary) -> bool:
    return summary.editable and runs(user, summary.office_id)


def _ready(summary, *, by, now):
    from .services import current_form

    if not summary.overview.strip():
        raise WorkflowError(_("Write the summary of the evaluation before proposing it."))
    form = current_form(summary.fiscal_year)
    if form is None or not form.criteria.exists():
        raise WorkflowError(_("Build the evaluation form before proposing the summary."))


def _stamp_approve(summary, *, by, now, reason):
    from .services import build_snapshot

    summary.approved_at, summary.snapshot = now, build_snapshot(summary.fiscal_year, today=now.date())
    return ["approved_at", "snapshot"]


SUMMARY_MOVES = {
    "propose": Move("submitted", frozenset({State.DRAFT, State.RETURNED}), State.SUBMITTED,
                    who=lambda user, item: runs(user, item.office_id), label=gettext_lazy("proposed"),
                    ready=_ready, stamp=stamp_submit),
    "return": Move("returned", frozenset({State.SUBMITTED}), State.RETURNED,
                   who=lambda user, item: approves(user, item.office_id), label=gettext_lazy("returned"),
                   stamp=stamp_return,
                   needs_reason=gettext_lazy("Say why the summary is returned; the planning group will read it.")),
    "approve": Move("approved", frozenset({State.SUBMITTED}), State.APPROVED,
                    who=lambda user, item: approves(user, item.office_id), label=gettext_lazy("approved"),
                    stamp=_stamp_approve),
}

engine.register(Kind(
    model=Summary, moves=SUMMARY_MOVES, may_write=_may_write, related=("fiscal_year",),
    write_refusal=lambda summary: _("The planning group writes the summary, while it is a draft or returned.")))


def save_summary(summary_id: int, *, by, expected_version, overview: str) -> Summary:
    return engine.save_with_evidence(Summary, summary_id, by=by, expected_version=expected_version,
                                     values={"overview": overview.strip()})


def move_summary(summary_id: int, name: str, *, by, expected_version, reason: str = "") -> Summary:
    return engine.move(Summary, summary_id, name, by=by, expected_version=expected_version, reason=reason)
