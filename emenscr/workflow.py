"""The moves table of an eMENSCR entry (a project keyed for a stage and round); the engine is reviews.engine.

    not keyed ──key──▶ keyed ──correct──▶ keyed (another reference or note, with a reason)
        ▲                │  └──key──▶ keyed (keyed again, after the data changed)
        └──── unkey ◀────┘ (taken back, with a reason)

Every move is an :class:`emenscr.models.EntryEvent`: who, when, the reference and note as they changed, and the
missing fields the person confirmed. Who may: :func:`may_mark` (planning staff; the project's owners too when
the stage allows it).
"""

from django.utils.translation import gettext_lazy

from accounts.permissions import PLANNERS, acts_for
from reviews import engine
from reviews.engine import Kind, Move

from .models import Entry

State = Entry.State

EVENT_LABELS = {"keyed": gettext_lazy("Marked keyed"), "corrected": gettext_lazy("Corrected"),
                "unkeyed": gettext_lazy("Taken back: not keyed")}


def may_mark(user, project, stage) -> bool:
    """Planning staff of the project's office; its owners too when the stage allows it."""
    if acts_for(user, project.office_id, *PLANNERS):
        return True
    return (stage.owners_may_mark and acts_for(user, project.office_id)
            and not user.is_read_only and any(o.pk == user.pk for o in project.owners.all()))


def _may_move(user, entry) -> bool:
    return may_mark(user, entry.project, entry.stage)


def _stamp_key(entry, *, by, now, reason):
    entry.keyed_by, entry.keyed_at = by, now
    return ["keyed_by", "keyed_at"]


def _stamp_unkey(entry, *, by, now, reason):
    entry.keyed_by, entry.keyed_at, entry.snapshot, entry.missing_confirmed = None, None, {}, []
    return ["keyed_by", "keyed_at", "snapshot", "missing_confirmed"]


MOVES = {
    "key": Move("keyed", frozenset({State.OPEN, State.KEYED}), State.KEYED, who=_may_move,
                label=gettext_lazy("marked keyed"), stamp=_stamp_key),
    "correct": Move("corrected", frozenset({State.KEYED}), State.KEYED, who=_may_move,
                    label=gettext_lazy("corrected"),
                    needs_reason=gettext_lazy("Say what is corrected and why; it is kept in the history.")),
    "unkey": Move("unkeyed", frozenset({State.KEYED}), State.OPEN, who=_may_move,
                  label=gettext_lazy("taken back"), stamp=_stamp_unkey,
                  needs_reason=gettext_lazy("Say why the project is not keyed after all; it is kept in the history.")),
}

engine.register(Kind(model=Entry, moves=MOVES, may_write=lambda user, entry: False,
                     related=("project", "stage"), evidence=lambda entry: None))
