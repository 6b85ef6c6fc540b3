"""Inspection actions as a source of deadline reminders (registered in ``InspectionsConfig.ready()``).

An action not yet done is reminded to its owner 3 working days before its due date and on the
day, and escalated to the group's head with a copy to planning staff 3 working days after it.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.urls import reverse

from accounts.models import User
from accounts.people import watchers
from plans.lib.workdays import shift_working_days, working_days_between
from plans.services import holiday_dates
from reminders import outbox
from reminders.sources import Source

from .models import FollowUpAction


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


def action_items(today: date, catch_up_days: int) -> list[ActionItem]:
    """Actions whose reminder day (per rule) was today or within the catch-up days."""
    window = (today - timedelta(days=40), today + timedelta(days=40))
    actions = list(FollowUpAction.objects.filter(state__in=PENDING, due_date__range=window)
                   .select_related("group__office", "owner", "recommendation__issue"))
    items, holidays_of, people = [], {}, {}
    for action in actions:
        office = action.group.office
        if office.pk not in holidays_of:
            holidays_of[office.pk] = holiday_dates(office, window[0] - timedelta(days=20), window[1] + timedelta(days=20))
        holidays = holidays_of[office.pk]
        latest = {}
        for rule in RULES:
            day = shift_working_days(action.due_date, rule.offset, holidays)
            if day <= today <= day + timedelta(days=catch_up_days) and day > latest.get(rule.audience, (date.min,))[0]:
                latest[rule.audience] = (day, rule)
        days_left = working_days_between(today, action.due_date, holidays)
        for audience, (_day, rule) in latest.items():
            if audience == "owner":
                recipients = [action.owner] if action.owner.is_active and action.owner.email else []
            else:
                if office.pk not in people:
                    people[office.pk] = watchers(office)
                heads, planning = people[office.pk]
                recipients = heads.get(action.group_id, []) + planning
            for person in {p.pk: p for p in recipients}.values():
                items.append(ActionItem(person, action, rule, days_left))
    return items


def letter_context(items: list[ActionItem], today: date) -> dict:
    """The actions' part of one person's deadline letter."""
    for item in items:
        item.href = item.link(outbox.site_url)
    return {"own_actions": [i for i in items if i.rule.audience == "owner"],
            "watch_actions": [i for i in items if i.rule.audience == "escalation"],
            "my_actions": outbox.site_url(reverse("inspections:mine"))}


ACTIONS_SOURCE = Source(kind=ActionItem.kind, items=action_items, context=letter_context)
