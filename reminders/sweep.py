"""The reminder sweep: who must be told about which quarterly forms today, and the weekly digest.

Run hourly by Celery beat and by ``manage.py send_reminders``. Each reminder (form × rule × due
date × person) is a row with a unique key, so running the sweep again — or two at once — never
tells anyone the same thing twice. Everything one person is told in a sweep goes in one e-mail.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import connection, transaction
from django.urls import reverse

from accounts.models import Role, User
from plans.lib.workdays import add_working_days, is_working_day, working_days_between
from plans.models import Quarter
from plans.services import holiday_dates
from projects.models import Project, QuarterlyReport

from . import outbox
from .models import Message, Reminder, ReminderRule

# A reminder whose day was missed (the sweep did not run) still goes out this many days later.
CATCH_UP_DAYS = 2
UNSENT = (QuarterlyReport.State.DRAFT, QuarterlyReport.State.RETURNED)
SWEEP_LOCK = 7_105_569  # PostgreSQL advisory lock id: one sweep at a time


def shift_working_days(day: date, offset: int, holidays) -> date:
    """``offset`` working days after ``day`` (before when negative; ``day`` itself when 0)."""
    if offset > 0:
        return add_working_days(day, offset, holidays)
    while offset < 0:
        day -= timedelta(days=1)
        if is_working_day(day, holidays):
            offset += 1
    return day


def rules_for(fiscal_year) -> list[ReminderRule]:
    """The year's rules; a year without any gets the defaults."""
    rules = list(fiscal_year.reminder_rules.all())
    if not rules:
        rules = [ReminderRule.objects.get_or_create(fiscal_year=fiscal_year, anchor=anchor, offset=offset,
                                                    audience=audience)[0]
                 for anchor, offset, audience in ReminderRule.DEFAULTS]
    return [rule for rule in rules if rule.is_active]


def rule_day(rule: ReminderRule, quarter: Quarter, holidays) -> date:
    if rule.anchor == ReminderRule.Anchor.WINDOW:
        return quarter.window_opens()
    return shift_working_days(quarter.due_date, rule.offset, holidays)


@dataclass
class Item:
    """One form someone is told about."""

    recipient: User
    project: Project
    quarter: Quarter
    report: QuarterlyReport | None
    rule: ReminderRule
    days_left: int  # working days to the due date; negative: overdue

    kind = "form"

    @property
    def key(self) -> str:
        return (f"form:{self.project.pk}:q{self.quarter.pk}:{self.rule.code}:{self.rule.audience}:"
                f"{self.quarter.due_date.isoformat()}:user:{self.recipient.pk}")

    @property
    def office_id(self) -> int:
        return self.project.office_id

    @property
    def due_date(self) -> date:
        return self.quarter.due_date

    def line(self) -> str:
        state = self.report.state if self.report else "not started"
        return (f"{self.project.code} Q{self.quarter.number}/{self.quarter.fiscal_year.year} due {self.quarter.due_date} "
                f"[{self.rule.code}, {self.rule.audience}] {self.days_left:+d} working days, {state}")


@dataclass
class Letter:
    recipient: User
    items: list[Item] = field(default_factory=list)


def _quarters_near(today: date):
    """Quarters whose window may open soon or whose due date is recent: the only ones rules can fall on."""
    return (Quarter.objects.filter(end_date__lte=today + timedelta(days=31), due_date__gte=today - timedelta(days=45))
            .select_related("fiscal_year__office").order_by("fiscal_year__office_id", "start_date"))


def _people(office) -> tuple[dict, list]:
    """Group heads by group id, and the planning staff of the office (active, with an address)."""
    users = (User.objects.filter(office=office, is_active=True).exclude(email="")
             .filter(role_assignments__role__in=[Role.GROUP_HEAD, Role.PLANNING]).distinct()
             .prefetch_related("role_assignments", "work_groups"))
    heads, planning = defaultdict(list), []
    for user in users:
        roles = {assignment.role for assignment in user.role_assignments.all()}
        if Role.PLANNING in roles:
            planning.append(user)
        if Role.GROUP_HEAD in roles:
            for group in user.work_groups.all():
                heads[group.pk].append(user)
    return heads, planning


