"""Inspection actions and monitoring rounds as sources of deadline reminders (registered in
``InspectionsConfig.ready()``).

An action not yet done is reminded to its owner 3 working days before its due date and on the
day, and escalated to the group's head with a copy to planning staff 3 working days after it.
A monitoring round's indicator results not yet sent (draft or returned) are reminded the same way to
their responsible persons, before and on the round's due date, and escalated after it.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.urls import reverse

from accounts.models import User
from accounts.people import watchers_of
from plans.lib.workdays import shift_working_days, working_days_between
from plans.services import holiday_dates_of
from reminders import outbox
from reminders.sources import Source

from .models import FollowUpAction, MonitoringResult


@dataclass(frozen=True)
class ActionRule:
    offset: int  # working days from the due date
    audience: str  # "owner" or "escalation", as ReminderRule.Audience

    @property
    def code(self) -> str:
        return f"action{self.offset:+d}"


RULES = (ActionRule(-3, "owner"), ActionRule(0, "owner"), ActionRule(3, "escalation"))
PENDING = (FollowUpAction.State.OPEN, FollowUpAction.State.IN_PROGRESS, FollowUpAction.State.RETURNED)


@dataclass
class ActionItem:
    """One inspection action someone is told about."""

    recipient: User
    action: FollowUpAction
    rule: ActionRule
    days_left: int
    kind = "action"

    @property
    def key(self) -> str:
        return (f"action:{self.action.pk}:{self.rule.code}:{self.rule.audience}:{self.action.due_date.isoformat()}"
                f":user:{self.recipient.pk}")

    @property
    def office_id(self) -> int:
        return self.action.group.office_id

    @property
    def due_date(self) -> date:
        return self.action.due_date

    def link(self, site_url) -> str:
        return site_url(reverse("inspections:action", args=[self.action.pk]))

    def line(self) -> str:
        return (f"inspection action {self.action.pk} due {self.action.due_date} [{self.rule.code}, "
                f"{self.rule.audience}] {self.days_left:+d} working days, {self.action.state}")


def _due_items(records, *, office, due_date, owner, group_id, rules, make, today: date, catch_up_days: int,
               window: tuple[date, date]) -> list:
    """One item per person to tell about each record whose reminder day (per rule) was today or within the
    catch-up days: the record's owner for "owner" rules, the group's heads and planning for escalation."""
    if not records:
        return []
    offices = {office(record).pk for record in records}
    holidays_of = holiday_dates_of(offices, window[0] - timedelta(days=20), window[1] + timedelta(days=20))
    due = []
    for record in records:
        place = office(record)
        holidays = holidays_of[place.pk]
        latest = {}
        for rule in rules:
            day = shift_working_days(due_date(record), rule.offset, holidays)
            if day <= today <= day + timedelta(days=catch_up_days) and day > latest.get(rule.audience, (date.min,))[0]:
                latest[rule.audience] = (day, rule)
        if latest:
            due.append((record, place, latest, working_days_between(today, due_date(record), holidays)))
    people = watchers_of({place.pk for _record, place, latest, _days in due if "escalation" in latest})
    items = []
    for record, place, latest, days_left in due:
        for audience, (_day, rule) in latest.items():
            if audience == "owner":
                person = owner(record)
                recipients = [person] if person.is_active and person.email else []
            else:
                heads, planning = people[place.pk]
                recipients = heads.get(group_id(record), []) + planning
            for person in {p.pk: p for p in recipients}.values():
                items.append(make(person, record, rule, days_left))
    return items


def action_items(today: date, catch_up_days: int) -> list[ActionItem]:
    """Actions whose reminder day (per rule) was today or within the catch-up days."""
    window = (today - timedelta(days=40), today + timedelta(days=40))
    actions = list(FollowUpAction.objects.filter(state__in=PENDING, due_date__range=window)
                   .select_related("group__office", "owner", "recommendation__issue"))
    return _due_items(actions, office=lambda a: a.group.office, due_date=lambda a: a.due_date, owner=lambda a: a.owner,
                      group_id=lambda a: a.group_id, rules=RULES, make=ActionItem, today=today,
                      catch_up_days=catch_up_days, window=window)


def letter_context(items: list[ActionItem], today: date) -> dict:
    """The actions' part of one person's deadline letter."""
    for item in items:
        item.href = item.link(outbox.site_url)
    return {"own_actions": [i for i in items if i.rule.audience == "owner"],
            "watch_actions": [i for i in items if i.rule.audience == "escalation"],
            "my_actions": outbox.site_url(reverse("inspections:mine"))}


ACTIONS_SOURCE = Source(kind=ActionItem.kind, items=action_items, context=letter_context)


# --- Monitoring rounds ------------------------------------------------------------------------

ROUND_RULES = (ActionRule(-3, "owner"), ActionRule(0, "owner"), ActionRule(3, "escalation"))
UNSENT_RESULTS = (MonitoringResult.State.DRAFT, MonitoringResult.State.RETURNED)


@dataclass
class RoundItem:
    """One indicator result of a monitoring round, not sent yet, someone is told about."""

    recipient: User
    result: MonitoringResult
    rule: ActionRule
    days_left: int
    kind = "round"

    @property
    def key(self) -> str:
        return (f"round:{self.result.round_id}:result:{self.result.pk}:round{self.rule.offset:+d}:{self.rule.audience}:"
                f"{self.due_date.isoformat()}:user:{self.recipient.pk}")

    @property
    def office_id(self) -> int:
        return self.result.round.fiscal_year.office_id

    @property
    def due_date(self) -> date:
        return self.result.round.due_date

    def line(self) -> str:
        return (f"monitoring round {self.result.round_id} “{self.result.round.title}” indicator "
                f"{self.result.indicator.code} due {self.due_date} [round{self.rule.offset:+d}, {self.rule.audience}] "
                f"{self.days_left:+d} working days, {self.result.state}")


def round_items(today: date, catch_up_days: int) -> list[RoundItem]:
    """Results not sent of rounds whose reminder day (per rule) was today or within the catch-up days."""
    window = (today - timedelta(days=40), today + timedelta(days=40))
    results = list(MonitoringResult.objects.filter(state__in=UNSENT_RESULTS, round__due_date__range=window)
                   .select_related("round__fiscal_year__office", "responsible", "indicator")
                   .order_by("round__due_date", "round_id", "indicator__order", "indicator__code"))
    return _due_items(results, office=lambda r: r.round.fiscal_year.office, due_date=lambda r: r.round.due_date,
                      owner=lambda r: r.responsible, group_id=lambda r: r.group_id, rules=ROUND_RULES, make=RoundItem,
                      today=today, catch_up_days=catch_up_days, window=window)


def round_letter_context(items: list[RoundItem], today: date) -> dict:
    """The monitoring rounds' part of one person's deadline letter."""
    for item in items:
        item.href = outbox.site_url(reverse("inspections:result", args=[item.result.pk]))
    return {"own_results": [i for i in items if i.rule.audience == "owner"],
            "watch_results": [i for i in items if i.rule.audience == "escalation"],
            "monitoring": outbox.site_url(reverse("inspections:monitoring"))}


ROUNDS_SOURCE = Source(kind=RoundItem.kind, items=round_items, context=round_letter_context)
