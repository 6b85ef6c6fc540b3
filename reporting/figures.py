"""The year's figures, computed once for the dashboard, the annual report and the Excel compilations.

Everything here reads a fixed number of queries whatever the number of projects: the projects in
scope, their quarterly forms, indicator targets and results, activities and disbursements are
each loaded in one query and put together in Python.

Two bases for results (``Basis``): *approved* counts only forms the director approved; *submitted*
counts every form that was sent (submitted, verified or approved). Completeness and timeliness do
not depend on the basis; budget comes from finance's disbursement figures.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal


from plans.models import DisbursementTarget, Indicator
from projects import categories
from projects.models import CATEGORY_TARGET, category_of
from projects.models import (Activity, ActivityProgress, Disbursement, IndicatorResult, Project, ProjectIndicator,
                             QuarterlyReport)

State = QuarterlyReport.State
ZERO = Decimal("0")


class Basis:
    APPROVED = "approved"
    SUBMITTED = "submitted"
    STATES = {APPROVED: (State.APPROVED,), SUBMITTED: (State.SUBMITTED, State.VERIFIED, State.APPROVED)}

    @classmethod
    def of(cls, value) -> str:
        return value if value in cls.STATES else cls.SUBMITTED


@dataclass
class Cell:
    """One group × quarter of the completeness matrix."""

    projects: int = 0
    on_time: int = 0
    late: int = 0
    missing: int = 0  # due date passed, never sent
    not_due: int = 0  # not sent, due date still ahead
    due: int = 0  # forms whose due date has passed, sent or not (a form sent early is not due yet)

    @property
    def sent(self) -> int:
        return self.on_time + self.late

    @property
    def percent_sent(self) -> int | None:
        """The share of the forms due that were sent; None while none is due (forms sent early count once
        their due date has passed: before it, they would make any quarter 100 %)."""
        return round(100 * (self.due - self.missing) / self.due) if self.due else None

    @property
    def level(self) -> str:
        """A colour for the cell: ok (everything due was sent on time), late, missing, or wait."""
        if self.missing:
            return "missing"
        if self.late:
            return "late"
        if self.sent:
            return "ok"
        return "wait"

    def add(self, other: "Cell") -> None:
        for name in ("projects", "on_time", "late", "missing", "not_due", "due"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class BudgetQuarter:
    number: int
    disbursed: Decimal = ZERO
    cumulative: Decimal | None = ZERO  # None: the quarter has not started
    target_percent: Decimal | None = None
    target_amount: Decimal | None = None


@dataclass
class CategoryBudget:
    """One budget category (งบดำเนินงาน/งบประจำ or งบลงทุน) against its own cumulative disbursement target.
    Projects without a category count as operating."""
    category: str  # Project.BudgetCategory value
    budget_type: str  # the DisbursementTarget.BudgetType its target is set under
    budget: Decimal
    quarters: list  # BudgetQuarter

    @property
    def label(self) -> str:
        return str(Project.BudgetCategory(self.category).label)

    @property
    def disbursed_total(self) -> Decimal:
        return sum((q.disbursed for q in self.quarters), ZERO)

    @property
    def current(self):
        """The latest started quarter (cumulative known), or None."""
        return next((q for q in reversed(self.quarters) if q.cumulative is not None), None)

    @property
    def cumulative_percent(self) -> Decimal | None:
        current = self.current
        if current is None or not self.budget:
            return None
        return (current.cumulative * 100 / self.budget).quantize(Decimal("0.01"))


@dataclass
class IndicatorFigure:
    indicator: Indicator
    target: Decimal | None
    result: Decimal | None
    texts: list[str] = field(default_factory=list)
    projects: list = field(default_factory=list)  # (project, ProjectIndicator, latest value or text)

    @property
    def status(self) -> str:
        if self.indicator.is_qualitative:
            return "reported" if self.texts else "no_data"
        if self.result is None:
            return "no_data"
        if self.target is None:
            return "reported"
        return "met" if self.result >= self.target else "not_yet"


@dataclass
class ProjectFigure:
    project: Project
    reports: dict  # quarter number → QuarterlyReport counted on the chosen basis
    disbursed: dict  # quarter number → Decimal
    spent: dict  # quarter number → Decimal (owner's figure, from counted forms)
    targets: list  # (ProjectIndicator, latest value, latest text)
    activities: list  # (Activity, latest progress {status, percent, description} or None)
    all_reports: dict = field(default_factory=dict)  # quarter number → every form, whatever its state
    by_category: dict = field(default_factory=dict)  # budget category → this project's budget in it

    @property
    def budget(self) -> Decimal:
        return self.project.total_budget

    @property
    def disbursed_total(self) -> Decimal:
        return sum(self.disbursed.values(), ZERO)

    @property
    def latest(self) -> QuarterlyReport | None:
        return self.reports[max(self.reports)] if self.reports else None


@dataclass
class Year:
    fiscal_year: object
    basis: str
    today: date
    quarters: list
    groups: list
    matrix: dict  # group → {quarter number → Cell}
    totals: dict  # quarter number → Cell (all groups)
    budget_total: Decimal
    budget_by_group: list  # (group, allocated, disbursed)
    budget_quarters: list[BudgetQuarter]
    indicators: list[IndicatorFigure]
    projects: list[ProjectFigure]
    overdue: list  # (project, quarter, report or None)
    by_source: list  # (label, count, budget)
    project_count: int = 0
    overdue_count: int = 0
    budget_categories: list = field(default_factory=list)  # CategoryBudget, operating then investment

    @property
    def form_quarters(self) -> list:
        """The quarters that ask for progress forms this year (FiscalYear.form_quarters): the matrix's columns."""
        return [q for q in self.quarters if q.needs_form]

    @property
    def indicator_counts(self) -> Counter:
        return Counter(figure.status for figure in self.indicators)

    @property
    def disbursed_total(self) -> Decimal:
        return sum((q.disbursed for q in self.budget_quarters), ZERO)


