"""The national-system fields, in the order of eMENSCR's screens, and what each is in Tidtam.

Every field is a function of the :class:`Book` (the fiscal year's data, read in a fixed number of queries), a
project and a round (the quarter, for progress). Its raw value is what Tidtam stores (codes, ids, ISO dates,
decimals as strings); an empty one means the field is missing, so a stage is ready when none of the fields it needs
is empty. Keying takes a snapshot of the raw values; a later difference is "needs update", whatever the language of
the page. Its text (Thai, B.E., baht) is what a person keys, shown on the copy view, the sheets and the board's
"what changed". The stages name their fields by key (``Stage.fields``), so an office changes what a stage needs
without code.
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cached_property

from django.db.models import Prefetch, Q
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from plans.lib.thaidate import format_baht, format_date
from projects.models import (
    Activity,
    ActivityProgress,
    Disbursement,
    Project,
    ProjectIndicator,
    QuarterlyReport,
)

from .models import MONTHS, ActivityPlan, Entry, ProjectData, linkage_items_for

MONTH_NAMES = ("ต.ค.", "พ.ย.", "ธ.ค.", "ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.", "ก.ค.", "ส.ค.", "ก.ย.")


@dataclass(frozen=True)
class Field:
    """A national-system field: ``raw(book, project, round)`` is its value as stored (text, codes of linkage items
    and indicators, ids of people and groups, ISO dates, decimals as strings; empty when missing), compared to the
    snapshot taken when keyed; ``show(names, raw)`` is the text a person keys (Thai, B.E., baht)."""

    key: str
    label: str
    raw: Callable
    show: Callable = None

    def text(self, names, raw) -> str:
        if raw in ("", None, []):
            return ""
        if isinstance(raw, dict):  # a snapshot kept as text before raw values (see emenscr 0003)
            return str(raw.get("text", ""))
        return str(self.show(names, raw)) if self.show else str(raw)


def _money(value) -> str:
    return str(Decimal(value or 0).quantize(Decimal("0.01")))


def _number(raw) -> str:
    return f"{Decimal(raw).normalize():f}"


class Names:
    """What the raw values name, read once each when first needed: people, groups, linkage items, the year's
    strategies and indicators (a snapshot may name one the project no longer has)."""

    def __init__(self, fiscal_year):
        self.fy = fiscal_year

    @cached_property
    def users(self) -> dict:
        from accounts.models import User

        return dict(User.objects.filter(office_id=self.fy.office_id).values_list("pk", "full_name"))

    def user(self, pk) -> str:
        if pk not in self.users:
            from accounts.models import User

            self.users[pk] = User.objects.filter(pk=pk).values_list("full_name", flat=True).first() or f"#{pk}"
        return self.users[pk]

    @cached_property
    def groups(self) -> dict:
        from accounts.models import WorkGroup

        return dict(WorkGroup.objects.filter(office_id=self.fy.office_id).values_list("pk", "name"))

    @cached_property
    def linkage(self) -> dict:
        items = {}
        for level, code, name, office_id in linkage_items_for(self.fy.office_id).values_list(
                "level", "code", "name", "office_id"):
            if office_id or (level, code) not in items:  # the office's own win
                items[(level, code)] = name
        return items

    @cached_property
    def plan_items(self) -> dict:
        return dict(self.fy.plan_items.values_list("code", "name"))

    @cached_property
    def indicators(self) -> dict:
        return dict(self.fy.indicators.values_list("code", "name"))


def _data(project) -> ProjectData | None:
    return getattr(project, "emenscr_cached", None)


def _attr(name):
    def raw(book, project, round_):
        data = _data(project)
        return str(getattr(data, name, "") or "") if data else ""
    return raw


def _choice(choices):
    return lambda names, raw: str(dict(choices).get(raw, raw))


def _link(name, level):
    def raw(book, project, round_):
        item = getattr(_data(project), name, None) if _data(project) else None
        return item.code if item else ""

    def show(names, raw):
        label = names.linkage.get((level, raw), "")
        return f"{raw} {label}".strip()
    return raw, show


def _area(book, project, round_):
    data = _data(project)
    return [data.province, data.district] if data and data.province else ""


def _target(name):
    def raw(book, project, round_):
        data = _data(project)
        if not data or not getattr(data, f"{name}_target") or not getattr(data, f"{name}_unit"):
            return ""
        return [getattr(data, f"{name}_target"), getattr(data, f"{name}_unit")]
    return raw


def _owners(book, project, round_):
    return sorted(o.pk for o in project.owners.all())


def _dates(book, project, round_):
    if not project.start_date or not project.end_date:
        return ""
    return [project.start_date.isoformat(), project.end_date.isoformat()]


def _show_dates(names, raw):
    start, end = (date.fromisoformat(d) for d in raw)
    return f"{format_date(start)} – {format_date(end)}"


def _budget(book, project, round_):
    return _money(project.total_budget) if project.total_budget else ""


def _activities(book, project, round_):
    return [[a.order, a.name, _money(a.budget)] for a in project.activities.all()]


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
    return [_money(v) for v in month_totals(project)]


def _indicators(book, project, round_):
    return [[t.indicator.code, None if t.target_value is None else str(t.target_value), t.target_text]
            for t in project.indicator_targets.all()]


def _show_indicators(names, raw):
    return "; ".join(f"{code} {names.indicators.get(code, '')}".strip() + f" = {_number(value)}" if value is not None
                     else f"{code} = {text}" for code, value, text in raw)


def _strategies(book, project, round_):
    return sorted(s.code for s in project.strategies.all())


def _progress_form(book, project, round_):
    report = book.accepted_report(project, round_)
    return report.state if report else ""


def _activity_progress(book, project, round_):
    report = book.accepted_report(project, round_)
    if report is None:
        return ""
    return [[p.activity.order, p.status, p.percent] for p in report.activity_progress.all()]


def _show_activity_progress(names, raw):
    statuses = dict(ActivityProgress.Status.choices)
    return "; ".join(f"{order}. {statuses.get(status, status)} {percent if percent is not None else 0}%"
                     for order, status, percent in raw)


def _disbursed(book, project, round_):
    if book.accepted_report(project, round_) is None:
        return ""
    return _money(book.disbursed_to(project, round_))


def _results(book, project, round_):
    report = book.accepted_report(project, round_)
    if report is None:
        return ""
    return [[r.target.indicator.code, None if r.value is None else str(r.value), r.text]
            for r in report.indicator_results.all() if r.value is not None or r.text]


def _show_results(names, raw):
    return "; ".join(f"{code} = " + (_number(value) if value is not None else text) for code, value, text in raw)


def _report_text(name):
    def raw(book, project, round_):
        report = book.accepted_report(project, round_)
        return getattr(report, name, "") if report else ""
    return raw


def _text(names, raw):
    return str(raw)


FIELDS = {f.key: f for f in (
    # M1 general
    Field("name", _("Project name"), lambda b, p, r: p.name),
    Field("kind", _("Type"), _attr("kind"), _choice(ProjectData.Kind.choices)),
    Field("novelty", _("New or continuing"), _attr("novelty"), _choice(ProjectData.Novelty.choices)),
    Field("owners", _("Project owners"), _owners, lambda names, raw: ", ".join(sorted(names.user(pk) for pk in raw))),
    Field("group", _("Responsible group"), lambda b, p, r: p.group_id,
          lambda names, raw: names.groups.get(raw, f"#{raw}")),
    Field("period", _("Period"), _dates, _show_dates),
    Field("area", _("Area (province / district)"), _area, lambda names, raw: " / ".join(p for p in raw if p)),
    Field("objectives", _("Objectives"), lambda b, p, r: p.objectives),
    Field("target_groups", _("Target groups"), lambda b, p, r: p.target_groups),
    # M2 linkage
    *[Field(name, label, *_link(name, name)) for name, label in (
        ("strategy", _("20-year national strategy")), ("master_plan", _("Master plan")),
        ("master_target", _("Master plan target")), ("sub_plan", _("Sub-plan")), ("sub_target", _("Sub-plan target")),
        ("reform", _("National reform plan")), ("milestone", _("NESDP milestone")), ("sdg", _("SDG goal")))],
    Field("strategies", _("OBEC policy and office strategy"), _strategies,
          lambda names, raw: ", ".join(f"{code} {names.plan_items.get(code, '')}".strip() for code in raw)),
    # M3 budget
    Field("budget", _("Budget (baht)"), _budget, lambda names, raw: format_baht(raw)),
    Field("budget_category", _("Budget category"), lambda b, p, r: p.budget_category or "",
          _choice(Project.BudgetCategory.choices)),
    Field("budget_source", _("Budget source"), _attr("budget_source")),
    # M4 monthly plan
    Field("monthly_plan", _("Monthly spending plan"), _monthly,
          lambda names, raw: "; ".join(f"{m} {format_baht(v)}" for m, v in zip(MONTH_NAMES, raw, strict=True))),
    # M5 activities and targets
    Field("activities", _("Activities"), _activities,
          lambda names, raw: "; ".join(f"{order}. {name} ({format_baht(budget)})" for order, name, budget in raw)),
    Field("output_target", _("Output target"), _target("output"), lambda names, raw: " ".join(raw)),
    Field("outcome_target", _("Outcome target"), _target("outcome"), lambda names, raw: " ".join(raw)),
    # M6 indicators
    Field("indicators", _("Indicators and targets"), _indicators, _show_indicators),
    # M7 progress of a quarter
    Field("progress_form", _("Quarterly progress form"), _progress_form,
          _choice(QuarterlyReport.State.choices)),
    Field("activity_progress", _("Activity status and percent"), _activity_progress, _show_activity_progress),
    Field("disbursed", _("Disbursed to date (baht)"), _disbursed, lambda names, raw: format_baht(raw)),
    Field("results", _("Indicator results"), _results, _show_results),
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
    entry: Entry | None  # the keyed entry that counts for this round (of an earlier round for project data)
    own_entry: Entry | None  # the entry of exactly this stage and round, keyed or not (what marking moves)
    changed: list  # [Field] whose raw value differs from the snapshot
    values: dict  # {key: raw value}
    book: object = None

    @property
    def label(self):
        return State.LABELS[self.state]

    @property
    def css(self) -> str:
        return State.CSS[self.state]

    @property
    def version(self) -> int:
        """The version of this round's entry the page shows (0: none yet), for the engine's stale-page check."""
        return self.own_entry.version if self.own_entry else 0

    @cached_property
    def texts(self) -> dict:
        """{key: text}: the values as a person keys them, always in Thai (as keyed, whatever the page's language)."""
        with translation.override("th"):
            return {key: FIELDS[key].text(self.book.names, raw) for key, raw in self.values.items()}

    @cached_property
    def changes(self) -> list:
        """[(Field, text when keyed, text now)] of the fields that changed since."""
        with translation.override("th"):
            return [(field, field.text(self.book.names, self.entry.snapshot.get(field.key, "")),
                     self.texts[field.key]) for field in self.changed]


def _same(kept, raw, field, names) -> bool:
    """A snapshot value against the value now: raw against raw; one kept as text before raw snapshots (a dict)
    against the text now."""
    if isinstance(kept, dict):
        with translation.override("th"):
            return kept.get("text", "") == field.text(names, raw)
    return kept == raw or (kept in ("", None, []) and raw in ("", None, []))


class Book:
    """A fiscal year's projects (as a user may see them) with all that the fields read, in a fixed number of
    queries."""

    def __init__(self, fiscal_year, projects):
        self.fy = fiscal_year
        self.names = Names(fiscal_year)
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
        """The stage's fields as stored (raw), the same whatever the language of the page."""
        self._needs = stage.progress_needs
        return {key: FIELDS[key].raw(self, project, round_) for key in stage.fields if key in FIELDS}

    def entry(self, project, stage, round_: int):
        """The keyed entry that counts for the round: this round's for a per-quarter stage, else the latest keyed
        up to this round (project data keyed once stays keyed in later rounds)."""
        entries = [e for e in self.entries.get((project.pk, stage.pk), []) if e.state == Entry.State.KEYED]
        if stage.per_quarter:
            return next((e for e in entries if e.round == round_), None)
        earlier = [e for e in entries if e.round <= round_]
        return earlier[-1] if earlier else None

    def own_entry(self, project, stage, round_: int):
        return next((e for e in self.entries.get((project.pk, stage.pk), []) if e.round == round_), None)

    def status(self, project, stage, round_: int) -> Status:
        values = self.values(project, stage, round_)
        missing = [FIELDS[key] for key, raw in values.items() if raw in ("", None, []) and key not in OPTIONAL]
        entry = self.entry(project, stage, round_)
        changed = []
        if entry is not None:
            changed = [FIELDS[key] for key, raw in values.items()
                       if not _same(entry.snapshot.get(key, ""), raw, FIELDS[key], self.names)]
            state = State.NEEDS_UPDATE if changed else State.KEYED
        else:
            state = State.NOT_READY if missing else State.READY
        return Status(project, stage, round_, state, missing, entry, self.own_entry(project, stage, round_),
                      changed, values, self)

    def statuses(self, stage, round_: int) -> list[Status]:
        return [self.status(project, stage, round_) for project in self.projects]
