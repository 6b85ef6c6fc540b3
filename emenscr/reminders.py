"""eMENSCR windows as a source of deadline reminders (registered in ``EmenscrConfig.ready()``).

A window of a stage is reminded 3 calendar days before it closes and on its last day (windows are calendar dates as
typed, not working days): to the owners of each project of the scope not keyed yet in that round, and to planning
staff with the office's count. The sweep's unique keys tell each person once per window and rule.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import prefetch_related_objects
from django.urls import reverse

from accounts.models import User
from accounts.people import watchers_of
from plans.lib.fiscal import fiscal_year_of
from plans.models import FiscalYear
from projects.models import Project
from reminders import outbox
from reminders.sources import Source

from .fields import Book, State, in_scope
from .models import Entry
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
    """Windows closing on the rules' days, with projects not keyed (as the board's status says): every office's
    years in a fixed number of queries, plus the projects' book (which compares keyed data with today's) for
    each year where a project was keyed for a window due today — and for those projects only."""
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
    if not due_years:
        return []
    people = watchers_of({fy.office_id for fy, _due in due_years})
    projects = list(in_scope(Project.objects.filter(fiscal_year_id__in=[fy.pk for fy, _due in due_years]))
                    .only("id", "code", "name", "office_id", "fiscal_year_id").order_by("code"))
    prefetch_related_objects(projects, "owners")
    by_year = {}
    for project in projects:
        by_year.setdefault(project.fiscal_year_id, []).append(project)
    keyed = {}  # (project, stage) → rounds keyed: only a project with a keyed entry can be "keyed"
    for project_id, stage_id, round_ in Entry.objects.filter(
            stage_id__in={stage.pk for _fy, due in due_years for stage, _w, _l in due if stage.pk},
            state=Entry.State.KEYED).values_list("project_id", "stage_id", "round"):
        keyed.setdefault((project_id, stage_id), []).append(round_)

    def counts(project, stage, round_: int) -> bool:  # as Book.entry: a keyed entry that counts for the round
        rounds = keyed.get((project.pk, stage.pk), [])
        return any(r == round_ if stage.per_quarter else r <= round_ for r in rounds)

    items = []
    for fy, due in due_years:
        candidates = by_year.get(fy.pk, [])
        # Those with a keyed entry are keyed unless their data changed since: the book compares (their year only).
        checked = [p.pk for p in candidates if any(counts(p, stage, window.round) for stage, window, _l in due)]
        book = Book(fy, Project.objects.filter(pk__in=checked)) if checked else None
        _heads, planning = people[fy.office_id]
        for stage, window, latest in due:
            statuses = book.statuses(stage, window.round) if book else []
            done = {status.project.pk for status in statuses if status.state == State.KEYED}
            waiting = [project for project in candidates if project.pk not in done]
            if not waiting:
                continue
            days_left = (window.closes - today).days
            if "owner" in latest:
                mine = {}
                for project in waiting:
                    for owner in project.owners.all():
                        if owner.is_active and owner.email:
                            mine.setdefault(owner.pk, (owner, []))[1].append(project)
                for owner, projects_ in mine.values():
                    items.append(WindowItem(owner, fy, stage, window.round, window.closes, latest["owner"],
                                            days_left, projects_))
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
