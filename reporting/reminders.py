"""The annual report's deadline as a source of deadline reminders (registered in ``ReportingConfig.ready()``).

Each fiscal year has a day by which its editions (กศจ., ก.ต.ป.น., สพฐ., ผู้ที่เกี่ยวข้อง) must be issued
(``FiscalYear.editions_due``, default 30 September). While an audience has no issued edition, planning staff
and the director are reminded 10 working days before it and on the day, and again 3 working days after it.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.urls import reverse

from accounts.models import Role, User
from plans.lib.fiscal import fiscal_year_of
from plans.lib.workdays import shift_working_days, working_days_between
from plans.models import FiscalYear
from plans.services import holiday_dates_of
from reminders import outbox
from reminders.sources import Source

from .models import AnnualReport, Audience


@dataclass(frozen=True)
class EditionRule:
    offset: int  # working days from the deadline
    audience: str  # "owner" (before and on the day) or "escalation" (after), as ReminderRule.Audience

    @property
    def code(self) -> str:
        return f"editions{self.offset:+d}"


RULES = (EditionRule(-10, "owner"), EditionRule(0, "owner"), EditionRule(3, "escalation"))


@dataclass
class EditionItem:
    """A fiscal year's editions not all issued, told to one of planning staff or the director."""

    recipient: User
    fiscal_year: FiscalYear
    missing: list  # audience labels without an issued edition
    rule: EditionRule
    days_left: int
    kind = "editions"

    @property
    def key(self) -> str:
        return (f"editions:{self.fiscal_year.pk}:{self.rule.code}:{self.due_date.isoformat()}"
                f":user:{self.recipient.pk}")

    @property
    def office_id(self) -> int:
        return self.fiscal_year.office_id

    @property
    def due_date(self) -> date:
        return self.fiscal_year.editions_due

    def line(self) -> str:
        return (f"annual report editions FY {self.fiscal_year.year} due {self.due_date} [{self.rule.code}, "
                f"{self.rule.audience}] {self.days_left:+d} working days, {len(self.missing)} not issued")


def _people_of(office_ids) -> dict[int, list[User]]:
    """Planning staff and the director of each office (active, with an address), by office id, in one query."""
    people = {office_id: [] for office_id in office_ids}
    for user in User.objects.filter(office_id__in=list(people), is_active=True, role_assignments__role__in=[
            Role.PLANNING, Role.DIRECTOR]).exclude(email="").distinct().order_by("pk"):
        people[user.office_id].append(user)
    return people


def edition_items(today: date, catch_up_days: int) -> list[EditionItem]:
    """Years whose editions are not all issued, on the days the rules name around their deadline: every office's
    years at once, in a fixed number of queries."""
    year = fiscal_year_of(today)
    years = [fy for fy in FiscalYear.objects.filter(year__in=[year - 1, year, year + 1]).select_related("office")
             .order_by("office_id", "year")
             if today - timedelta(days=40) <= fy.editions_due <= today + timedelta(days=40)]
    if not years:
        return []
    holidays = holiday_dates_of({fy.office_id for fy in years},
                                min(fy.editions_due for fy in years) - timedelta(days=40),
                                max(fy.editions_due for fy in years) + timedelta(days=40))
    due = []
    for fy in years:
        latest = None
        for rule in RULES:
            day = shift_working_days(fy.editions_due, rule.offset, holidays[fy.office_id])
            if day <= today <= day + timedelta(days=catch_up_days) and (latest is None or day > latest[0]):
                latest = (day, rule)
        if latest is not None:
            due.append((fy, latest[1]))
    if not due:
        return []
    issued = {}
    for fy_id, audience in AnnualReport.objects.filter(
            fiscal_year_id__in=[fy.pk for fy, _rule in due], state=AnnualReport.State.APPROVED,
            issued_on__isnull=False).values_list("fiscal_year_id", "audience"):
        issued.setdefault(fy_id, set()).add(audience)
    people = _people_of({fy.office_id for fy, _rule in due})
    items = []
    for fy, rule in due:
        missing = [str(label) for value, label in Audience.choices if value not in issued.get(fy.pk, set())]
        if not missing:
            continue
        days_left = working_days_between(today, fy.editions_due, holidays[fy.office_id])
        for person in people[fy.office_id]:
            items.append(EditionItem(person, fy, missing, rule, days_left))
    return items


def letter_context(items: list[EditionItem], today: date) -> dict:
    """The annual report's part of one person's deadline letter."""
    for item in items:
        item.href = outbox.site_url(reverse("reporting:annual_list") + f"?fy={item.fiscal_year.year}")
    return {"editions": items}


EDITIONS_SOURCE = Source(kind=EditionItem.kind, items=edition_items, context=letter_context)
