"""Excel compilations of the year (write-only openpyxl): quarterly progress, budget, indicator results.

Each takes the figures of ``reporting.figures.year`` (already scoped to the viewer) and returns a
streaming workbook: a title block (office, fiscal year, basis, date), a header row, one row per
item. Text that looks like a formula is written as text; control characters are dropped.
"""

from datetime import datetime
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from plans.lib import thaidate

from ..figures import Basis, Year

MONEY = "#,##0.00"
NUMBER = "#,##0.##"
PERCENT = "0.0%"
BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
WRAP = Alignment(wrap_text=True, vertical="top")


class Sheet:
    """One sheet of a write-only workbook: a title block (heading; office, fiscal year, the basis of the
    results when there is one, and when it was made), a header row, then ``row()`` per item."""

    def __init__(self, workbook: Workbook, title: str, heading: str, columns: list[tuple[str, int, str]], *,
                 fiscal_year, basis: str | None = None):
        """``columns``: (header, width, number format or "")."""
        self.ws = workbook.create_sheet(title[:31])
        self.formats = [fmt for _h, _w, fmt in columns]
        for index, (_header, width, _fmt) in enumerate(columns, start=1):
            self.ws.column_dimensions[get_column_letter(index)].width = width
        parts = [fiscal_year.office.name, f"{_('fiscal year')} {fiscal_year.year}"]
        if basis is not None:
            parts.append(f"{_('results from')} " + (_("approved forms only") if basis == Basis.APPROVED
                                                     else _("all submitted forms")))
        parts.append(thaidate.format_datetime(timezone.localtime()))
        self.ws.append([self._cell(heading, font=TITLE)])
        self.ws.append([self._cell(" · ".join(parts))])
        self.ws.append([])
        self.ws.append([self._cell(header, font=BOLD, fill=HEADER_FILL, alignment=WRAP) for header, _w, _f in columns])
        self.ws.freeze_panes = "A5"

    def _cell(self, value, number_format="", **style):
        if isinstance(value, str):
            value = ILLEGAL_CHARACTERS_RE.sub("", value)
        elif isinstance(value, datetime):
            value = timezone.localtime(value).replace(tzinfo=None)
        cell = WriteOnlyCell(self.ws, value=value)
        if isinstance(value, str) and value.startswith(("=", "+", "-", "@")) and len(value) > 1:
            cell.data_type = "s"  # text that looks like a formula stays text
        if number_format and isinstance(value, (int, float, Decimal)):
            cell.number_format = number_format
        for name, setting in style.items():
            setattr(cell, name, setting)
        return cell

    def row(self, values: list):
        self.ws.append([None if value is None else self._cell(value, fmt)
                        for value, fmt in zip(values, self.formats)])


def _of(year: Year) -> dict:
    return {"fiscal_year": year.fiscal_year, "basis": year.basis}


def progress(year: Year, quarter: int | None = None) -> Workbook:
    """One row per project: the chosen quarter's form (default: the latest quarter that has started)."""
    number = quarter or max((q.number for q in year.quarters if q.start_date <= year.today), default=1)
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


def budget(year: Year) -> Workbook:
    workbook = Workbook(write_only=True)
    quarters = [q.number for q in year.quarters]
    sheet = Sheet(workbook, _("Budget"), _("Budget and disbursement by project"), **_of(year), columns=[
        (_("Project code"), 14, ""), (_("Project"), 50, ""), (_("Group"), 30, ""), (_("Budget (baht)"), 16, MONEY)]
        + [(_("Disbursed Q%(n)s") % {"n": n}, 15, MONEY) for n in quarters]
        + [(_("Disbursed in all (baht)"), 16, MONEY), (_("Disbursed (share of budget)"), 12, PERCENT)])
    for figure in year.projects:
        total = figure.disbursed_total
        sheet.row([figure.project.code, figure.project.name, figure.project.group.name, figure.budget]
                  + [figure.disbursed.get(n) for n in quarters]
                  + [total, float(total / figure.budget) if figure.budget else None])
    summary = Sheet(workbook, _("Against target"), _("Disbursement against the cumulative target"), **_of(year),
                    columns=[
        (_("Quarter"), 10, ""), (_("Disbursed in the quarter"), 18, MONEY), (_("Cumulative"), 18, MONEY),
        (_("Cumulative target"), 18, MONEY), (_("Target (%)"), 10, NUMBER)])
    for b in year.budget_quarters:
        summary.row([b.number, b.disbursed, b.cumulative, b.target_amount, b.target_percent])
    return workbook


STATUS = {"met": "met", "not_yet": "not yet", "reported": "reported", "no_data": "no data"}


def indicators(year: Year) -> Workbook:
    workbook = Workbook(write_only=True)
    sheet = Sheet(workbook, _("Indicators"), _("Indicator results against targets"), **_of(year), columns=[
        (_("Code"), 10, ""), (_("Indicator"), 50, ""), (_("Unit"), 10, ""), (_("Target"), 12, NUMBER),
        (_("Result"), 12, NUMBER), (_("Achievement"), 14, ""), (_("Qualitative results"), 50, "")])
    for figure in year.indicators:
        sheet.row([figure.indicator.code, figure.indicator.name, figure.indicator.unit, figure.target,
                   figure.result, _(STATUS[figure.status]), " / ".join(figure.texts[:5])])
    detail = Sheet(workbook, _("By project"), _("Indicator results by project"), **_of(year), columns=[
        (_("Project code"), 14, ""), (_("Project"), 50, ""), (_("Indicator"), 40, ""), (_("Target"), 12, NUMBER),
        (_("Result"), 12, NUMBER), (_("Result (text)"), 40, "")])
    for figure in year.projects:
        for target, value, text in figure.targets:
            detail.row([figure.project.code, figure.project.name,
                        f"{target.indicator.code} {target.indicator.name}", target.target_value, value, text])
    return workbook


EXPORTS = {"progress": progress, "budget": budget, "indicators": indicators}
