"""Fiscal calendar workflows: loading holidays, building fiscal years, moving open due dates."""

from datetime import date

import holidays as holidays_pkg
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .formatting import display_date
from .lib import fiscal
from .lib.workdays import add_working_days
from .models import ActionPlan, DisbursementTarget, FiscalYear, Holiday, HolidayYear, Indicator, PlanItem, Quarter

HOLIDAY_CATEGORIES = ("public", "government")
# Due dates of Q4 fall in October of the next fiscal year; keep a margin beyond it.
DEADLINE_MARGIN_DAYS = 62


class CalendarError(Exception):
    """A calendar change that cannot be made; the message is for the user."""


def load_national_holidays(year: int, *, force: bool = False) -> int:
    """Copy one Gregorian year of Thai holidays from the ``holidays`` package.

    Rows already in the table (including a superuser's corrections) are kept;
    returns how many rows were added.
    """
    if not force and HolidayYear.objects.filter(year=year).exists():
        return 0
    thai = holidays_pkg.Thailand(years=year, categories=HOLIDAY_CATEGORIES, language="th")
    english = holidays_pkg.Thailand(years=year, categories=HOLIDAY_CATEGORIES, language="en_US")
    added = 0
    with transaction.atomic():
        existing = set(Holiday.objects.national().filter(date__year=year).values_list("date", flat=True))
        rows = [
            Holiday(
                office=None, date=day, name=thai[day][:200], name_en=english.get(day, "")[:200],
                source=Holiday.Source.PACKAGE,
            )
            for day in sorted(thai)
            if day not in existing
        ]
        Holiday.objects.bulk_create(rows)
        added = len(rows)
        HolidayYear.objects.update_or_create(year=year, defaults={"package_version": holidays_pkg.__version__})
    return added


def ensure_national_holidays(start: date, end: date) -> None:
    loaded = set(HolidayYear.objects.filter(year__gte=start.year, year__lte=end.year).values_list("year", flat=True))
    for year in range(start.year, end.year + 1):
        if year not in loaded:
            try:
                load_national_holidays(year)
            except IntegrityError:
                # Another process loaded the same year at the same moment.
                pass


def holiday_dates(office, start: date, end: date) -> set[date]:
    """Days off for ``office`` (national calendar with the office's corrections) in [start, end]."""
    return holiday_dates_of([office], start, end)[office.pk if office is not None else None]


def holiday_dates_of(offices, start: date, end: date) -> dict[int | None, set[date]]:
    """Days off in [start, end] for each of ``offices`` by office id (``None`` for no office: the national
    calendar alone), in three queries whatever the number of offices. Offices without corrections share one
    set: do not change the sets returned."""
    ensure_national_holidays(start, end)
    national = set(Holiday.objects.national().between(start, end).values_list("date", flat=True))
    ids = {office.pk if hasattr(office, "pk") else office for office in offices} - {None}
    days = {None: national} | dict.fromkeys(ids, national)
    if ids:
        corrections = (Holiday.objects.filter(office_id__in=ids).between(start, end)
                       .values_list("office_id", "date", "is_day_off").order_by("office_id", "date"))
        for office_id, day, is_day_off in corrections:
            if days[office_id] is national:
                days[office_id] = set(national)
            if is_day_off:
                days[office_id].add(day)
            else:
                days[office_id].discard(day)
    return days


def quarter_schedule(year_be: int, *, office=None, working_days: int = 5) -> list[tuple[fiscal.QuarterSpan, date]]:
    """Each quarter of a fiscal year with its report due date."""
    spans = fiscal.quarter_spans(year_be)
    start, end = spans[0].start, spans[-1].end
    days_off = holiday_dates(office, start, date.fromordinal(end.toordinal() + DEADLINE_MARGIN_DAYS))
    return [(span, add_working_days(span.end, working_days, days_off)) for span in spans]