def _latest(values: dict):
    return values[max(values)] if values else None


def _target_row(target, by_quarter: dict) -> tuple:
    """(target, latest numeric result, latest text result) from {quarter: (value, text)}."""
    values = {n: value for n, (value, _text) in by_quarter.items() if value is not None}
    texts = {n: text for n, (_value, text) in by_quarter.items() if text}
    return target, _latest(values), _latest(texts) or ""


def year(fiscal_year, *, user=None, basis: str = Basis.SUBMITTED, group=None, quarter: int | None = None,
         today: date | None = None, detail: bool = True) -> Year:
    """The figures of a fiscal year as ``user`` may see them (everything when ``user`` is None),
    optionally for one group; ``quarter`` limits results and budget to the quarters up to it.
    ``detail=False`` (the dashboard) leaves out activities and the forms' texts."""
    from django.utils import timezone

    today = today or timezone.localdate()
    basis = Basis.of(basis)
    counted = Basis.STATES[basis]
    quarters = list(fiscal_year.quarters.order_by("number"))
    last = quarter or 4
    projects = Project.objects.filter(fiscal_year=fiscal_year).exclude(status=Project.Status.CANCELLED)
    if user is not None:
        projects = projects.visible_to(user)
    if group is not None:
        projects = projects.filter(group=group)
    projects = list(projects.select_related("group").order_by("group__order", "group__code", "code"))
    ids = [p.pk for p in projects]
    number_of = {q.pk: q.number for q in quarters}
    reports = defaultdict(dict)
    report_rows = QuarterlyReport.objects.filter(project_id__in=ids)
    if not detail:
        report_rows = report_rows.only("id", "project_id", "quarter_id", "state", "timeliness",
                                       "first_submitted_at", "spent_this_quarter")
    for report in report_rows:
        reports[report.project_id][number_of[report.quarter_id]] = report
    disbursed = defaultdict(dict)
    for project_id, quarter_id, amount in Disbursement.objects.filter(project_id__in=ids).values_list(
            "project_id", "quarter_id", "amount"):
        disbursed[project_id][number_of[quarter_id]] = amount
    targets = defaultdict(list)
    for target in (ProjectIndicator.objects.filter(project_id__in=ids)
                   .select_related("indicator__plan_item").order_by("indicator__order", "indicator__code")):
        targets[target.project_id].append(target)
    results = defaultdict(dict)  # target id → quarter → (value, text)
    for result in (IndicatorResult.objects.filter(report__project_id__in=ids, report__state__in=counted,
                                                  report__quarter__number__lte=last)
                   .values("target_id", "report__quarter__number", "value", "text")):
        results[result["target_id"]][result["report__quarter__number"]] = (result["value"], result["text"])
    progress = defaultdict(dict)  # activity id → quarter → {status, percent, description}
    activities = defaultdict(list)
    if detail:
        for line in (ActivityProgress.objects.filter(report__project_id__in=ids, report__state__in=counted,
                                                     report__quarter__number__lte=last)
                     .values("activity_id", "report__quarter__number", "status", "percent", "description")):
            progress[line["activity_id"]][line["report__quarter__number"]] = line
        for activity in Activity.objects.filter(project_id__in=ids).order_by("order", "pk"):
            activities[activity.project_id].append(activity)
    source_labels = {value: str(label) for value, label in Project.Source.choices}
    mixed = categories.mixed(ids)  # projects whose activities mix budget categories (projects/categories.py)

    form_quarters = [q for q in quarters if q.needs_form]  # a quarter without forms has no missing form
    groups, matrix, totals = [], {}, {q.number: Cell() for q in form_quarters}
    overdue, figures = [], []
    by_group_budget = defaultdict(lambda: [ZERO, ZERO])
    by_category = defaultdict(lambda: ZERO)  # category → budget
    paid_by_category = defaultdict(lambda: ZERO)  # (category, quarter number) → disbursed
    sources = defaultdict(lambda: [0, ZERO])
    for project in projects:
        if project.group not in matrix:
            groups.append(project.group)
            matrix[project.group] = {q.number: Cell() for q in form_quarters}
        mine = reports.get(project.pk, {})
        for q in form_quarters:
            cell = Cell(projects=1, due=int(q.due_date < today))
            report = mine.get(q.number)
            if report is not None and report.first_submitted_at is not None:
                if report.timeliness == QuarterlyReport.Timeliness.LATE:
                    cell.late = 1
                else:
                    cell.on_time = 1
            elif q.due_date < today:
                cell.missing = 1
                overdue.append((project, q, report))
            else:
                cell.not_due = 1
            matrix[project.group][q.number].add(cell)
            totals[q.number].add(cell)
        paid = {n: amount for n, amount in disbursed.get(project.pk, {}).items() if n <= last}
        budget = project.total_budget
        by_group_budget[project.group][0] += budget
        by_group_budget[project.group][1] += sum(paid.values(), ZERO)
        project_shares = mixed.get(project.pk)
        budget_parts = categories.split(budget, project.budget_category, project_shares)
        for category, part in budget_parts.items():
            by_category[category] += part
        for number, amount in paid.items():
            for category, part in categories.split(amount, project.budget_category, project_shares).items():
                paid_by_category[(category, number)] += part
        sources[source_labels[project.source]][0] += 1
        sources[source_labels[project.source]][1] += budget
        counted_reports = {n: r for n, r in mine.items() if r.state in counted and n <= last}
        figures.append(ProjectFigure(
            project=project, reports=counted_reports, disbursed=paid,
            spent={n: r.spent_this_quarter for n, r in counted_reports.items() if r.spent_this_quarter is not None},
            targets=[_target_row(t, results.get(t.pk, {})) for t in targets.get(project.pk, [])],
            activities=[(a, _latest(progress.get(a.pk, {}))) for a in activities.get(project.pk, [])],
            all_reports=mine, by_category=budget_parts,
        ))

    budget_total = sum((p.total_budget for p in projects), ZERO)
    targets_by_type = _targets(fiscal_year)
    budget_quarters = _budget_quarters(
        fiscal_year, quarters, last=last, today=today, budget_total=budget_total,
        disbursed_in=lambda number: sum((f.disbursed.get(number, ZERO) for f in figures), ZERO),
        targets=targets_by_type[DisbursementTarget.BudgetType.OVERALL])
    budget_categories = _categories(fiscal_year, quarters, last=last, today=today, budgets=by_category,
                                    paid=paid_by_category, targets_by_type=targets_by_type)

    overdue.sort(key=lambda row: (row[1].number, row[0].group.order, row[0].code))
    return Year(
        fiscal_year=fiscal_year, basis=basis, today=today, quarters=quarters, groups=groups, matrix=matrix,
        totals=totals, budget_total=budget_total,
        budget_by_group=[(g, *by_group_budget[g]) for g in groups],
        budget_quarters=budget_quarters, indicators=_indicators(fiscal_year, figures), projects=figures,
        overdue=overdue, by_source=[(label, n, amount) for label, (n, amount) in sources.items()],
        project_count=len(projects), overdue_count=len(overdue), budget_categories=budget_categories,
    )


