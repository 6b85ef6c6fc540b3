"""The workflow machinery shared by quarterly forms, inspection reports and follow-up actions.

A workflow object has a ``state``, a ``version`` (optimistic locking: a change made from a page
that is no longer current is refused) and an event model holding its history. ``transition()``
locks the row, checks the version, the source state and the user's right, and ``record()`` writes
the change and its event in the same transaction.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _


class WorkflowError(Exception):
    """A change the user may not make now; the message says why and who can help."""


class NotAllowed(WorkflowError):
    """The user's role does not allow this change (shown as 403)."""


class ConflictError(WorkflowError):
    """Someone else changed the item after the user opened it."""


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset
    target: str


def lock(model, pk: int, expected_version: int | None, *, related=()):
    """The row, locked for the transaction; ConflictError if it moved on since ``expected_version``."""
    item = model.objects.select_for_update().select_related(*related).get(pk=pk)
    if expected_version is not None and item.version != expected_version:
        raise ConflictError(_("Someone else changed this while you had it open (now at version %(now)s, "
                              "you had %(yours)s). Nothing was saved; reload the page to see their changes.")
                            % {"now": item.version, "yours": expected_version})
    return item


def check(item, transition: Transition, allowed: bool, *, label: str):
    if item.state not in transition.sources:
        raise WorkflowError(_("This is %(state)s; it cannot be %(action)s now.")
                            % {"state": item.get_state_display(), "action": label})
    if not allowed:
        raise NotAllowed(_("You may not do that."))


def note_change(item, attr: str, new, changes: dict) -> None:
    """Set ``item.attr`` to ``new``, noting [old, new] (as text) in ``changes`` when it differs."""
    old = getattr(item, attr)
    if old != new:
        changes[attr] = [str(old or ""), str(new or "")]
        setattr(item, attr, new)


def record(item, *, events, by, action, from_state, reason="", changes=None, fields=()):
    """Save ``fields`` (and the new version) and write the event; ``events`` is the item's event manager."""
    item.version += 1
    item.save(update_fields=[*fields, "version", "updated_at"])
    item.last_event = events.create(actor=by, action=action, from_state=from_state, to_state=item.state,
                                    reason=reason, changes=changes or {})
    return item
