"""The reminder sweep: who must be told about which deadlines today (sources register in reminders.sources).

Run hourly by Celery beat and by ``manage.py send_reminders``. Each reminder (form × rule × due
date × person) is a row with a unique key, so running the sweep again — or two at once — never
tells anyone the same thing twice. Everything one person is told in a sweep goes in one e-mail.
"""

import hashlib
from dataclasses import dataclass, field
from datetime import date

from django.db import connection, transaction

from accounts.models import User
from plans.lib.workdays import shift_working_days
from plans.models import Quarter

from . import outbox
from .models import Message, Reminder, ReminderRule
from .sources import SOURCES

# A reminder whose day was missed (the sweep did not run) still goes out this many days later.
CATCH_UP_DAYS = 2
SWEEP_LOCK = 7_105_569  # PostgreSQL advisory lock id: one sweep at a time


def rules_for(fiscal_year, source: str = ReminderRule.Source.FORM) -> list[ReminderRule]:
    """The year's rules about ``source`` (quarterly forms by default); a year without any gets the defaults."""
    return rules_of([fiscal_year], source)[fiscal_year.pk]


def rules_of(fiscal_years, source: str = ReminderRule.Source.FORM) -> dict[int, list[ReminderRule]]:
    """:func:`rules_for` of each of ``fiscal_years`` (objects or ids) by year id: the active rules, the defaults
    saved first for the years that have none — in two or three queries whatever the number of years."""
    ids = {fy.pk if hasattr(fy, "pk") else fy for fy in fiscal_years}
    if not ids:
        return {}
    rules = list(ReminderRule.objects.filter(fiscal_year_id__in=ids, source=source))
    missing = ids - {rule.fiscal_year_id for rule in rules}
    if missing:
        defaults = ReminderRule.CALENDAR_DEFAULTS if source == ReminderRule.Source.CALENDAR else ReminderRule.DEFAULTS
        # ignore_conflicts: another sweep (or a planner's first save) may make the same rows meanwhile
        ReminderRule.objects.bulk_create([ReminderRule(fiscal_year_id=fy_id, source=source, anchor=anchor,
                                                       offset=offset, audience=audience)
                                          for fy_id in sorted(missing) for anchor, offset, audience in defaults],
                                         ignore_conflicts=True)
        order = {tuple(default): index for index, default in enumerate(defaults)}  # as listed, like the first time
        rules += sorted(ReminderRule.objects.filter(fiscal_year_id__in=missing, source=source),
                        key=lambda rule: order.get((rule.anchor, rule.offset, rule.audience), len(order)))
    found = {fy_id: [] for fy_id in ids}
    for rule in rules:
        if rule.is_active:
            found[rule.fiscal_year_id].append(rule)
    return found


def rule_day(rule: ReminderRule, quarter: Quarter, holidays) -> date:
    if rule.anchor == ReminderRule.Anchor.WINDOW:
        return quarter.window_opens()
    return shift_working_days(quarter.due_date, rule.offset, holidays)


@dataclass
class Letter:
    """Everything one person is told in a sweep: an account (``recipient``) or, for an item with
    ``recipient=None``, a person without one, known by the item's ``to_email`` and ``to_name``."""
    recipient: User | None
    items: list = field(default_factory=list)
    to_email: str = ""
    to_name: str = ""

    @property
    def email(self) -> str:
        return self.recipient.email if self.recipient is not None else self.to_email


def _addressee(item) -> tuple:
    if item.recipient is not None:
        return ("user", item.recipient.pk)
    # per office too: one office's mail log never shows another office's projects
    return ("outside", item.office_id, item.to_email.strip().lower())


# Where reminders come from: each registered source (reminders.sources) returns today's items, so
# quarterly forms and inspection actions share the once-only keys, the one letter per person and the outbox.
def due_items(today: date) -> list:
    """Everything that should be told today, whether or not it already was."""
    return [item for source in SOURCES.values() for item in source.items(today, CATCH_UP_DAYS)]


def _lock() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [SWEEP_LOCK])


def plan(today: date) -> list[Letter]:
    """What the sweep would send now: items not told yet, one letter per person."""
    items = due_items(today)
    told = set()
    for keys in outbox.in_batches([item.key for item in items]):
        told.update(Reminder.objects.filter(key__in=keys).values_list("key", flat=True))
    letters = {}
    for item in items:
        if item.key in told:
            continue
        if item.recipient is None and not getattr(item, "to_email", ""):
            continue
        letters.setdefault(_addressee(item), Letter(item.recipient, to_email=getattr(item, "to_email", ""),
                                                    to_name=getattr(item, "to_name", ""))).items.append(item)
    return sorted(letters.values(), key=lambda letter: letter.email)


def _context(letter: Letter, today: date) -> dict:
    for item in letter.items:
        item.overdue = -item.days_left if item.days_left < 0 else 0
    context = {"today": today, "count": len(letter.items)}
    by_kind = {}
    for item in letter.items:
        by_kind.setdefault(item.kind, []).append(item)
    for kind, source in SOURCES.items():
        if kind in by_kind:  # a source with nothing in this letter has nothing to say in it
            context.update(source.context(by_kind[kind], today))
    return context


def _message_key(letter: Letter, today: date) -> str:
    """The letter's outbox key: its day, its addressee and what it tells (the same letter twice is one message)."""
    who = f"user:{letter.recipient.pk}" if letter.recipient is not None else "outside"
    told = hashlib.sha256("\n".join(sorted(item.key for item in letter.items)).encode()).hexdigest()[:32]
    return f"deadlines:{today.isoformat()}:{who}:{told}"


def sweep(today: date) -> list[Letter]:
    """Record and queue today's reminders; returns the letters written (empty when all were sent before).

    In a fixed number of queries whatever the number of letters: the items, which were told, the letters'
    messages (outbox.enqueue_many), then every reminder in one insert, already linked to its letter's message."""
    with transaction.atomic():
        _lock()
        letters = plan(today)
        keys = [_message_key(letter, today) for letter in letters]
        outgoing = []
        for letter, key in zip(letters, keys, strict=True):
            if letter.recipient is not None:
                to = {"recipient": letter.recipient, "office": letter.recipient.office_id}
            else:
                to = {"recipient": None, "office": letter.items[0].office_id, "to_email": letter.to_email,
                      "to_name": letter.to_name}
            outgoing.append({"key": key, "kind": Message.Kind.DEADLINE, "template": "deadlines",
                             "context": _context(letter, today), **to})
        messages = outbox.enqueue_many(outgoing)  # key → id; none when muted
        # ignore_conflicts: a sweep racing this one (where the lock cannot hold it, e.g. SQLite) may have recorded
        # some of them; each row recorded here is linked to its letter's message whoever made that message
        Reminder.objects.bulk_create([
            Reminder(key=item.key, office_id=item.office_id, recipient=letter.recipient,
                     project=getattr(item, "project", None), quarter=getattr(item, "quarter", None),
                     rule=item.rule.code, audience=item.rule.audience, due_date=item.due_date, day=today,
                     message_id=messages.get(key))
            for letter, key in zip(letters, keys, strict=True) for item in letter.items
        ], ignore_conflicts=True)
    outbox.requeue_waiting()
    return letters
