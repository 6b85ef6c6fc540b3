"""How well the M&E work itself runs (issue 15 §4): the same figures for every fiscal year of an office, side by
side, so the office sees whether its monitoring improves.

Every figure is one :class:`Metric` of :data:`METRICS` — a label, a unit and ``value(office, fiscal_year)``
returning a number or None ("no data"). A new figure is one more line in that list. The figures read the quarterly
forms' review events (``projects.ReportEvent``: submitted, returned, approved), the forms' on-time stamp, the
indicator results and the satisfaction answers (``feedback``); each runs one to three queries per year whatever the
number of forms, and figures that share a query share it through :func:`_once` (kept on the year object).
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from statistics import mean, median

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from evaluation.metrics import answers_received
from feedback.services import score_of
from plans.lib import ratios
from plans.lib.thaidate import format_number
from plans.models import FiscalYear, Indicator
from projects.models import IndicatorResult, Project, QuarterlyReport, ReportEvent

PERCENT, PER_FORM, DAYS, SCORE = "percent", "per_form", "days", "score"
SENT = (QuarterlyReport.State.SUBMITTED, QuarterlyReport.State.VERIFIED, QuarterlyReport.State.APPROVED)
Action = ReportEvent.Action


def _round(value, places=1) -> Decimal:
    return Decimal(str(value)).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)


def share(part: int, whole: int) -> Decimal | None:
    return ratios.percent(part, whole, places=1)


def _once(fiscal_year, key: str, compute: Callable):
    """``compute()`` once per year object and key: figures that read the same rows share one query."""
    memo = fiscal_year.__dict__.setdefault("_health", {})
    if key not in memo:
        memo[key] = compute()
    return memo[key]


def _projects(office, fiscal_year):
    return Project.objects.filter(office=office, fiscal_year=fiscal_year).exclude(status=Project.Status.CANCELLED)


# --- forms sent on time -----------------------------------------------------------------------------------------

def on_time_by_group(office, fiscal_year, today: date | None = None) -> dict:
    """{group id: (forms sent on time, forms due)} for the quarters whose due date has passed: every project
    (not cancelled) owes one form a quarter; a form counts as on time when its first submission was."""
    def compute():
        day = today or timezone.localdate()
        due = [q.pk for q in fiscal_year.quarters.all() if q.due_date < day]
        if not due:
            return {}
        owed = {row["group"]: row["n"] * len(due) for row in
                _projects(office, fiscal_year).order_by().values("group").annotate(n=Count("id"))}
        sent = {row["project__group"]: row["n"] for row in QuarterlyReport.objects.filter(
            project__in=_projects(office, fiscal_year), quarter_id__in=due,
            timeliness=QuarterlyReport.Timeliness.ON_TIME).order_by().values("project__group").annotate(n=Count("id"))}
        return {group: (sent.get(group, 0), n) for group, n in owed.items()}
    return _once(fiscal_year, f"on_time:{today}", compute)


def on_time_share(office, fiscal_year, today: date | None = None) -> Decimal | None:
    counts = on_time_by_group(office, fiscal_year, today).values()
    return share(sum(s for s, _n in counts), sum(n for _s, n in counts))


# --- returns and days to approval, from the review events ---------------------------------------------------------

def _events(office, fiscal_year) -> dict:
    """{form id: [(action, at)…] in order} of the year's forms: submissions, returns and approvals."""
    def compute():
        events = defaultdict(list)
        for report_id, action, at in (ReportEvent.objects.filter(
                report__project__office=office, report__project__fiscal_year=fiscal_year,
                action__in=(Action.SUBMITTED, Action.RETURNED, Action.APPROVED))
                .order_by("at", "id").values_list("report_id", "action", "at")):
            events[report_id].append((action, at))
        return events
    return _once(fiscal_year, "events", compute)


def returns_per_form(office, fiscal_year) -> Decimal | None:
    """Returns for changes, per form sent (a form returned twice counts twice)."""
    events = _events(office, fiscal_year)
    sent = [steps for steps in events.values() if any(a == Action.SUBMITTED for a, _at in steps)]
    returns = sum(1 for steps in sent for a, _at in steps if a == Action.RETURNED)
    return _round(Decimal(returns) / len(sent), 2) if sent else None


