"""The roll-up for central viewers (region, OBEC): one row per area office beneath theirs for a fiscal year
(B.E.) and a quarter — forms sent on time, late or missing in that quarter, budget disbursed up to it against
the office's own cumulative target, indicator achievement, open and overdue inspection follow-up actions, and
the approved annual-report editions.

Each figure is one aggregate query grouped by office (each office has its own ``FiscalYear`` row for a year,
so grouping by fiscal year is grouping by office): the number of queries does not grow with the number of
offices. The numbers are those of the office's dashboard (``figures.summary`` with ``quarter``): the same
``Cell``, ``IndicatorFigure`` and ``_indicator_result`` decide on time / late / missing and met / not yet.
"""

import hashlib
import time
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal
from functools import partial

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, F, Q, Sum
from django.utils import timezone

from accounts.models import Office
from accounts.scoping import readable_office_ids
from plans.lib.fiscal import fiscal_year_of, quarter_of
from plans.models import DisbursementTarget, FiscalYear, Indicator, Quarter
from projects.models import Disbursement, IndicatorResult, Project, ProjectIndicator, QuarterlyReport

from .figures import ZERO, Basis, Cell, IndicatorFigure, _indicator_result, _target_row

AREA_KINDS = (Office.Kind.PRIMARY, Office.Kind.SECONDARY)


@dataclass
class Row:
    office: Office
    fiscal_year: FiscalYear | None = None
    quarter: Quarter | None = None
    projects: int = 0
    forms: Cell = field(default_factory=Cell)  # the chosen quarter's forms
    asks_form: bool = False  # the chosen quarter asks for forms this year
    budget: Decimal = ZERO
    disbursed: Decimal | None = None  # cumulative up to the quarter; None: the quarter has not started
    target_percent: Decimal | None = None
    indicators: int = 0  # indicators with project targets
    met: int = 0
    not_yet: int = 0
    open_actions: int = 0
    overdue_actions: int = 0
    editions: int = 0  # approved annual-report editions of the year

    @property
    def disbursed_percent(self) -> Decimal | None:
        if self.disbursed is None or not self.budget:
            return None
        return (self.disbursed * 100 / self.budget).quantize(Decimal("0.01"))

    @property
    def below_target(self) -> bool:
        percent = self.disbursed_percent
        return percent is not None and self.target_percent is not None and percent < self.target_percent

    @property
    def met_percent(self) -> int | None:
        measured = self.met + self.not_yet
        return round(100 * self.met / measured) if measured else None

    def key(self, name: str):
        """The value sorted by: None (an office without the year, a figure not known yet) sorts last either way."""
        if self.fiscal_year is None and name not in ("office", "province"):
            return None
        if name in ("on_time", "late", "missing", "sent") and not self.asks_form:
            return None
        return {
            "office": self.office.name, "province": self.office.province, "projects": self.projects,
            "on_time": self.forms.on_time, "late": self.forms.late, "missing": self.forms.missing,
            "sent": self.forms.percent_sent, "budget": self.budget, "disbursed": self.disbursed,
            "percent": self.disbursed_percent, "target": self.target_percent, "met": self.met_percent,
            "open": self.open_actions, "overdue": self.overdue_actions, "editions": self.editions,
        }[name]


SORTS = ("office", "province", "projects", "on_time", "late", "missing", "sent", "budget", "disbursed", "percent",
         "target", "met", "open", "overdue", "editions")


@dataclass
class Rollup:
    year: int
    quarter: int
    basis: str
    today: date
    rows: list
    totals: Row
    years: list  # the years any office in scope has, newest first
    computed_at: datetime | None = None  # the figures are as of then (kept in the cache for a few minutes)
    key: str = ""  # the cache key of these figures (the rendered table is kept under it too)

    @property
    def office_count(self) -> int:
        return len(self.rows)


def latest_ended(today: date) -> tuple[int, int]:
    """(fiscal year, quarter) of the latest quarter that has ended by ``today``: the quarter whose forms are
    being sent or chased."""
    year, number = fiscal_year_of(today), quarter_of(today)
    return (year, number - 1) if number > 1 else (year - 1, 4)


def default_quarter(year: int, today: date) -> int:
    """The latest quarter of ``year`` that has ended by ``today`` (Q4 for a year that is over, Q1 for one that
    has not begun or whose first quarter runs)."""
    ended_year, ended = latest_ended(today)
    return 4 if year < ended_year else ended if year == ended_year else 1


def scope(user, *, kind: str = "", province: str = "", region: Office | None = None):
    """The area offices the user reads (their subtree; every office for a superuser), filtered."""
    offices = Office.objects.filter(pk__in=readable_office_ids(user), kind__in=AREA_KINDS, is_active=True)
    if kind in AREA_KINDS:
        offices = offices.filter(kind=kind)
    if province:
        offices = offices.filter(province=province)
    if region is not None:
        offices = offices.filter(path__startswith=region.path)
    return offices


