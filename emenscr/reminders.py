"""eMENSCR windows as a source of deadline reminders (registered in ``EmenscrConfig.ready()``).

A window of a stage is reminded 3 calendar days before it closes and on its last day (windows are calendar dates as
typed, not working days): to the owners of each project of the scope not keyed yet in that round, and to planning
staff with the office's count. The sweep's unique keys tell each person once per window and rule.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.urls import reverse

from accounts.models import User
from accounts.people import watchers_of
from plans.lib.fiscal import fiscal_year_of
from plans.models import FiscalYear
from projects.models import Project
from reminders import outbox
from reminders.sources import Source

from .fields import Book, State
from .stages import stages_of


@dataclass(frozen=True)
class WindowRule:
    offset: int  # calendar days from the day the window closes
    audience: str  # "owner" or "escalation" (planning staff), as ReminderRule.Audience

    @property
    def code(self) -> str:
        return f"emenscr{self.offset:+d}"


RULES = (WindowRule(-3, "owner"), WindowRule(0, "owner"), WindowRule(-3, "escalation"), WindowRule(0, "escalation"))


@dataclass
class WindowItem:
    recipient: User
    fiscal_year: FiscalYear
    stage: object
    round: int
    closes: date
    rule: WindowRule
    days_left: int
    projects: list
    kind = "emenscr"

    @property
    def key(self) -> str:
        return (f"emenscr:{self.fiscal_year.pk}:{self.stage.code}:r{self.round}:{self.rule.code}:"
                f"{self.rule.audience}:{self.closes.isoformat()}:user:{self.recipient.pk}")

    @property
    def office_id(self) -> int:
        return self.fiscal_year.office_id

    @property
    def due_date(self) -> date:
        return self.closes

    def line(self) -> str:
        return (f"eMENSCR {self.stage.code} round {self.round}/{self.fiscal_year.year} closes {self.closes} "
                f"[{self.rule.code}, {self.rule.audience}] {len(self.projects)} project(s) not keyed")


def window_items(today: date, catch_up_days: int) -> list[WindowItem]:
    """Windows closing on the rules' days, with projects not keyed: the stages of every office's years in two
    queries; the projects' book only for the years with a window due today."""
    year = fiscal_year_of(today)
    years = list(FiscalYear.objects.filter(year__in=[year - 1, year, year + 1]).select_related("office")
                 .order_by("office_id", "year"))
    stages = stages_of(years)
    due_years = []
    for fy in years:
        due = []
        for stage in stages[fy.pk]:
            for window in stage.window_list:
                latest = {}
                for rule in RULES:
                    day = window.closes + timedelta(days=rule.offset)
                    if day <= today <= day + timedelta(days=catch_up_days):
                        latest[rule.audience] = rule  # the later rule of each audience wins
                if latest:
                    due.append((stage, window, latest))
        if due:
            due_years.append((fy, due))
    people = watchers_of({fy.office_id for fy, _due in due_years})
    items = []
    for fy, due in due_years:
        book = Book(fy, Project.objects.filter(office=fy.office))
        _heads, planning = people[fy.office_id]
        for stage, window, latest in due:
            waiting = [s.project for s in book.statuses(stage, window.round)
                       if s.state not in (State.KEYED,)]
            if not waiting:
                continue
            days_left = (window.closes - today).days
            if "owner" in latest:
                mine = {}
                for project in waiting:
                    for owner in project.owners.all():
                        if owner.is_active and owner.email:
                            mine.setdefault(owner.pk, (owner, []))[1].append(project)
                for owner, projects in mine.values():
                    items.append(WindowItem(owner, fy, stage, window.round, window.closes, latest["owner"],
                                            days_left, projects))
            if "escalation" in latest:
                for person in planning:
                    items.append(WindowItem(person, fy, stage, window.round, window.closes, latest["escalation"],
                                            days_left, waiting))
    return items


def letter_context(items: list[WindowItem], today: date) -> dict:
    for item in items:
        item.href = outbox.site_url(reverse("emenscr:board") + f"?fy={item.fiscal_year.year}&stage={item.stage.code}"
                                    f"&round={item.round}")
    return {"emenscr_windows": items}


WINDOWS_SOURCE = Source(kind=WindowItem.kind, items=window_items, context=letter_context)