def days_to_approval(office, fiscal_year) -> list[float]:
    """Calendar days from each form's first submission to its first approval after it (returns included)."""
    days = []
    for steps in _events(office, fiscal_year).values():
        submitted = next((at for a, at in steps if a == Action.SUBMITTED), None)
        approved = submitted and next((at for a, at in steps if a == Action.APPROVED and at >= submitted), None)
        if approved:
            days.append((approved - submitted).total_seconds() / 86400)
    return days


def median_days(office, fiscal_year) -> Decimal | None:
    days = days_to_approval(office, fiscal_year)
    return _round(median(days)) if days else None


def mean_days(office, fiscal_year) -> Decimal | None:
    days = days_to_approval(office, fiscal_year)
    return _round(mean(days)) if days else None


# --- indicators and satisfaction ----------------------------------------------------------------------------------

def indicators_with_data(office, fiscal_year) -> Decimal | None:
    """Share of the year's plan indicators with a result (figure or text) in at least one sent form."""
    results = IndicatorResult.objects.filter(target__indicator=OuterRef("pk"), report__state__in=SENT).filter(
        Q(value__isnull=False) | ~Q(text=""))
    row = (Indicator.objects.filter(fiscal_year=fiscal_year, fiscal_year__office=office)
           .annotate(has_data=Exists(results)).aggregate(total=Count("id"), with_data=Count("id", filter=Q(has_data=True))))
    return share(row["with_data"], row["total"])


def satisfaction(office, fiscal_year) -> Decimal | None:
    return score_of(office, fiscal_year)


def evaluation_answers(office, fiscal_year) -> Decimal | None:
    """Share of the plan evaluation's invitations that were answered (None when nobody was invited)."""
    received, invited = answers_received(office, fiscal_year)
    return share(received, invited)


@dataclass(frozen=True)
class Metric:
    key: str
    label: str
    unit: str
    value: Callable  # (office, fiscal_year) → Decimal | None
    better: str = "higher"  # which way is an improvement: "higher" or "lower"

    def show(self, value) -> str:
        if value is None:
            return str(_("No data"))
        if self.unit == PERCENT:
            return f"{format_number(value, 1)}%"
        if self.unit == DAYS:
            return str(_("%(n)s days")) % {"n": format_number(value, 1)}
        if self.unit == SCORE:
            return f"{format_number(value, 2)} / 5"
        return format_number(value, 2)


METRICS: list[Metric] = [
    Metric("on_time", _("Forms sent on time (share of forms due)"), PERCENT, on_time_share),
    Metric("returns", _("Returns per form sent"), PER_FORM, returns_per_form, better="lower"),
    Metric("median_days", _("Days from submission to approval (median)"), DAYS, median_days, better="lower"),
    Metric("mean_days", _("Days from submission to approval (mean)"), DAYS, mean_days, better="lower"),
    Metric("indicators", _("Indicators with data"), PERCENT, indicators_with_data),
    Metric("satisfaction", _("Users' satisfaction (1–5)"), SCORE, satisfaction),
    Metric("evaluation", _("Plan evaluation answers received (share of invitations)"), PERCENT, evaluation_answers),
    # evaluation answers received: one more Metric here when the evaluation app is merged
]


@dataclass
class Comparison:
    years: list  # FiscalYear, newest first: those with any figure
    rows: list  # (Metric, [value per year])
    groups: list  # (WorkGroup, [(on time, due) or None per year])


def compare(office) -> Comparison:
    """Every metric for every fiscal year of ``office`` that has data, newest first."""
    from accounts.models import WorkGroup

    years = list(FiscalYear.objects.filter(office=office).order_by("-year"))
    values = {fy.pk: [metric.value(office, fy) for metric in METRICS] for fy in years}
    years = [fy for fy in years if any(v is not None for v in values[fy.pk])]
    rows = [(metric, [values[fy.pk][i] for fy in years]) for i, metric in enumerate(METRICS)]
    per_year = [on_time_by_group(office, fy) for fy in years]
    ids = {group for counts in per_year for group in counts}
    groups = [(group, [counts.get(group.pk) for counts in per_year])
              for group in WorkGroup.objects.filter(pk__in=ids).order_by("order", "code")]
    return Comparison(years=years, rows=rows, groups=groups)
