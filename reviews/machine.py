"""The state machine every reviewed record goes through.

A reviewed record has a ``state``, a ``version`` (optimistic locking: a change made from a page
that is no longer current is refused) and an event manager holding its history. ``lock()`` locks
the row and checks the version, ``check()`` the source state and the user's right, and
``record()`` writes the change and its event in the same transaction.

Refusals are exceptions; :func:`status_for` maps each to the one HTTP status used everywhere:
:class:`NotAllowed` 403, :class:`ConflictError` 409, any other :class:`WorkflowError` 400.
"""

from dataclasses import dataclass

from django.db import connection
from django.utils.translation import gettext as _


class WorkflowError(Exception):
    """A change that cannot be made now; the message says why and who can help (400)."""


class NotAllowed(WorkflowError):
    """The user's role does not allow this change (403)."""


class ConflictError(WorkflowError):
    """Someone else changed the item after the user opened it (409)."""


class BadInput(WorkflowError):
    """The request itself is malformed: a missing version, an id that is not a number (400)."""


def status_for(error: WorkflowError) -> int:
    """The page's status for a refusal: 403 not allowed, 409 stale page, 400 anything else."""
    if isinstance(error, NotAllowed):
        return 403
    if isinstance(error, ConflictError):
        return 409
    return 400


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset
    target: str


def parse_version(raw) -> int:
    """The version a page was showing, from a form value; :class:`BadInput` when missing or not a number."""
    if isinstance(raw, int) and not isinstance(raw, bool):
        return raw
    text = str(raw if raw is not None else "").strip()
    if not text.isdecimal():
        raise BadInput(_("The page did not say which version it showed, so nothing was saved. Reload the page "
                         "and try again."))
    return int(text)


def parse_id(raw) -> int:
    """A record id from a form value; :class:`BadInput` when missing or not a number."""
    text = str(raw if raw is not None else "").strip()
    if not text.isdecimal():
        raise BadInput(_("The request named no valid item, so nothing was saved. Reload the page and try again."))
    return int(text)


def set_actor(user) -> None:
    """Let a revision trigger know who is acting (PostgreSQL; transaction-local)."""
    if connection.vendor == "postgresql" and user is not None and user.pk is not None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('tidtam.actor_id', %s, true)", [str(user.pk)])


def lock(model, pk: int, expected_version, *, related=()):
    """The row, locked for the transaction; ConflictError if it moved on since ``expected_version``.

    A missing or non-numeric version is :class:`BadInput`: there is no write without the check.
    """
    expected_version = parse_version(expected_version)
    item = model.objects.select_for_update().select_related(*related).get(pk=pk)
    if item.version != expected_version:
        # The version counts every move, not edits: people are not shown its number.
        raise ConflictError(_("Someone else changed this while you had it open. Nothing was saved; reload the "
                              "page to see their changes."))
    return item


def check(item, transition: Transition, allowed: bool, *, label: str):
    if item.state not in transition.sources:
        raise WorkflowError(_("This is %(state)s; it cannot be %(action)s now.")
                            % {"state": item.get_state_display(), "action": label})
    if not allowed:
        raise NotAllowed(_("You may not do that."))


def note_change(item, attr: str, new, changes: dict, *, label: str | None = None) -> None:
    """Set ``item.attr`` to ``new``, noting [old, new] (as text) in ``changes`` when it differs."""
    old = getattr(item, attr)
    if old != new:
        changes[label or attr] = [_as_text(old), _as_text(new)]
        setattr(item, attr, new)


def _as_text(value) -> str:
    """A value as the history keeps it: a list as its items joined with commas."""
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return str(value or "")


def record(item, *, events, by, action, from_state, reason="", changes=None, fields=(), to_state=None, **event):
    """Save ``fields`` (and the new version) and write the event; ``events`` is the manager the event goes in
    (usually the item's own; extra keyword arguments are passed to the event)."""
    item.version += 1
    update = [*fields, "version"]
    if any(field.name == "updated_at" for field in item._meta.concrete_fields):
        update.append("updated_at")
    item.save(update_fields=update)
    if to_state is None:
        to_state = getattr(item, "state", "")
    item.last_event = events.create(actor=by, action=action, from_state=from_state, to_state=to_state,
                                    reason=reason, changes=changes or {}, **event)
    return item