def regions(user):
    return Office.objects.filter(pk__in=readable_office_ids(user), kind=Office.Kind.REGION).order_by("name")


def provinces(user) -> list[str]:
    return sorted(set(Office.objects.filter(pk__in=readable_office_ids(user), kind__in=AREA_KINDS)
                      .exclude(province="").values_list("province", flat=True)))


def build(offices, *, year: int | None = None, quarter: int | None = None, basis: str = Basis.SUBMITTED,
          today: date | None = None, sort: str = "office", descending: bool = False) -> Rollup:
    """The roll-up of ``offices`` (a queryset of area offices) for fiscal year ``year`` (B.E.) up to
    ``quarter``, in the order asked for.

    The figures are computed live (a fixed number of queries whatever the number of offices) and kept in the
    shared cache for ``TIDTAM_ROLLUP_CACHE_SECONDS`` (Redis in production: every worker and every central viewer
    of the same scope reads one computation); sorting then works on the kept rows. The page tells when they were
    computed. bench/README.md has the measurements behind this choice."""
    today = today or timezone.localdate()
    basis = Basis.of(basis)
    seconds = settings.TIDTAM_ROLLUP_CACHE_SECONDS
    offices = list(offices.order_by("name"))
    key = "rollup:" + hashlib.sha256(
        f"{sorted(o.pk for o in offices)}|{year}|{quarter}|{basis}|{today.isoformat()}".encode()).hexdigest()
    compute = partial(_compute, offices, year=year, quarter=quarter, basis=basis, today=today)
    data = kept(key, seconds, compute) if seconds else compute()
    if sort not in SORTS:
        sort = "office"
    present = [r for r in data.rows if r.key(sort) is not None]
    absent = [r for r in data.rows if r.key(sort) is None]
    present.sort(key=lambda r: r.office.name)  # ties stay in name order, whichever the direction
    present.sort(key=lambda r: r.key(sort), reverse=descending)
    return replace(data, rows=present + absent, key=key)


LOCK_SECONDS = 120  # at most this long one request computes the figures while the others read the old ones
WAIT_SECONDS = 10  # how long a request waits for figures another is computing, when none are kept yet


def kept(key: str, seconds: int, compute):
    """The figures kept under ``key``, computed again once they are ``seconds`` old by the one request that
    takes the key's lock; the others meanwhile read the figures being replaced (kept for three times as long),
    and with none kept yet they wait for the first computation a little rather than repeat it. So ten central
    viewers arriving together, or just after the figures aged, cost one computation, not ten."""
    data = cache.get(key)
    if data is not None and (timezone.now() - data.computed_at).total_seconds() < seconds:
        return data
    lock = f"{key}:computing"
    if cache.add(lock, 1, LOCK_SECONDS):
        try:
            data = compute()
            cache.set(key, data, seconds * 3)
        finally:
            cache.delete(lock)
        return data
    deadline = time.monotonic() + WAIT_SECONDS
    while data is None and time.monotonic() < deadline:
        time.sleep(0.1)
        data = cache.get(key)
    return data if data is not None else compute()