def _apportion_mixed(scope, by_category: dict, paid_by_category: dict, number_of: dict, last: int) -> None:
    """Move the budget and disbursements of the projects whose activities mix categories from their own category
    to each category's share (projects/categories.py); added up by project category, they were counted whole."""
    mixed = categories.mixed(scope)
    if not mixed:
        return
    for pk, home, budget in (Project.objects.filter(pk__in=list(mixed)).with_budget()
                             .values_list("pk", "budget_category", "budget_total")):
        by_category[category_of(home)] -= budget
        for category, part in categories.split(budget, home, mixed[pk]).items():
            by_category[category] += part
    for pk, home, quarter_id, amount in (Disbursement.objects.filter(project_id__in=list(mixed)).order_by()
                                         .values_list("project_id", "project__budget_category", "quarter_id",
                                                      "amount")):
        number = number_of[quarter_id]
        if number > last:
            continue
        paid_by_category[(category_of(home), number)] -= amount
        for category, part in categories.split(amount, home, mixed[pk]).items():
            paid_by_category[(category, number)] += part


def _targets(fiscal_year) -> dict:
    """{budget type → {quarter → cumulative percent}} of the year's disbursement targets (one query)."""
    out = {value: {} for value in DisbursementTarget.BudgetType.values}
    for budget_type, number, percent in DisbursementTarget.objects.filter(fiscal_year=fiscal_year).values_list(
            "budget_type", "quarter", "cumulative_percent"):
        out.setdefault(budget_type, {})[number] = percent
    return out


