"""The weekly digest for planning staff and the director: what is due, what is late, what waits for them.

Sent on Monday morning by Celery beat (``send_reminders --digest`` by hand). One e-mail per person
per ISO week (the outbox key says which week), to active users with an address who have the
planning or director role and have not turned the digest off (``User.wants_digest``). Nobody gets
an empty digest: a week with nothing to say sends nothing.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from django.db import transaction
from django.urls import reverse

from accounts.models import Office, Role, User
from plans.lib.fiscal import fiscal_year_of
from plans.lib.workdays import working_days_between
from plans.models import FiscalYear
from plans.services import holiday_dates
from projects.models import Project, QuarterlyReport

from . import outbox
from .models import Message

DIGEST_ROLES = (Role.PLANNING, Role.DIRECTOR)
DUE_SOON_DAYS = 14  # a quarter is "due soon" when its window is open or opens within this many days
LIST_LIMIT = 15  # rows listed per section; the count says how many there are in all
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
UNSENT = (QuarterlyReport.State.DRAFT, QuarterlyReport.State.RETURNED)


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


def week_label(day: date) -> str:
    year, week, _weekday = day.isocalendar()
    return f"{year}-W{week:02d}"


def office_week(office, today: date) -> OfficeWeek | None:
    fy = FiscalYear.objects.filter(office=office, year=fiscal_year_of(today)).first()
    if fy is None:
        return None
    week = OfficeWeek(office, fy)
    quarters = list(fy.quarters.order_by("number"))
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


def _recipients(office):
    return (User.objects.filter(office=office, is_active=True, wants_digest=True)
            .exclude(email="").filter(role_assignments__role__in=DIGEST_ROLES).distinct()
            .prefetch_related("role_assignments"))


def _context(week: OfficeWeek, user, today: date) -> dict | None:
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
    return {"week": week, "today": today, "late_by_group": by_group, "late": listed(week.late),
            "to_review": listed(to_review), "to_approve": listed(to_approve),
            "fiscal_year": week.fiscal_year,
            "links": {"review": outbox.site_url(reverse("projects:review_queue")),
                      "approve": outbox.site_url(reverse("projects:approval_queue")),
                      "overview": outbox.site_url(reverse("projects:quarter_overview")),
                      "settings": outbox.site_url(reverse("reminders:mine"))}}


@dataclass
class DigestLetter:
    recipient: User
    context: dict


def plan(today: date) -> list[DigestLetter]:
    """The digests that would go out this week and have not gone yet."""
    label, letters = week_label(today), []
    sent = set(Message.objects.filter(kind=Message.Kind.DIGEST, key__startswith=f"digest:{label}:")
               .values_list("key", flat=True))
    offices = (User.objects.filter(is_active=True, wants_digest=True, role_assignments__role__in=DIGEST_ROLES)
               .exclude(email="").exclude(office=None).values_list("office", flat=True).distinct())
    for office in Office.objects.filter(pk__in=list(offices)).order_by("pk"):
        week = None
        for user in _recipients(office):
            if digest_key(label, user) in sent:
                continue
            week = week or office_week(office, today)
            if week is None:
                break
            context = _context(week, user, today)
            if context is not None:
                letters.append(DigestLetter(user, context))
    return letters


def digest_key(label: str, user) -> str:
    return f"digest:{label}:user:{user.pk}"


def send(today: date) -> list[DigestLetter]:
    """Queue this week's digests; a second run in the same week queues nothing."""
    label = week_label(today)
    letters = plan(today)
    with transaction.atomic():
        for letter in letters:
            outbox.enqueue(key=digest_key(label, letter.recipient), kind=Message.Kind.DIGEST,
                           recipient=letter.recipient, office=letter.recipient.office, template="digest",
                           context={**letter.context, "week_label": label})
    return letters