@transaction.atomic
def get_or_create_fiscal_year(office, year_be: int) -> tuple[FiscalYear, bool]:
    fy, created = FiscalYear.objects.get_or_create(office=office, year=year_be)
    if created or fy.quarters.count() != 4:
        for span, due in quarter_schedule(year_be, office=office, working_days=fy.report_working_days):
            Quarter.objects.update_or_create(
                fiscal_year=fy, number=span.number,
                defaults={"start_date": span.start, "end_date": span.end, "due_date": due},
            )
    ensure_action_plan(fy)  # the year comes with its action plan and disbursement targets (pages only read them)
    return fy, created


def recompute_open_due_dates(office, *, today: date | None = None) -> list[Quarter]:
    """Move the due dates that have not passed yet after a holiday or setting change.

    Returns the quarters whose due date changed.
    """
    today = today or timezone.localdate()
    changed = []
    open_quarters = (
        Quarter.objects.filter(fiscal_year__office=office, due_date__gte=today)
        .select_related("fiscal_year")
        .order_by("start_date")
    )
    if not open_quarters:
        return changed
    first = min(q.end_date for q in open_quarters)
    last = max(q.due_date for q in open_quarters)
    days_off = holiday_dates(office, first, date.fromordinal(last.toordinal() + DEADLINE_MARGIN_DAYS))
    for quarter in open_quarters:
        due = add_working_days(quarter.end_date, quarter.fiscal_year.report_working_days, days_off)
        if due != quarter.due_date:
            quarter.due_date = due
            quarter.save(update_fields=["due_date"])
            changed.append(quarter)
    return changed


def _check_in_fiscal_year(fy: FiscalYear, day: date) -> None:
    # A quarter-4 deadline falls after 30 Sep, so days up to the margin after the year count too.
    last = date.fromordinal(fy.end.toordinal() + DEADLINE_MARGIN_DAYS)
    if not fy.start <= day <= last:
        raise CalendarError(
            _("%(day)s is outside fiscal year %(year)s (%(start)s – %(end)s).")
            % {"day": display_date(day), "year": fy.year, "start": display_date(fy.start), "end": display_date(last)}
        )


@transaction.atomic
def declare_day_off(*, fiscal_year: FiscalYear, day: date, name: str, note: str = "", by=None) -> Holiday:
    """The office declares an extra day off (e.g. a special cabinet holiday)."""
    _check_in_fiscal_year(fiscal_year, day)
    office = fiscal_year.office
    if not name.strip():
        raise CalendarError(_("Give the holiday a name."))
    if day.weekday() >= 5:
        raise CalendarError(_("%(day)s is a weekend day; it is not a working day anyway.") % {"day": display_date(day)})
    existing = Holiday.objects.for_office(office).filter(date=day).first()
    if existing and existing.is_day_off:
        raise CalendarError(_("%(day)s is already declared as a day off.") % {"day": display_date(day)})
    if existing is None and day in holiday_dates(None, day, day):
        raise CalendarError(_("%(day)s is already a public holiday.") % {"day": display_date(day)})
    if existing:
        # The office had removed a national holiday on that day; declaring it again restores it.
        existing.delete()
        holiday = Holiday.objects.national().get(date=day)
    else:
        holiday = Holiday.objects.create(
            office=office, date=day, name=name.strip(), note=note, is_day_off=True,
            source=Holiday.Source.OFFICE, created_by=by,
        )
    recompute_open_due_dates(office)
    return holiday


@transaction.atomic
def make_working_day(*, fiscal_year: FiscalYear, day: date, note: str = "", by=None) -> None:
    """Remove a day off from the office's calendar (its own or a national one)."""
    _check_in_fiscal_year(fiscal_year, day)
    office = fiscal_year.office
    own = Holiday.objects.for_office(office).filter(date=day).first()
    if own and own.is_day_off:
        own.delete()
    elif own is None and day in holiday_dates(None, day, day):
        national = Holiday.objects.national().get(date=day)
        Holiday.objects.create(
            office=office, date=day, name=national.name, name_en=national.name_en, is_day_off=False,
            source=Holiday.Source.OFFICE, note=note, created_by=by,
        )
    else:
        raise CalendarError(_("%(day)s is not a holiday in this office's calendar.") % {"day": display_date(day)})
    recompute_open_due_dates(office)