def _categories(fiscal_year, quarters, *, last: int, today: date, budgets: dict, paid: dict,
                targets_by_type: dict) -> list[CategoryBudget]:
    """Each budget category's budget and disbursement against its own cumulative target; a category shows
    when it has a budget or a disbursement."""
    out = []
    for category, budget_type in CATEGORY_TARGET.items():
        budget = budgets.get(category, ZERO)
        if not budget and not any(paid.get((category, q.number)) for q in quarters):
            continue
        out.append(CategoryBudget(str(category), str(budget_type), budget, _budget_quarters(
            fiscal_year, quarters, last=last, today=today, budget_total=budget,
            disbursed_in=lambda number, c=category: paid.get((c, number), ZERO),
            targets=targets_by_type.get(budget_type, {}))))
    return out


def _budget_quarters(fiscal_year, quarters, *, last: int, today: date, budget_total: Decimal,
                     disbursed_in, targets: dict | None = None) -> list[BudgetQuarter]:
    """Disbursed per quarter (``disbursed_in(number)``), cumulative for the quarters that have started,
    against the year's overall cumulative targets (or the given ``targets``: {quarter → percent})."""
    if targets is None:
        targets = _targets(fiscal_year)[DisbursementTarget.BudgetType.OVERALL]
    overall = targets
    out, running = [], ZERO
    for q in quarters:
        amount = disbursed_in(q.number) if q.number <= last else ZERO
        running += amount
        percent = overall.get(q.number)
        started = q.number <= last and q.start_date <= today
        out.append(BudgetQuarter(
            q.number, amount, running if started else None, percent,
            (budget_total * percent / 100).quantize(Decimal("0.01")) if percent is not None else None))
    return out


def _indicator_result(indicator, values: list) -> Decimal | None:
    """Cumulative indicators add the projects' latest values up; the others take their mean."""
    if not values:
        return None
    result = sum(values, ZERO) if indicator.is_cumulative else sum(values, ZERO) / len(values)
    return result.quantize(Decimal("0.01"))


