"""Excel compilations of the year (write-only openpyxl): quarterly progress, budget, indicator results.

Each takes the figures of ``reporting.figures.year`` (already scoped to the viewer) and returns a
streaming workbook: a title block (office, fiscal year, basis, date), a header row, one row per
item (``documents.excel.sheet.Sheet``).
"""

from django.utils.translation import gettext as _
from openpyxl import Workbook

from documents.excel.sheet import MONEY, NUMBER, PERCENT, Sheet, measure_format
from plans.lib.thaidate import format_baht
from projects.models import CATEGORY_TARGET, Project

from ..figures import Basis, Year, category_of


def _of(year: Year) -> dict:
    """The title block of a compilation: its fiscal year, and whose results it counts."""
    basis = _("approved forms only") if year.basis == Basis.APPROVED else _("all submitted forms")
    return {"fiscal_year": year.fiscal_year, "notes": [f"{_('results from')} {basis}"]}


def progress(year: Year, quarter: int | None = None) -> Workbook:
    """One row per project: the chosen quarter's form (default: the latest quarter that has started)."""
    number = quarter or max((q.number for q in year.form_quarters if q.start_date <= year.today),
                            default=year.form_quarters[0].number if year.form_quarters else 1)
    workbook = Workbook(write_only=True)
    sheet = Sheet(workbook, _("Progress Q%(n)s") % {"n": number},
                  _("Quarterly progress, quarter %(n)s") % {"n": number}, **_of(year), columns=[
                       (_("Project code"), 14, ""), (_("Project"), 50, ""), (_("Group"), 30, ""),
                       (_("State"), 14, ""), (_("Timeliness"), 12, ""), (_("Submitted"), 18, "yyyy-mm-dd hh:mm"),
                       (_("Activities done"), 10, ""), (_("Spent this quarter (baht)"), 16, MONEY),
                       (_("Disbursed this quarter (baht)"), 16, MONEY), (_("Budget (baht)"), 16, MONEY),
                       (_("Outputs"), 40, ""), (_("Outcomes"), 40, ""), (_("Problems and obstacles"), 40, ""),
                       (_("Suggestions"), 40, "")])
    for figure in year.projects:
        report = figure.all_reports.get(number)
        counted = figure.reports.get(number)
        done = sum(1 for _a, p in figure.activities if p and p["status"] == "done")
        sheet.row([figure.project.code, figure.project.name, figure.project.group.name,
                   report.get_state_display() if report else _("Not started"),
                   report.get_timeliness_display() if report and report.timeliness else "",
                   report.first_submitted_at if report else None,
                   f"{done}/{len(figure.activities)}",
                   counted.spent_this_quarter if counted else None, figure.disbursed.get(number),
                   figure.budget, counted.outputs if counted else "", counted.outcomes if counted else "",
                   counted.problems if counted else "", counted.suggestions if counted else ""])
    return workbook


def _category_text(figure, labels) -> str:
    """The project's budget category, or each category's part when its activities mix them."""
    parts = figure.by_category or {category_of(figure.project.budget_category): figure.budget}
    if len(parts) == 1:
        return str(labels[next(iter(parts))])
    return "; ".join(f"{labels[c]} {format_baht(parts[c])}" for c in CATEGORY_TARGET if c in parts)


def budget(year: Year) -> Workbook:
    workbook = Workbook(write_only=True)
    quarters = [q.number for q in year.quarters]
    sheet = Sheet(workbook, _("Budget"), _("Budget and disbursement by project"), **_of(year), columns=[
        (_("Project code"), 14, ""), (_("Project"), 50, ""), (_("Group"), 30, ""), (_("Budget (baht)"), 16, MONEY)]
        + [(_("Disbursed Q%(n)s") % {"n": n}, 15, MONEY) for n in quarters]
        + [(_("Disbursed in all (baht)"), 16, MONEY), (_("Disbursed (share of budget)"), 12, PERCENT),
           (_("Budget category"), 24, "")])
    category_labels = dict(Project.BudgetCategory.choices)
    for figure in year.projects:
        total = figure.disbursed_total
        sheet.row([figure.project.code, figure.project.name, figure.project.group.name, figure.budget]
                  + [figure.disbursed.get(n) for n in quarters]
                  + [total, float(total / figure.budget) if figure.budget else None,
                     _category_text(figure, category_labels)])
    summary = Sheet(workbook, _("Against target"), _("Disbursement against the cumulative target"), **_of(year),
                    columns=[
        (_("Quarter"), 10, ""), (_("Disbursed in the quarter"), 18, MONEY), (_("Cumulative"), 18, MONEY),
        (_("Cumulative target"), 18, MONEY), (_("Target (%)"), 10, NUMBER)])
    for b in year.budget_quarters:
        summary.row([b.number, b.disbursed, b.cumulative, b.target_amount, b.target_percent])
    by_category = Sheet(workbook, _("By budget category"),
                        _("Each budget category against its own cumulative target"), **_of(year), columns=[
        (_("Budget category"), 28, ""), (_("Budget (baht)"), 16, MONEY), (_("Quarter"), 10, ""),
        (_("Disbursed in the quarter"), 18, MONEY), (_("Cumulative"), 18, MONEY),
        (_("Disbursed (share of budget)"), 12, PERCENT), (_("Cumulative target"), 18, MONEY),
        (_("Target (%)"), 10, NUMBER)])
    for category in year.budget_categories:
        for b in category.quarters:
            share = float(b.cumulative / category.budget) if b.cumulative is not None and category.budget else None
            by_category.row([category.label, category.budget, b.number, b.disbursed, b.cumulative, share,
                             b.target_amount, b.target_percent])
    by_category.row([_("Projects without a budget category count as operating budget.")])
    return workbook


STATUS = {"met": "met", "not_yet": "not yet", "reported": "reported", "no_data": "no data"}


def indicators(year: Year) -> Workbook:
    workbook = Workbook(write_only=True)
    sheet = Sheet(workbook, _("Indicators"), _("Indicator results against targets"), **_of(year), columns=[
        (_("Code"), 10, ""), (_("Indicator"), 50, ""), (_("Unit"), 10, ""), (_("Target"), 12, NUMBER),
        (_("Result"), 12, NUMBER), (_("Achievement"), 14, ""), (_("Qualitative results"), 50, "")])
    for figure in year.indicators:
        unit = figure.indicator.unit
        sheet.row([figure.indicator.code, figure.indicator.name, unit, figure.target,
                   figure.result, _(STATUS[figure.status]), " / ".join(figure.texts[:5])],
                  {3: measure_format(figure.target, unit), 4: measure_format(figure.result, unit)})
    detail = Sheet(workbook, _("By project"), _("Indicator results by project"), **_of(year), columns=[
        (_("Project code"), 14, ""), (_("Project"), 50, ""), (_("Indicator"), 40, ""), (_("Target"), 12, NUMBER),
        (_("Result"), 12, NUMBER), (_("Result (text)"), 40, "")])
    for figure in year.projects:
        for target, value, text in figure.targets:
            unit = target.indicator.unit
            detail.row([figure.project.code, figure.project.name,
                        f"{target.indicator.code} {target.indicator.name}", target.target_value, value, text],
                       {3: measure_format(target.target_value, unit), 4: measure_format(value, unit)})
    return workbook


EXPORTS = {"progress": progress, "budget": budget, "indicators": indicators}
