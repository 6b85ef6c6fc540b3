"""Quarterly forms as a source of deadline reminders and as the weekly digest's section.

Registered with the reminder engines (``reminders.sources``) in ``ProjectsConfig.ready()``: the sweep asks
:func:`form_items` which forms not sent yet someone must hear about today, and the digest asks
:func:`office_week` where the office's quarterly follow-up stands.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from django.db.models import Exists, OuterRef, prefetch_related_objects
from django.urls import reverse

from accounts.models import Role, User
from accounts.people import watchers_of
from plans.lib.fiscal import fiscal_year_of
from plans.lib.workdays import working_days_between
from plans.models import FiscalYear, Quarter
from plans.services import holiday_dates, holiday_dates_of
from reminders import outbox
from reminders.models import ReminderRule
from reminders.sources import DigestSection, Source
from reminders.sweep import rule_day, rules_of

from .models import Project, QuarterlyReport

UNSENT = (QuarterlyReport.State.DRAFT, QuarterlyReport.State.RETURNED)


# --- Deadline reminders -----------------------------------------------------------------------


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


def _quarters_near(today: date):
    """Quarters whose window may open soon or whose due date is recent: the only ones rules can fall on."""
    return (Quarter.objects.filter(end_date__lte=today + timedelta(days=31), due_date__gte=today - timedelta(days=45))
            .select_related("fiscal_year__office").order_by("fiscal_year__office_id", "start_date"))


def _latest_rules(rules, quarter: Quarter, holidays, today: date, catch_up_days: int) -> dict:
    """audience → the most recent of ``rules`` whose day (for ``quarter``) was today or within the catch-up days."""
    latest = {}  # audience → (day, rule)
    for rule in rules:
        day = rule_day(rule, quarter, holidays)
        due_now = day <= today <= day + timedelta(days=catch_up_days)
        if due_now and day > latest.get(rule.audience, (date.min,))[0]:
            latest[rule.audience] = (day, rule)
    return {audience: rule for audience, (_day, rule) in latest.items()}


def form_items(today: date, catch_up_days: int) -> list[Item]:
    """Quarterly forms not sent, on the days the year's rules name: every office's quarters at once, in a fixed
    number of queries (quarters, rules, holidays, pending projects, their forms and owners, watchers)."""
    quarters = [quarter for quarter in _quarters_near(today) if quarter.needs_form]  # else: no form, no reminder
    if not quarters:
        return []
    rules = rules_of({quarter.fiscal_year_id for quarter in quarters})
    holidays = holiday_dates_of({quarter.fiscal_year.office_id for quarter in quarters},
                                min(q.end_date for q in quarters) - timedelta(days=20),
                                max(q.due_date for q in quarters) + timedelta(days=40))
    due = []  # (quarter, its holidays, audience → rule)
    for quarter in quarters:
        days_off = holidays[quarter.fiscal_year.office_id]
        latest = _latest_rules(rules[quarter.fiscal_year_id], quarter, days_off, today, catch_up_days)
        if latest:
            due.append((quarter, days_off, latest))
    if not due:
        return []
    due_ids = [quarter.pk for quarter, _days_off, _latest in due]
    # A project is pending when one of its year's due quarters has no form sent.
    sent = QuarterlyReport.objects.filter(project=OuterRef(OuterRef("pk")), quarter=OuterRef("pk")).exclude(
        state__in=UNSENT)
    open_quarter = Quarter.objects.filter(pk__in=due_ids, fiscal_year=OuterRef("fiscal_year")).filter(~Exists(sent))
    projects = list(Project.objects.filter(Exists(open_quarter)).exclude(status=Project.Status.CANCELLED)
                    .only("id", "code", "name", "office_id", "fiscal_year_id", "group_id").order_by("code", "id"))
    prefetch_related_objects(projects, "owners")
    by_year = {}
    for project in projects:
        by_year.setdefault(project.fiscal_year_id, []).append(project)
    unsent = {(r.project_id, r.quarter_id): r for r in QuarterlyReport.objects.filter(
        quarter_id__in=due_ids, state__in=UNSENT).only("id", "project_id", "quarter_id", "state", "return_reason")}
    sent_now = set()  # (project, quarter) sent, needed only when a year has several due quarters today
    if len({quarter.fiscal_year_id for quarter, _days_off, _latest in due}) < len(due):
        sent_now = set(QuarterlyReport.objects.filter(quarter_id__in=due_ids, project__in=[p.pk for p in projects])
                       .exclude(state__in=UNSENT).values_list("project_id", "quarter_id"))
    escalating = {q.fiscal_year.office_id for q, _d, latest in due if ReminderRule.Audience.ESCALATION in latest}
    people = watchers_of(escalating)
    items = []
    for quarter, days_off, latest in due:
        pending = [p for p in by_year.get(quarter.fiscal_year_id, []) if (p.pk, quarter.pk) not in sent_now]
        days_left = working_days_between(today, quarter.due_date, days_off)
        heads, planning = people.get(quarter.fiscal_year.office_id, ({}, []))
        for audience, rule in latest.items():
            for project in pending:
                if audience == ReminderRule.Audience.OWNER:
                    recipients = [u for u in project.owners.all() if u.is_active and u.email]
                else:
                    recipients = heads.get(project.group_id, []) + planning
                for person in {p.pk: p for p in recipients}.values():
                    items.append(Item(person, project, quarter, unsent.get((project.pk, quarter.pk)), rule, days_left))
    return items


def letter_context(items: list[Item], today: date) -> dict:
    """The forms' part of one person's deadline letter."""
    for item in items:
        item.link = outbox.site_url(reverse("projects:report", args=[item.project.pk, item.quarter.number]))
    return {"own": [i for i in items if i.rule.audience == ReminderRule.Audience.OWNER],
            "watch": [i for i in items if i.rule.audience == ReminderRule.Audience.ESCALATION],
            "my_forms": outbox.site_url(reverse("projects:my_forms"))}


FORMS_SOURCE = Source(kind=Item.kind, items=form_items, context=letter_context)


# --- The weekly digest ------------------------------------------------------------------------

DUE_SOON_DAYS = 14  # a quarter is "due soon" when its window is open or opens within this many days
LIST_LIMIT = 15  # rows listed per section; the count says how many there are in all
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass
class QuarterDue:
    quarter: object
    pending: int
    total: int
    days_left: int


@dataclass
class Section:
    count: int = 0
    rows: list = field(default_factory=list)


@dataclass
class OfficeWeek:
    """What one office's digest says this week (the same for everyone in the office)."""

    office: object
    fiscal_year: object
    due_soon: list[QuarterDue] = field(default_factory=list)
    late: Section = field(default_factory=Section)
    late_by_group: list[tuple[object, int]] = field(default_factory=list)
    to_review: Section = field(default_factory=Section)
    to_approve: Section = field(default_factory=Section)


