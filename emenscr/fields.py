"""The national-system fields, in the order of eMENSCR's screens, and what each is in Tidtam.

Every field is a function of the :class:`Book` (the fiscal year's data, read in a fixed number of queries), a
project and a round (the quarter, for progress). Its text is what a person keys; an empty text means the field is
missing, so a stage is ready when none of the fields it needs is empty. The stages name their fields by key
(``Stage.fields``), so an office changes what a stage needs without code.
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch, Q
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from plans.lib.thaidate import format_baht, format_date
from projects.models import Activity, Disbursement, Project, ProjectIndicator, QuarterlyReport

from .models import MONTHS, ActivityPlan, Entry, ProjectData

MONTH_NAMES = ("ต.ค.", "พ.ย.", "ธ.ค.", "ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.", "ก.ค.", "ส.ค.", "ก.ย.")


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    text: Callable  # (book, project, round) → str; "" when missing


def _data(project) -> ProjectData | None:
    return getattr(project, "emenscr_cached", None)


def _attr(name):
    def text(book, project, round_):
        data = _data(project)
        value = getattr(data, name, "") if data else ""
        if hasattr(data, f"get_{name}_display") and value:
            return str(getattr(data, f"get_{name}_display")())
        return str(value or "")
    return text


def _link(name):
    def text(book, project, round_):
        data = _data(project)
        item = getattr(data, name, None) if data else None
        return f"{item.code} {item.name}" if item else ""
    return text


def _area(book, project, round_):
    data = _data(project)
    if not data or not data.province:
        return ""
    return " / ".join(part for part in (data.province, data.district) if part)


def _target(name):
    def text(book, project, round_):
        data = _data(project)
        if not data or not getattr(data, f"{name}_target"):
            return ""
        unit = getattr(data, f"{name}_unit")
        return f"{getattr(data, f'{name}_target')} {unit}".strip() if unit else ""
    return text


def _owners(book, project, round_):
    return ", ".join(sorted(o.full_name for o in project.owners.all()))


def _dates(book, project, round_):
    if not project.start_date or not project.end_date:
        return ""
    return f"{format_date(project.start_date)} – {format_date(project.end_date)}"


def _budget(book, project, round_):
    return format_baht(project.total_budget) if project.total_budget else ""


def _activities(book, project, round_):
    return "; ".join(f"{a.order}. {a.name} ({format_baht(a.budget)})" for a in project.activities.all())


def monthly_problems(project) -> list[str]:
    """Activities whose monthly plan is missing or does not add up to their budget."""
    problems = []
    for activity in project.activities.all():
        plan = getattr(activity, "emenscr_plan_cached", None)
        if plan is None:
            problems.append(str(_("activity %(no)s has no monthly plan") % {"no": activity.order}))
        elif plan.total != activity.budget:
            problems.append(str(_("activity %(no)s: the monthly plan adds up to %(total)s, not %(budget)s") % {
                "no": activity.order, "total": format_baht(plan.total), "budget": format_baht(activity.budget)}))
    return problems


def month_totals(project) -> list[Decimal]:
    totals = [Decimal("0")] * MONTHS
    for activity in project.activities.all():
        plan = getattr(activity, "emenscr_plan_cached", None)
        if plan is not None:
            totals = [a + b for a, b in zip(totals, plan.amounts, strict=True)]
    return totals


def _monthly(book, project, round_):
    if not project.activities.all() or monthly_problems(project):
        return ""
    return "; ".join(f"{m} {format_baht(v)}" for m, v in zip(MONTH_NAMES, month_totals(project), strict=True))


def _indicators(book, project, round_):
    return "; ".join(
        f"{t.indicator.code} {t.indicator.name} = "
        f"{t.target_value.normalize():f}" if t.target_value is not None else f"{t.indicator.code} = {t.target_text}"
        for t in project.indicator_targets.all())


def _strategies(book, project, round_):
    return ", ".join(f"{s.code} {s.name}" for s in project.strategies.all())


def _progress_form(book, project, round_):
    report = book.accepted_report(project, round_)
    return str(report.get_state_display()) if report else ""


def _activity_progress(book, project, round_):
    report = book.accepted_report(project, round_)
    if report is None:
        return ""
    return "; ".join(f"{p.activity.order}. {p.get_status_display()} {p.percent if p.percent is not None else 0}%"
                     for p in report.activity_progress.all())


def _disbursed(book, project, round_):
    if book.accepted_report(project, round_) is None:
        return ""
    return format_baht(book.disbursed_to(project, round_))


def _results(book, project, round_):
    report = book.accepted_report(project, round_)
    if report is None:
        return ""
    return "; ".join(f"{r.target.indicator.code} = "
                     + (f"{r.value.normalize():f}" if r.value is not None else r.text)
                     for r in report.indicator_results.all() if r.value is not None or r.text)


def _report_text(name):
    def text(book, project, round_):
        report = book.accepted_report(project, round_)
        return getattr(report, name, "") if report else ""
    return text


FIELDS = {f.key: f for f in (
    # M1 general
    Field("name", _("Project name"), lambda b, p, r: p.name),
    Field("kind", _("Type"), _attr("kind")),
    Field("novelty", _("New or continuing"), _attr("novelty")),
    Field("owners", _("Project owners"), _owners),
    Field("group", _("Responsible group"), lambda b, p, r: p.group.name),
    Field("period", _("Period"), _dates),
    Field("area", _("Area (province / district)"), _area),
    Field("objectives", _("Objectives"), lambda b, p, r: p.objectives),
    Field("target_groups", _("Target groups"), lambda b, p, r: p.target_groups),
    # M2 linkage
    Field("strategy", _("20-year national strategy"), _link("strategy")),
    Field("master_plan", _("Master plan"), _link("master_plan")),
    Field("master_target", _("Master plan target"), _link("master_target")),
    Field("sub_plan", _("Sub-plan"), _link("sub_plan")),
    Field("sub_target", _("Sub-plan target"), _link("sub_target")),
    Field("reform", _("National reform plan"), _link("reform")),
    Field("milestone", _("NESDP milestone"), _link("milestone")),
    Field("sdg", _("SDG goal"), _link("sdg")),
    Field("strategies", _("OBEC policy and office strategy"), _strategies),
    # M3 budget
    Field("budget", _("Budget (baht)"), _budget),
    Field("budget_category", _("Budget category"),
          lambda b, p, r: str(p.get_budget_category_display()) if p.budget_category else ""),
    Field("budget_source", _("Budget source"), _attr("budget_source")),
    # M4 monthly plan
    Field("monthly_plan", _("Monthly spending plan"), _monthly),
    # M5 activities and targets
    Field("activities", _("Activities"), _activities),
    Field("output_target", _("Output target"), _target("output")),
    Field("outcome_target", _("Outcome target"), _target("outcome")),
    # M6 indicators
    Field("indicators", _("Indicators and targets"), _indicators),
    # M7 progress of a quarter
    Field("progress_form", _("Quarterly progress form"), _progress_form),
    Field("activity_progress", _("Activity status and percent"), _activity_progress),
    Field("disbursed", _("Disbursed to date (baht)"), _disbursed),
    Field("results", _("Indicator results"), _results),
    Field("problems", _("Problems and obstacles"), _report_text("problems")),
    Field("outputs", _("Outputs"), _report_text("outputs")),
)}

#: fields that are never required for readiness but are shown and exported
OPTIONAL = {"problems"}


def in_scope(projects):
    """The projects eMENSCR asks for: those of the annual plan and those funded by OBEC, not cancelled."""
    return projects.exclude(status=Project.Status.CANCELLED).filter(
        Q(source=Project.Source.ACTION_PLAN) | Q(budget_obec__gt=0))


class State:
    NOT_READY = "not_ready"
    READY = "ready"
    KEYED = "keyed"
    NEEDS_UPDATE = "needs_update"
    LABELS = {NOT_READY: _("Not ready"), READY: _("Ready"), KEYED: _("Keyed"), NEEDS_UPDATE: _("Needs update")}
    ORDER = (NOT_READY, READY, KEYED, NEEDS_UPDATE)
    CSS = {NOT_READY: "text-bg-secondary", READY: "text-bg-primary", KEYED: "text-bg-success",
           NEEDS_UPDATE: "text-bg-warning"}


@dataclass
class Status:
    project: Project
    stage: object
    round: int
    state: str
    missing: list  # [Field]
    entry: Entry | None
    changes: list  # [(Field, old text, new text)]
    values: dict  # {key: text}

    @property
    def label(self):
        return State.LABELS[self.state]

    @property
    def css(self) -> str:
        return State.CSS[self.state]


class Book:
    """A fiscal year's projects (as a user may see them) with all that the fields read, in a fixed number of
    queries."""

    def __init__(self, fiscal_year, projects):
        self.fy = fiscal_year
        self.projects = list(
            in_scope(projects.filter(fiscal_year=fiscal_year)).select_related("group", "fiscal_year").prefetch_related(
                "owners", "strategies",
                Prefetch("activities", queryset=Activity.objects.order_by("order", "id")),
                Prefetch("indicator_targets", queryset=ProjectIndicator.objects.select_related("indicator")),
            ).order_by("code"))
        ids = [p.pk for p in self.projects]
        data = {d.project_id: d for d in ProjectData.objects.filter(project_id__in=ids).select_related(
            "strategy", "master_plan", "master_target", "sub_plan", "sub_target", "reform", "milestone", "sdg")}
        plans = {p.activity_id: p for p in ActivityPlan.objects.filter(activity__project_id__in=ids)}
        for project in self.projects:
            project.emenscr_cached = data.get(project.pk)
            for activity in project.activities.all():
                activity.emenscr_plan_cached = plans.get(activity.pk)
        self.reports = {}
        for report in QuarterlyReport.objects.filter(project_id__in=ids).select_related("quarter").prefetch_related(
                "activity_progress__activity", "indicator_results__target__indicator"):
            self.reports[(report.project_id, report.quarter.number)] = report
        self.disbursed = defaultdict(dict)
        for project_id, number, amount in Disbursement.objects.filter(project_id__in=ids).values_list(
                "project_id", "quarter__number", "amount"):
            self.disbursed[project_id][number] = amount
        self.entries = defaultdict(list)
        for entry in Entry.objects.filter(project_id__in=ids).select_related("keyed_by").order_by("round"):
            self.entries[(entry.project_id, entry.stage_id)].append(entry)
        self.progress_needs = {}

    def accepted_report(self, project, quarter: int):
        report = self.reports.get((project.pk, quarter))
        if report is None:
            return None
        needs = getattr(self, "_needs", "approved")
        accepted = ("approved",) if needs == "approved" else ("submitted", "verified", "approved")
        return report if report.state in accepted else None

    def disbursed_to(self, project, quarter: int) -> Decimal:
        """Finance's cumulative disbursement up to the end of ``quarter``."""
        return sum((amount for number, amount in self.disbursed.get(project.pk, {}).items() if number <= quarter),
                   Decimal("0.00"))

    def values(self, project, stage, round_: int) -> dict:
        """The stage's fields as text, always in Thai (as keyed, and so that a snapshot compares the same whatever
        the language of the page that took it)."""
        self._needs = stage.progress_needs
        with translation.override("th"):
            return {key: str(FIELDS[key].text(self, project, round_)) for key in stage.fields if key in FIELDS}

    def entry(self, project, stage, round_: int):
        entries = self.entries.get((project.pk, stage.pk), [])
        if stage.per_quarter:
            return next((e for e in entries if e.round == round_), None)
        earlier = [e for e in entries if e.round <= round_]
        return earlier[-1] if earlier else None

    def status(self, project, stage, round_: int) -> Status:
        values = self.values(project, stage, round_)
        missing = [FIELDS[key] for key, text in values.items() if not text and key not in OPTIONAL]
        entry = self.entry(project, stage, round_)
        changes = []
        if entry is not None:
            changes = [(FIELDS[key], entry.snapshot.get(key, ""), text) for key, text in values.items()
                       if entry.snapshot.get(key, "") != text]
            state = State.NEEDS_UPDATE if changes else State.KEYED
        else:
            state = State.NOT_READY if missing else State.READY
        return Status(project, stage, round_, state, missing, entry, changes, values)

    def statuses(self, stage, round_: int) -> list[Status]:
        return [self.status(project, stage, round_) for project in self.projects]