def _compute(offices, *, year: int | None, quarter: int | None, basis: str, today: date) -> Rollup:
    """The roll-up's figures for ``offices`` (a list in office-name order), rows in that order."""
    counted = Basis.STATES[basis]
    office_ids = [o.pk for o in offices]
    years = sorted(set(FiscalYear.objects.filter(office__in=office_ids).values_list("year", flat=True)),
                   reverse=True)
    if year is None:  # the year of the latest ended quarter, else the newest the offices have
        ended_year = latest_ended(today)[0]
        year = ended_year if ended_year in years or not years else years[0]
    quarter = quarter if quarter in (1, 2, 3, 4) else default_quarter(year, today)
    fys = {fy.office_id: fy for fy in FiscalYear.objects.filter(office__in=office_ids, year=year)}
    fy_ids = [fy.pk for fy in fys.values()]
    quarters = {q.fiscal_year_id: q for q in Quarter.objects.filter(fiscal_year__in=fy_ids, number=quarter)}
    rows = {}
    for office in offices:
        fy = fys.get(office.pk)
        q = quarters.get(fy.pk) if fy else None
        rows[office.pk] = Row(office=office, fiscal_year=fy, quarter=q,
                              asks_form=bool(q is not None and fy.needs_form(quarter)))
    row_of_fy = {fy.pk: rows[office_id] for office_id, fy in fys.items()}

    projects = Project.objects.filter(fiscal_year__in=fy_ids).exclude(status=Project.Status.CANCELLED)
    total_budget = F("budget_obec") + F("budget_office") + F("budget_other")
    for item in projects.order_by().values("fiscal_year").annotate(n=Count("id"), budget=Sum(total_budget)):
        row = row_of_fy[item["fiscal_year"]]
        row.projects, row.budget = item["n"], item["budget"] or ZERO

    # Forms of the chosen quarter, as the dashboard's completeness matrix counts them.
    sent = defaultdict(lambda: [0, 0])  # fiscal year id → [on time, late]
    for item in (QuarterlyReport.objects.filter(project__in=projects, quarter__number=quarter,
                                                first_submitted_at__isnull=False).order_by()
                 .values("project__fiscal_year", "timeliness").annotate(n=Count("id"))):
        late = item["timeliness"] == QuarterlyReport.Timeliness.LATE
        sent[item["project__fiscal_year"]][1 if late else 0] += item["n"]
    for fy_id, row in row_of_fy.items():
        if not row.asks_form:
            continue
        on_time, late = sent[fy_id]
        unsent = row.projects - on_time - late
        passed = row.quarter.due_date < today
        row.forms = Cell(projects=row.projects, on_time=on_time, late=late, missing=unsent if passed else 0,
                         not_due=0 if passed else unsent, due=row.projects if passed else 0)

    # Budget: disbursed up to the quarter against the office's cumulative overall target for it.
    paid = {item["project__fiscal_year"]: item["total"] or ZERO for item in (
        Disbursement.objects.filter(project__in=projects, quarter__number__lte=quarter).order_by()
        .values("project__fiscal_year").annotate(total=Sum("amount")))}
    for fy_id, percent in DisbursementTarget.objects.filter(
            fiscal_year__in=fy_ids, quarter=quarter,
            budget_type=DisbursementTarget.BudgetType.OVERALL).values_list("fiscal_year", "cumulative_percent"):
        row_of_fy[fy_id].target_percent = percent
    for fy_id, row in row_of_fy.items():
        if row.quarter is not None and row.quarter.start_date <= today:
            row.disbursed = paid.get(fy_id, ZERO)

    # Indicators: each project target's latest counted value up to the quarter, added up or averaged per
    # indicator, then met / not yet exactly as on the dashboard.
    by_target = defaultdict(dict)
    for target_id, number, value, text in (
            IndicatorResult.objects.filter(report__project__in=projects, report__state__in=counted,
                                           report__quarter__number__lte=quarter)
            .values_list("target_id", "report__quarter__number", "value", "text")):
        by_target[target_id][number] = (value, text)
    latest = {target_id: _target_row(None, found)[1:] for target_id, found in by_target.items()}
    by_indicator = defaultdict(list)
    for target_id, indicator_id in ProjectIndicator.objects.filter(project__in=projects).values_list(
            "pk", "indicator_id"):
        by_indicator[indicator_id].append(latest.get(target_id, (None, "")))
    for indicator in Indicator.objects.filter(pk__in=list(by_indicator)).only(
            "id", "fiscal_year_id", "target_value", "is_cumulative", "is_qualitative"):
        found = by_indicator[indicator.pk]
        result = _indicator_result(indicator, [value for value, _text in found if value is not None])
        status = IndicatorFigure(indicator, indicator.target_value, result,
                                 texts=[text for _value, text in found if text]).status
        row = row_of_fy[indicator.fiscal_year_id]
        row.indicators += 1
        row.met += status == "met"
        row.not_yet += status == "not_yet"

    # Inspection follow-up actions of the year's rounds, and approved annual editions.
    from inspections.models import FollowUpAction

    State = FollowUpAction.State
    for item in (FollowUpAction.objects.filter(recommendation__issue__round__fiscal_year__in=fy_ids).open()
                 .order_by().values("recommendation__issue__round__fiscal_year").annotate(
                     n=Count("id"), overdue=Count("id", filter=Q(
                         due_date__lt=today, state__in=(State.OPEN, State.IN_PROGRESS, State.RETURNED))))):
        row = row_of_fy[item["recommendation__issue__round__fiscal_year"]]
        row.open_actions, row.overdue_actions = item["n"], item["overdue"]
    from .models import AnnualReport

    for fy_id, n in (AnnualReport.objects.filter(fiscal_year__in=fy_ids, state=AnnualReport.State.APPROVED)
                     .order_by().values("fiscal_year").annotate(n=Count("id")).values_list("fiscal_year", "n")):
        row_of_fy[fy_id].editions = n

    ordered = list(rows.values())
    return Rollup(year=year, quarter=quarter, basis=basis, today=today, rows=ordered, totals=_totals(ordered),
                  years=years, computed_at=timezone.now())


def _totals(rows: list) -> Row:
    total = Row(office=Office(name=""), disbursed=None)
    for row in rows:
        total.projects += row.projects
        total.forms.add(row.forms)
        total.budget += row.budget
        if row.disbursed is not None:
            total.disbursed = (total.disbursed or ZERO) + row.disbursed
        for name in ("indicators", "met", "not_yet", "open_actions", "overdue_actions", "editions"):
            setattr(total, name, getattr(total, name) + getattr(row, name))
    return total