def office_week(office, today: date) -> OfficeWeek | None:
    fy = FiscalYear.objects.filter(office=office, year=fiscal_year_of(today)).first()
    if fy is None:
        return None
    week = OfficeWeek(office, fy)
    quarters = [q for q in fy.quarters.order_by("number") if q.needs_form]
    holidays = holiday_dates(office, fy.start, fy.end + timedelta(days=60))
    projects = {p.pk: p for p in Project.objects.filter(fiscal_year=fy).exclude(status=Project.Status.CANCELLED)
                .select_related("group").order_by("code")}
    reports = {(r.project_id, r.quarter_id): r
               for r in QuarterlyReport.objects.filter(project__in=list(projects)).only(
                   "id", "project_id", "quarter_id", "state", "submitted_at", "verified_at")}
    late_groups = Counter()
    for quarter in quarters:
        pending = [p for p in projects.values()
                   if (p.pk, quarter.pk) not in reports or reports[(p.pk, quarter.pk)].state in UNSENT]
        if quarter.due_date < today:
            for project in pending:
                week.late.count += 1
                late_groups[project.group] += 1
                if len(week.late.rows) < LIST_LIMIT:
                    week.late.rows.append((project, quarter, reports.get((project.pk, quarter.pk))))
        elif quarter.window_opens() <= today + timedelta(days=DUE_SOON_DAYS) and pending:
            week.due_soon.append(QuarterDue(quarter, len(pending), len(projects),
                                            working_days_between(today, quarter.due_date, holidays)))
    week.late_by_group = late_groups.most_common()
    quarter_by_id = {q.pk: q for q in quarters}
    for state, section, stamp in ((QuarterlyReport.State.SUBMITTED, week.to_review, "submitted_at"),
                                  (QuarterlyReport.State.VERIFIED, week.to_approve, "verified_at")):
        waiting = sorted((r for r in reports.values() if r.state == state and r.project_id in projects),
                         key=lambda r: (getattr(r, stamp) or r.submitted_at or EARLIEST))
        section.count = len(waiting)
        section.rows = [(projects[r.project_id], quarter_by_id[r.quarter_id], r) for r in waiting[:LIST_LIMIT]]
    return week


def digest_context(week: OfficeWeek, user, today: date) -> dict | None:
    """The forms' part of one person's digest: what is due and late, and what waits for their role."""
    roles = {assignment.role for assignment in user.role_assignments.all()}
    to_review = week.to_review if Role.PLANNING in roles else Section()
    to_approve = week.to_approve if Role.DIRECTOR in roles else Section()
    if not (week.due_soon or week.late.count or to_review.count or to_approve.count):
        return None

    def listed(section: Section) -> Section:
        return Section(section.count, [
            {"project": project, "quarter": quarter, "report": report,
             "link": outbox.site_url(reverse("projects:report", args=[project.pk, quarter.number]))}
            for project, quarter, report in section.rows])

    by_group = [(group.display_name(user.language) if group else "—", count) for group, count in week.late_by_group]
    return {"week": week, "late_by_group": by_group, "late": listed(week.late),
            "to_review": listed(to_review), "to_approve": listed(to_approve),
            "fiscal_year": week.fiscal_year,
            "links": {"review": outbox.site_url(reverse("projects:review_queue")),
                      "approve": outbox.site_url(reverse("projects:approval_queue")),
                      "overview": outbox.site_url(reverse("projects:quarter_overview"))}}


def digest_summary(context: dict) -> str:
    return (f"{context['late'].count} late, {context['to_review'].count} to review, "
            f"{context['to_approve'].count} to approve, {len(context['week'].due_soon)} quarter(s) due soon")


FORMS_DIGEST = DigestSection(name="forms", week=office_week, context=digest_context, summary=digest_summary)