def _indicators(fiscal_year, figures: list[ProjectFigure]) -> list[IndicatorFigure]:
    """Each plan indicator with a project target: its target and the result the projects report
    (cumulative indicators add the projects' latest values up; the others take their mean)."""
    found = defaultdict(list)
    for figure in figures:
        for target, value, text in figure.targets:
            found[target.indicator_id].append((figure.project, target, value, text))
    out = []
    for indicator in (Indicator.objects.filter(fiscal_year=fiscal_year, pk__in=list(found))
                      .select_related("plan_item").order_by("order", "code")):
        rows = found[indicator.pk]
        result = _indicator_result(indicator, [value for _p, _t, value, _x in rows if value is not None])
        out.append(IndicatorFigure(indicator=indicator, target=indicator.target_value, result=result,
                                   texts=[text for *_rest, text in rows if text],
                                   projects=[(p, t, v if v is not None else x) for p, t, v, x in rows]))
    return out


def summary(fiscal_year, *, user=None, basis: str = Basis.SUBMITTED, group=None, quarter: int | None = None,
            today: date | None = None, overdue_listed: int = 25) -> Year:
    """The dashboard's figures, added up by the database: the same numbers as ``year()`` without
    loading every project (``projects`` is left empty; ``project_count`` says how many)."""
    from django.db.models import Count, F, Sum
    from django.utils import timezone

    from accounts.models import WorkGroup

    today = today or timezone.localdate()
    basis = Basis.of(basis)
    counted = Basis.STATES[basis]
    quarters = list(fiscal_year.quarters.order_by("number"))
    number_of = {q.pk: q.number for q in quarters}
    last = quarter or 4
    scope = Project.objects.filter(fiscal_year=fiscal_year).exclude(status=Project.Status.CANCELLED)
    if user is not None:
        scope = scope.visible_to(user)
    if group is not None:
        scope = scope.filter(group=group)
    total_budget = F("budget_obec") + F("budget_office") + F("budget_other")
    per_group = {}  # group id → {"n", "budget"}
    by_category = defaultdict(lambda: ZERO)  # category → budget (blank counts as operating)
    for row in scope.order_by().values("group", "budget_category").annotate(n=Count("id"), budget=Sum(total_budget)):
        mine = per_group.setdefault(row["group"], {"n": 0, "budget": ZERO})
        mine["n"] += row["n"]
        mine["budget"] += row["budget"] or ZERO
        by_category[category_of(row["budget_category"])] += row["budget"] or ZERO
    groups = list(WorkGroup.objects.filter(pk__in=list(per_group)).order_by("order", "code"))
    source_labels = {value: str(label) for value, label in Project.Source.choices}
    by_source = [(source_labels[row["source"]], row["n"], row["budget"] or ZERO) for row in
                 scope.order_by("source").values("source").annotate(n=Count("id"), budget=Sum(total_budget))]
    sent = defaultdict(Counter)  # (group id, quarter number) → timeliness → n
    for row in (QuarterlyReport.objects.filter(project__in=scope, first_submitted_at__isnull=False).order_by()
                .values("project__group", "quarter_id", "timeliness").annotate(n=Count("id"))):
        sent[(row["project__group"], number_of[row["quarter_id"]])][row["timeliness"]] += row["n"]
    form_quarters = [q for q in quarters if q.needs_form]  # a quarter without forms has no missing form
    matrix, totals = {}, {q.number: Cell() for q in form_quarters}
    for g in groups:
        matrix[g] = {}
        for q in form_quarters:
            counts = sent[(g.pk, q.number)]
            late = counts.get(QuarterlyReport.Timeliness.LATE, 0)
            on_time = sum(counts.values()) - late
            unsent = per_group[g.pk]["n"] - on_time - late
            passed = q.due_date < today
            cell = Cell(projects=per_group[g.pk]["n"], on_time=on_time, late=late, missing=unsent if passed else 0,
                        not_due=0 if passed else unsent, due=per_group[g.pk]["n"] if passed else 0)
            matrix[g][q.number] = cell
            totals[q.number].add(cell)
    paid = defaultdict(lambda: ZERO)  # (group id, quarter number) → amount
    paid_by_category = defaultdict(lambda: ZERO)  # (category, quarter number) → amount, up to ``last``
    for row in (Disbursement.objects.filter(project__in=scope).order_by()
                .values("project__group", "project__budget_category", "quarter_id").annotate(total=Sum("amount"))):
        number = number_of[row["quarter_id"]]
        paid[(row["project__group"], number)] += row["total"] or ZERO
        if number <= last:
            paid_by_category[(category_of(row["project__budget_category"]), number)] += row["total"] or ZERO
    _apportion_mixed(scope, by_category, paid_by_category, number_of, last)
    budget_total = sum((row["budget"] or ZERO for row in per_group.values()), ZERO)
    budget_by_group = [(g, per_group[g.pk]["budget"] or ZERO,
                        sum((paid[(g.pk, n)] for n in range(1, last + 1)), ZERO)) for g in groups]
    targets_by_type = _targets(fiscal_year)
    budget_quarters = _budget_quarters(
        fiscal_year, quarters, last=last, today=today, budget_total=budget_total,
        disbursed_in=lambda number: sum((paid[(g.pk, number)] for g in groups), ZERO),
        targets=targets_by_type[DisbursementTarget.BudgetType.OVERALL])
    budget_categories = _categories(fiscal_year, quarters, last=last, today=today, budgets=by_category,
                                    paid=paid_by_category, targets_by_type=targets_by_type)
    # Indicators: the latest counted value (and, apart, the latest text) of each project target, then added
    # up or averaged per indicator, exactly as year() does.
    by_target = defaultdict(dict)  # target id → quarter number → (value, text)
    for target_id, number, value, text in (
            IndicatorResult.objects.filter(report__project__in=scope, report__state__in=counted,
                                           report__quarter__number__lte=last)
            .values_list("target_id", "report__quarter__number", "value", "text")):
        by_target[target_id][number] = (value, text)
    latest = {}  # target id → (latest value, latest text)
    for target_id, by_quarter in by_target.items():
        _target, value, text = _target_row(None, by_quarter)
        latest[target_id] = (value, text)
    by_indicator = defaultdict(list)
    for target_id, indicator_id in ProjectIndicator.objects.filter(project__in=scope).values_list("pk",
                                                                                                  "indicator_id"):
        by_indicator[indicator_id].append(latest.get(target_id, (None, "")))
    indicators = []
    for indicator in Indicator.objects.filter(pk__in=list(by_indicator)).order_by("order", "code"):
        found = by_indicator[indicator.pk]
        result = _indicator_result(indicator, [value for value, _text in found if value is not None])
        indicators.append(IndicatorFigure(indicator, indicator.target_value, result,
                                          texts=[text for _value, text in found if text]))
    overdue = []
    for q in form_quarters:
        if q.due_date >= today or len(overdue) >= overdue_listed:
            continue
        sent_in_quarter = QuarterlyReport.objects.filter(quarter=q, first_submitted_at__isnull=False)
        missing = (scope.exclude(pk__in=sent_in_quarter.values("project_id"))
                   .select_related("group").order_by("group__order", "code")[:overdue_listed - len(overdue)])
        overdue += [(p, q) for p in missing]
    states = {(r.project_id, r.quarter_id): r for r in QuarterlyReport.objects.filter(
        project__in=[p.pk for p, _q in overdue]).only("id", "project_id", "quarter_id", "state")} if overdue else {}
    return Year(
        fiscal_year=fiscal_year, basis=basis, today=today, quarters=quarters, groups=groups, matrix=matrix,
        totals=totals, budget_total=budget_total, budget_by_group=budget_by_group, budget_quarters=budget_quarters,
        indicators=indicators, projects=[], by_source=by_source,
        overdue=[(p, q, states.get((p.pk, q.pk))) for p, q in overdue],
        project_count=sum(row["n"] for row in per_group.values()),
        overdue_count=sum(totals[q.number].missing for q in form_quarters), budget_categories=budget_categories,
    )
