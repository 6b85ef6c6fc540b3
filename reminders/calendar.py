"""Monitoring-calendar activities as a source of deadline reminders (registered in ``RemindersConfig.ready()``).

Each activity of a fiscal year's monitoring calendar (responsible group, months or dates) is reminded to its
group's head and the office's planning staff on the days the year's calendar rules name (``ReminderRule`` with
source "calendar"): before it starts, and after its last day while nobody has marked it done (overdue). An
activity in separate months (every quarter: months 1, 4, 7) is reminded for each run of months. The
outbox's unique keys make each reminder go once per person per rule.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.urls import reverse

from accounts.models import User
from accounts.people import watchers_of
from plans.lib.fiscal import fiscal_year_of
from plans.lib.workdays import shift_working_days, working_days_between
from plans.models import CalendarActivity, FiscalYear
from plans.services import holiday_dates_of

from . import outbox
from .models import ReminderRule
from .sources import Source
from .sweep import rules_of


@dataclass
class CalendarItem:
    """One calendar activity someone is told about."""

    recipient: User
    activity: CalendarActivity
    rule: ReminderRule
    start: date
    end: date
    days_left: int  # working days to the activity's start (before-start rules) or end (others); negative: overdue

    kind = "calendar"

    @property
    def key(self) -> str:
        return (f"calendar:{self.activity.pk}:{self.rule.code}:{self.start.isoformat()}:{self.end.isoformat()}"
                f":user:{self.recipient.pk}")

    @property
    def office_id(self) -> int:
        return self.activity.fiscal_year.office_id

    @property
    def due_date(self) -> date:
        return self.start if self.starting else self.end

    @property
    def starting(self) -> bool:
        return self.rule.anchor == ReminderRule.Anchor.START

    def line(self) -> str:
        group = self.activity.responsible_group.code if self.activity.responsible_group else "-"
        return (f"calendar activity {self.activity.pk} “{self.activity.title}” ({group}) {self.start}–{self.end} "
                f"[{self.rule.code}, {self.rule.audience}] {self.days_left:+d} working days")


def _years_near(today: date):
    """The fiscal years an activity reminded today can belong to (this one and the one just ended)."""
    year = fiscal_year_of(today)
    return (FiscalYear.objects.filter(year__in=[year - 1, year, year + 1]).select_related("office")
            .order_by("office_id", "year"))


def calendar_items(today: date, catch_up_days: int) -> list[CalendarItem]:
    """Runs of activities not done whose reminder day (per the year's calendar rules) was today or within the
    catch-up days: the latest such rule per run. Every office's years at once, in a fixed number of queries."""
    years = {fy.pk: fy for fy in _years_near(today)}
    activities = (CalendarActivity.objects.filter(fiscal_year_id__in=list(years)).select_related("responsible_group")
                  .order_by("fiscal_year__office_id", "fiscal_year__year", "order", "id"))
    runs = []
    for activity in activities:
        activity.fiscal_year = years[activity.fiscal_year_id]  # the year's office already loaded
        runs += [(activity, run) for run in activity.runs() if not activity.done_for(run)]
    if not runs:
        return []
    rules = rules_of({activity.fiscal_year_id for activity, _run in runs}, ReminderRule.Source.CALENDAR)
    with_runs = [years[fy_id] for fy_id in rules]
    holidays = holiday_dates_of({fy.office_id for fy in with_runs},
                                min(fy.start for fy in with_runs) - timedelta(days=60),
                                max(fy.end for fy in with_runs) + timedelta(days=60))
    due = []
    for activity, (start, end) in runs:
        days_off = holidays[activity.fiscal_year.office_id]
        latest = None
        for rule in rules[activity.fiscal_year_id]:
            anchor = start if rule.anchor == ReminderRule.Anchor.START else end
            day = shift_working_days(anchor, rule.offset, days_off)
            if day <= today <= day + timedelta(days=catch_up_days) and (latest is None or day > latest[0]):
                latest = (day, rule)
        if latest is not None:
            due.append((activity, start, end, latest[1], days_off))
    people = watchers_of({activity.fiscal_year.office_id for activity, *_rest in due})
    items = []
    for activity, start, end, rule, days_off in due:
        anchor = start if rule.anchor == ReminderRule.Anchor.START else end
        heads, planning = people[activity.fiscal_year.office_id]
        recipients = heads.get(activity.responsible_group_id, []) + planning
        for person in {p.pk: p for p in recipients}.values():
            items.append(CalendarItem(person, activity, rule, start, end,
                                      working_days_between(today, anchor, days_off)))
    return items


def letter_context(items: list[CalendarItem], today: date) -> dict:
    """The calendar's part of one person's deadline letter."""
    for item in items:
        item.href = outbox.site_url(reverse("plans:fiscal_year_detail", args=[item.activity.fiscal_year.year])
                                    + "#calendar")
    return {"calendar_soon": [i for i in items if i.starting],
            "calendar_late": [i for i in items if not i.starting]}


CALENDAR_SOURCE = Source(kind=CalendarItem.kind, items=calendar_items, context=letter_context)