def form_items(today: date) -> list[Item]:
    """Quarterly forms not sent, on the days the year's rules name."""
    items = []
    for quarter in _quarters_near(today):
        fy, office = quarter.fiscal_year, quarter.fiscal_year.office
        holidays = holiday_dates(office, quarter.end_date - timedelta(days=20), quarter.due_date + timedelta(days=40))
        latest = {}  # audience → (day, rule): the most recent rule due now, per audience
        for rule in rules_for(fy):
            day = rule_day(rule, quarter, holidays)
            due_now = day <= today <= day + timedelta(days=CATCH_UP_DAYS)
            if due_now and day > latest.get(rule.audience, (date.min,))[0]:
                latest[rule.audience] = (day, rule)
        if not latest:
            continue
        projects = list(Project.objects.filter(fiscal_year=fy).exclude(status=Project.Status.CANCELLED)
                        .select_related("group", "office").prefetch_related("owners").order_by("code"))
        reports = {r.project_id: r for r in QuarterlyReport.objects.filter(quarter=quarter, project__in=projects)}
        pending = [p for p in projects if p.pk not in reports or reports[p.pk].state in UNSENT]
        days_left = working_days_between(today, quarter.due_date, holidays)
        heads, planning = _people(office) if ReminderRule.Audience.ESCALATION in latest else ({}, [])
        for audience, (_day, rule) in latest.items():
            for project in pending:
                if audience == ReminderRule.Audience.OWNER:
                    people = [u for u in project.owners.all() if u.is_active and u.email]
                else:
                    people = heads.get(project.group_id, []) + planning
                for person in {p.pk: p for p in people}.values():
                    items.append(Item(person, project, quarter, reports.get(project.pk), rule, days_left))
    return items


# Where reminders come from: each source returns today's items (anything with a unique ``key``, a
# ``recipient`` and a ``rule``). Inspection actions nearing or past their due date join here as a
# second source, so they share the once-only keys, the one-letter-per-person and the outbox.
def inspection_action_items(today: date) -> list:
    from inspections.reminders import action_items

    return action_items(today, CATCH_UP_DAYS)


SOURCES = [form_items, inspection_action_items]


def due_items(today: date) -> list[Item]:
    """Everything that should be told today, whether or not it already was."""
    return [item for source in SOURCES for item in source(today)]


def _lock() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [SWEEP_LOCK])


def plan(today: date) -> list[Letter]:
    """What the sweep would send now: items not told yet, one letter per person."""
    items = due_items(today)
    told = set()
    keys = [item.key for item in items]
    for start in range(0, len(keys), 500):
        told.update(Reminder.objects.filter(key__in=keys[start:start + 500]).values_list("key", flat=True))
    letters = {}
    for item in items:
        if item.key in told:
            continue
        letters.setdefault(item.recipient.pk, Letter(item.recipient)).items.append(item)
    return sorted(letters.values(), key=lambda letter: letter.recipient.email)


def _context(letter: Letter, today: date) -> dict:
    forms = [i for i in letter.items if i.kind == "form"]
    actions = [i for i in letter.items if i.kind == "action"]
    own = [i for i in forms if i.rule.audience == ReminderRule.Audience.OWNER]
    watch = [i for i in forms if i.rule.audience == ReminderRule.Audience.ESCALATION]
    for item in forms:
        item.link = outbox.site_url(reverse("projects:report", args=[item.project.pk, item.quarter.number]))
    for item in actions:
        item.href = item.link(outbox.site_url)
    for item in letter.items:
        item.overdue = -item.days_left if item.days_left < 0 else 0
    return {"own": own, "watch": watch, "today": today, "count": len(letter.items),
            "own_actions": [i for i in actions if i.rule.audience == "owner"],
            "watch_actions": [i for i in actions if i.rule.audience == "escalation"],
            "my_forms": outbox.site_url(reverse("projects:my_forms")),
            "my_actions": outbox.site_url(reverse("inspections:mine"))}


def sweep(today: date) -> list[Letter]:
    """Record and queue today's reminders; returns the letters written (empty when all were sent before)."""
    with transaction.atomic():
        _lock()
        letters = plan(today)
        for letter in letters:
            rows = Reminder.objects.bulk_create([
                Reminder(key=item.key, office_id=item.office_id, recipient=letter.recipient,
                         project=getattr(item, "project", None), quarter=getattr(item, "quarter", None),
                         rule=item.rule.code, audience=item.rule.audience, due_date=item.due_date, day=today)
                for item in letter.items
            ])
            message = outbox.enqueue(
                key=f"deadlines:{today.isoformat()}:user:{letter.recipient.pk}:r{rows[0].pk}",
                kind=Message.Kind.DEADLINE, recipient=letter.recipient, office=letter.recipient.office,
                template="deadlines", context=_context(letter, today))
            if message is not None:
                Reminder.objects.filter(pk__in=[row.pk for row in rows]).update(message=message)
    outbox.requeue_waiting()
    return letters