def office_calendar(office, start: date, end: date) -> list[dict]:
    """The office's holiday calendar for display: national days with the office's corrections."""
    ensure_national_holidays(start, end)
    national = {h.date: h for h in Holiday.objects.national().between(start, end)}
    own = {h.date: h for h in Holiday.objects.for_office(office).between(start, end)}
    rows = []
    for day in sorted(set(national) | set(own)):
        base, correction = national.get(day), own.get(day)
        holiday = correction or base
        rows.append({
            "date": day,
            "name": holiday.name,
            "name_en": holiday.name_en,
            "is_day_off": correction.is_day_off if correction else True,
            "declared_by_office": bool(correction and correction.is_day_off),
            "removed_by_office": bool(correction and not correction.is_day_off),
            "note": correction.note if correction else "",
        })
    return rows


# --- Action plan ----------------------------------------------------------------------------


@transaction.atomic
def ensure_action_plan(fy: FiscalYear) -> ActionPlan:
    """The fiscal year's action plan, created in draft with the shipped disbursement targets."""
    plan, _created = ActionPlan.objects.get_or_create(fiscal_year=fy)
    existing = set(fy.disbursement_targets.values_list("budget_type", "quarter"))
    DisbursementTarget.objects.bulk_create([
        DisbursementTarget(fiscal_year=fy, budget_type=budget_type, quarter=quarter, cumulative_percent=percent)
        for budget_type, percents in DisbursementTarget.DEFAULTS.items()
        for quarter, percent in enumerate(percents, start=1)
        if (budget_type, quarter) not in existing
    ])
    return plan


@transaction.atomic
def copy_policy_tree(*, source: FiscalYear, target: FiscalYear) -> int:
    """Copy a fiscal year's policies, focus points, strategies and indicators into another year.

    Items whose code already exists in the target are kept as they are (so copying twice adds nothing).
    Returns the number of items and indicators created.
    """
    if source.office_id != target.office_id:
        raise CalendarError(_("The policy tree can only be copied within one office."))
    if source.pk == target.pk:
        raise CalendarError(_("Choose another fiscal year to copy into."))
    created = 0
    mapping: dict[int, PlanItem] = {}
    existing = {(i.kind, i.code): i for i in target.plan_items.all()}
    # Parents before children: policies, then focus points, then strategies.
    for kind in (PlanItem.Kind.POLICY, PlanItem.Kind.FOCUS, PlanItem.Kind.STRATEGY):
        for item in source.plan_items.filter(kind=kind).order_by("order", "code"):
            copy = existing.get((item.kind, item.code))
            if copy is None:
                copy = PlanItem.objects.create(
                    fiscal_year=target, parent=mapping.get(item.parent_id), kind=item.kind, level=item.level,
                    code=item.code, name=item.name, name_en=item.name_en, owner_group_id=item.owner_group_id,
                    order=item.order,
                )
                created += 1
            mapping[item.pk] = copy
    existing_indicators = set(target.indicators.values_list("code", flat=True))
    for indicator in source.indicators.all():
        if indicator.code in existing_indicators:
            continue
        Indicator.objects.create(
            fiscal_year=target, plan_item=mapping.get(indicator.plan_item_id), code=indicator.code,
            name=indicator.name, name_en=indicator.name_en, unit=indicator.unit,
            target_value=indicator.target_value, is_cumulative=indicator.is_cumulative,
            is_qualitative=indicator.is_qualitative, owner_group_id=indicator.owner_group_id, order=indicator.order,
        )
        created += 1
    return created
