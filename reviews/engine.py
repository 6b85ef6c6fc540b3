"""The review engine: one moves table per kind of reviewed record, and the two writes every kind uses.

A kind is a model plus a :class:`Kind` registered here::

    register(Kind(model=MonitoringResult, moves=REPORT_MOVES, may_write=..., related=[...]))

then ``available_moves(user, item)`` lists what the user may do with an item now (``"save"`` first
when they may write its content), ``save_with_evidence(Model, pk, ...)`` writes content, lines and
evidence with a version check and an event, and ``move(Model, pk, name, ...)`` makes a move. Nothing
else locks, checks or records: a new kind of record is a model subclass, a moves table and a
``register`` call.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .evidence import atomic_with_files, save_items
from .machine import BadInput, NotAllowed, Transition, WorkflowError, check, lock, note_change, record, set_actor


def _no_stamps(item, *, by, now, reason) -> list:
    return []


@dataclass(frozen=True)
class Move:
    """One move of a kind: from which states, to which, who may, what it needs and what it stamps.

    ``who(user, item)`` says whether the user may; ``ready(item, by=, now=)`` raises WorkflowError when the
    item is not ready (an empty report); ``stamp(item, by=, now=, reason=)`` sets the move's fields and
    returns their names; ``needs_reason`` is the message shown when a reason is required but missing.
    """

    action: str
    sources: frozenset
    target: str
    who: Callable
    label: str = ""
    needs_reason: str = ""
    ready: Callable | None = None
    stamp: Callable = _no_stamps

    @property
    def transition(self) -> Transition:
        return Transition(self.action, self.sources, self.target)


def _own_events(item):
    return item.events


def _saved(item) -> str:
    return "saved"


@dataclass(frozen=True)
class Kind:
    """A kind of reviewed record: its model, its moves table and who writes its content.

    ``may_write(user, item)`` decides saves (state included); ``write_refusal(item)`` is the message when
    not; ``events(item)`` is the manager its events go in; ``saved_action(item)`` names a save in the
    history; ``after_save(item, changes)`` may change more fields on a save and returns their names.
    """

    model: type
    moves: dict
    may_write: Callable
    write_refusal: Callable = lambda item: _("You may not change this now.")
    related: tuple = ()
    events: Callable = _own_events
    saved_action: Callable = _saved
    after_save: Callable | None = None
    evidence: Callable = field(default=lambda item: item.evidence)


KINDS: dict[type, Kind] = {}
# Called after a move commits, as ``listener(model, pk, action, state)``: how higher layers (reporting warms
# its report parts when a record is approved) learn about moves without this layer importing them.
MOVE_LISTENERS: list[Callable] = []


def on_move(listener: Callable) -> Callable:
    if listener not in MOVE_LISTENERS:
        MOVE_LISTENERS.append(listener)
    return listener


def _tell_listeners(model, pk: int, action: str, state: str) -> None:
    for listener in MOVE_LISTENERS:
        try:
            listener(model, pk, action, state)
        except Exception:  # a listener's failure never undoes or fails the move
            logging.getLogger(__name__).exception("move listener %r failed", listener)


def register(kind: Kind) -> Kind:
    KINDS[kind.model] = kind
    return kind


def kind_of(model_or_item) -> Kind:
    model = model_or_item if isinstance(model_or_item, type) else type(model_or_item)
    return KINDS[model]


def available_moves(user, item) -> list[str]:
    """What ``user`` may do with ``item`` now: ``"save"`` when they may write it, then the moves."""
    kind = kind_of(item)
    names = ["save"] if kind.may_write(user, item) else []
    return names + [name for name, move_ in kind.moves.items()
                    if getattr(item, "state", None) in move_.sources and move_.who(user, item)]


def may_save(user, item) -> bool:
    return kind_of(item).may_write(user, item)


@transaction.atomic
def move(model, pk: int, name: str, *, by, expected_version, reason: str = "", now=None, values: dict | None = None):
    """Make move ``name`` on the record: lock and check the version, the state and the user's right, check
    readiness and the reason, write ``values`` ({field: new value}: what the move carries, like a reference, noted
    in the event's changes), stamp and record the event. Returns the saved record."""
    kind = kind_of(model)
    if name not in kind.moves:
        raise BadInput(_("Unknown action."))
    move_ = kind.moves[name]
    set_actor(by)
    item = lock(model, pk, expected_version, related=kind.related)
    check(item, move_.transition, move_.who(by, item), label=move_.label or name)
    reason = (reason or "").strip()
    if move_.needs_reason and not reason:
        raise WorkflowError(move_.needs_reason)
    now = now or timezone.now()
    if move_.ready is not None:
        move_.ready(item, by=by, now=now)
    from_state = item.state
    changes: dict = {}
    for attr, value in (values or {}).items():
        note_change(item, attr, value, changes)
    item.state = move_.target
    fields = ["state", *(values or {}), *move_.stamp(item, by=by, now=now, reason=reason)]
    if MOVE_LISTENERS:
        transaction.on_commit(lambda: _tell_listeners(model, pk, move_.action, move_.target))
    return record(item, events=kind.events(item), by=by, action=move_.action, from_state=from_state,
                  reason=reason, changes=changes, fields=list(dict.fromkeys(fields)))


def save_with_evidence(model, pk: int, *, by, expected_version, values: dict, evidence: dict | None = None,
                       lines: Callable | None = None, fields=()):
    """Write what the user typed: ``values`` ({field: new value}), ``lines(item, changes)`` for child rows or
    for fields it notes itself (name those in ``fields``) and ``evidence`` (``files``, ``links``, ``remove``),
    with the version check and one event listing the changes. Files written are deleted again if the
    transaction does not commit."""
    kind = kind_of(model)
    with atomic_with_files() as stored:
        set_actor(by)
        item = lock(model, pk, expected_version, related=kind.related)
        if not kind.may_write(by, item):
            raise NotAllowed(kind.write_refusal(item))
        changes: dict = {}

        for attr, value in values.items():
            note_change(item, attr, value, changes)
        if lines is not None:
            lines(item, changes)
        if evidence is not None:
            save_items(kind.evidence(item), by=by, stored=stored, changes=changes, **evidence)
        from_state = getattr(item, "state", "")
        extra = kind.after_save(item, changes) if kind.after_save else []
        return record(item, events=kind.events(item), by=by, action=kind.saved_action(item), from_state=from_state,
                      changes=changes, fields=[*values, *fields, *extra])
