"""The plan workbook: a fiscal year's projects and activities in Excel.

One layout serves three purposes, so that an export can be edited and imported back:

* :func:`build_template` — an empty workbook to fill in, with instructions;
* :func:`export_plan` — the projects a user may see, in the same layout;
* :func:`import_plan` — read a filled workbook, check every row, and save all of it or nothing.

Each data sheet has Thai headers in row 1 and stable column keys in row 2 (hidden);
columns are found by their key, so they may be re-ordered. Data starts in row 3.
"""

import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from accounts.models import User, WorkGroup
from plans.models import FiscalYear, PlanItem
from projects.models import Activity, Project, ProjectIndicator

from . import cells
from .safety import WorkbookRefused, open_workbook

PROJECTS_SHEET = "โครงการ"
ACTIVITIES_SHEET = "กิจกรรม"
INSTRUCTIONS_SHEET = "คำอธิบาย"
LISTS_SHEET = "lists"

HEADER_ROW, KEY_ROW, FIRST_DATA_ROW = 1, 2, 3
MAX_KEY_COLUMNS = 200  # the key row is looked for in the first 200 columns
MAX_ROWS = 10_000  # non-blank data rows per sheet
MAX_ERRORS = 500  # errors listed; the rest are counted
VALIDATION_ROWS = 2000  # drop-down lists cover the rows up to this one (or the data, if longer)

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_FORMAT = "[$-1070000]d/m/yyyy;@"  # Excel shows the Buddhist-era year
MONEY_FORMAT = "#,##0.00"
TEXT_FORMAT = "@"

@dataclass(frozen=True)
class Column:
    key: str
    header: str
    help: str
    width: int = 20
    kind: str = "text"  # text | date | money | code (kept as text)
    required: bool = False


PROJECT_COLUMNS = (
    Column("code", gettext_lazy("Project code"), gettext_lazy(
        "Unique within the fiscal year, e.g. P01. A project with the same code is updated."),
        12, "code", True),
    Column("name", gettext_lazy("Project name"), gettext_lazy("Up to 500 characters."), 45, required=True),
    Column("source", gettext_lazy("Source"), gettext_lazy(
        "Pick from the list: annual action plan, policy and strategy, or another agency. Blank means the "
        "annual action plan."), 28),
    Column("group", gettext_lazy("Responsible group"), gettext_lazy(
        "The group's code or its name, as set up in the office."), 30, required=True),
    Column("owners", gettext_lazy("Project owners"), gettext_lazy(
        "E-mail addresses of users of this office, separated by commas."), 30, "code"),
    Column("rationale", gettext_lazy("Rationale"), gettext_lazy("Free text."), 40),
    Column("objectives", gettext_lazy("Objectives"), gettext_lazy("Free text."), 40),
    Column("target_groups", gettext_lazy("Target groups"), gettext_lazy("Free text."), 30),
    Column("start_date", gettext_lazy("Start date"), gettext_lazy(
        "A date in the Buddhist era written as day/month/year, e.g. 8/1/2569, or an Excel date."), 14, "date"),
    Column("end_date", gettext_lazy("End date"), gettext_lazy(
        "As the start date; it may not be before the start date."), 14, "date"),
    Column("budget_obec", gettext_lazy("OBEC allocation (baht)"), gettext_lazy(
        "Baht with up to two decimals (satang), e.g. 125000.50; not negative. Blank means 0."), 16, "money"),
    Column("budget_office", gettext_lazy("Office budget (baht)"), gettext_lazy(
        "As the OBEC allocation."), 16, "money"),
    Column("budget_other", gettext_lazy("Other sources (baht)"), gettext_lazy(
        "As the OBEC allocation."), 16, "money"),
    Column("status", gettext_lazy("Status"), gettext_lazy(
        "Pick from the list: planned, in progress, completed or cancelled. Blank means planned."), 16),
    Column("cancel_reason", gettext_lazy("Reason for cancelling"), gettext_lazy(
        "Required when the status is cancelled."), 30),
    Column("strategies", gettext_lazy("Strategies and policies"), gettext_lazy(
        "Codes of the fiscal year's strategies, focus points or policies, separated by commas, e.g. S1, S2."),
        22, "code"),
    Column("indicators", gettext_lazy("Indicator targets"), gettext_lazy(
        "Indicator code = target, separated by semicolons, e.g. IND01=80; IND02=all schools. A number becomes "
        "the numeric target, anything else the target text."), 32, "code"),
)

ACTIVITY_COLUMNS = (
    Column("project_code", gettext_lazy("Project code"), gettext_lazy(
        "The code of a project in the projects sheet or already in the fiscal year."), 12, "code", True),
    Column("no", gettext_lazy("No."), gettext_lazy(
        "The activity's number within its project (1, 2, 3 …); an activity with the same number is updated."),
        8, "code", True),
    Column("name", gettext_lazy("Activity"), gettext_lazy("Up to 500 characters."), 45, required=True),
    Column("quarters", gettext_lazy("Planned quarters"), gettext_lazy(
        "Quarters 1 to 4 separated by commas, e.g. 1,2,3."), 14, "code"),
    Column("budget", gettext_lazy("Budget (baht)"), gettext_lazy(
        "Baht with up to two decimals; not negative. Blank means 0."), 16, "money"),
    Column("responsible", gettext_lazy("Responsible person"), gettext_lazy(
        "The e-mail address of a user of this office, or a name written out."), 30),
)

NUMBER_FORMATS = {"date": DATE_FORMAT, "money": MONEY_FORMAT, "code": TEXT_FORMAT}


# --- Results ---------------------------------------------------------------------------------


@dataclass
class ImportIssue:
    """One problem found in the workbook.

    ``sheet``/``row``/``column`` say where, as Excel shows it (row 5, column C); they are empty
    for a problem with the whole file. ``code`` is stable (``unknown_group``…), ``message`` is for people.
    """

    sheet: str
    row: int | None
    column: str
    key: str
    code: str
    message: str

    @property
    def cell(self) -> str:
        """``C5``; ``2:2`` for a whole row; empty for a whole sheet."""
        if self.row is None:
            return self.column
        return f"{self.column}{self.row}" if self.column else f"{self.row}:{self.row}"

    @property
    def location(self) -> str:
        if not self.sheet:
            return "-"
        return f"{self.sheet}!{self.cell}" if self.cell else self.sheet

    def __str__(self) -> str:
        return f"{self.location} [{self.code}] {self.message}"


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    activities: int = 0
    activities_deleted: int = 0
    dry_run: bool = False
    errors: list[ImportIssue] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        text = _("%(created)s project(s) created, %(updated)s updated, %(unchanged)s unchanged; "
                 "%(activities)s activities imported, %(deleted)s removed.") % {
            "created": self.created, "updated": self.updated, "unchanged": self.unchanged,
            "activities": self.activities, "deleted": self.activities_deleted}
        if self.dry_run:
            text = _("Dry run, nothing was saved: %(summary)s") % {"summary": text}
        return text


def can_import_plan(user, fiscal_year: FiscalYear) -> bool:
    """Planning staff and administrators of the fiscal year's office (or a superuser)."""
    return bool(user and user.is_authenticated and user.manages_office
                and (user.is_superuser or user.office_id == fiscal_year.office_id))


# --- Writing ---------------------------------------------------------------------------------

HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DCE6F2")
KEY_FONT = Font(italic=True, color="808080", size=9)
WRAP = Alignment(wrap_text=True, vertical="top")


def _choices_in_language(choices) -> list[str]:
    return [str(label) for _value, label in choices.choices]


def _group_labels(office) -> dict[int, str]:
    """What the workbook writes for each group: its name, or its code when two groups share a name."""
    if office is None:
        return {}
    groups = list(WorkGroup.objects.filter(office=office).order_by("order", "code"))
    names = defaultdict(int)
    for group in groups:
        names[_norm(group.name)] += 1
    return {g.pk: (g.name if names[_norm(g.name)] == 1 else g.code) for g in groups}


def _norm(value: str) -> str:
    return " ".join(str(value).split()).casefold()


def _plain(value):
    """Text safe for a cell: no control characters."""
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


class _SheetWriter:
    """One data sheet of a write-only workbook.

    ``rows`` (the number of data rows, when known before writing) lets the sheet state its size, so
    that a reader does not have to scan the whole sheet to find it."""

    def __init__(self, workbook: Workbook, title: str, columns, *, validations=(), rows: int | None = None):
        self.ws = workbook.create_sheet(title)
        self.columns = columns
        self.rows = 0
        for index, column in enumerate(columns, start=1):
            dimension = self.ws.column_dimensions[get_column_letter(index)]
            dimension.width = column.width
            if column.kind in NUMBER_FORMATS:
                dimension.number_format = NUMBER_FORMATS[column.kind]
        self.ws.row_dimensions[KEY_ROW].hidden = True
        self.ws.freeze_panes = f"A{FIRST_DATA_ROW}"
        if rows is not None:
            # openpyxl writes <dimension> when the sheet can tell its size; a write-only sheet cannot by itself
            ref = f"A{HEADER_ROW}:{get_column_letter(len(columns))}{FIRST_DATA_ROW - 1 + rows}"
            self.ws.calculate_dimension = lambda: ref
        self.validations = validations
        # One style per number format, shared by copy: setting number_format on every cell looks it up each time.
        self.styles = {}
        for kind, number_format in NUMBER_FORMATS.items():
            prototype = WriteOnlyCell(self.ws)
            prototype.number_format = number_format
            self.styles[kind] = prototype._style
        self.layout = [(c.key, self.styles.get(c.kind)) for c in columns]
        self.ws.append([self._cell(str(c.header), font=HEADER_FONT, fill=HEADER_FILL, alignment=WRAP)
                        for c in columns])
        self.ws.append([self._cell(c.key, font=KEY_FONT) for c in columns])

    def _cell(self, value, *, number_format=None, **style):
        value = _plain(value)
        cell = WriteOnlyCell(self.ws, value=value)
        if isinstance(value, str) and value.startswith("="):
            cell.data_type = "s"  # text that looks like a formula stays text
        if number_format:
            cell.number_format = number_format
        for name, setting in style.items():
            setattr(cell, name, setting)
        return cell

    def append(self, values: dict):
        """One data row. Only a cell with a number format or formula-like text needs a cell object;
        other values are passed as they are (openpyxl writes them through one reused cell)."""
        row = []
        ws = self.ws
        for key, style in self.layout:
            value = values.get(key)
            if value is None or value == "":
                row.append(None)
                continue
            if isinstance(value, str):
                value = ILLEGAL_CHARACTERS_RE.sub("", value)
                if value.startswith("="):
                    cell = Cell(ws, row=1, column=1, value=value, style_array=style)
                    cell.data_type = "s"  # text that looks like a formula stays text
                    row.append(cell)
                    continue
            row.append(value if style is None else Cell(ws, row=1, column=1, value=value, style_array=style))
        ws.append(row)
        self.rows += 1

    def finish(self):
        last = max(VALIDATION_ROWS, FIRST_DATA_ROW + self.rows + 200)
        positions = {c.key: i for i, c in enumerate(self.columns, start=1)}
        for key, formula, strict, title, message in self.validations:
            letter = get_column_letter(positions[key])
            validation = DataValidation(
                type="list", formula1=formula, allow_blank=True, showErrorMessage=True,
                errorStyle="stop" if strict else "warning", errorTitle=title, error=message,
            )
            validation.add(f"{letter}{FIRST_DATA_ROW}:{letter}{last}")
            self.ws.data_validations.append(validation)


class _PlanWriter:
    """Writes the plan layout with a streaming (write-only) workbook."""

    def __init__(self, *, office=None, fiscal_year: FiscalYear | None = None):
        self.fiscal_year = fiscal_year
        self.office = office or (fiscal_year.office if fiscal_year else None)
        self.group_labels = _group_labels(self.office)
        self.strategy_labels = _strategy_labels(fiscal_year) if fiscal_year is not None else {}

    def build(self, project_rows, activity_rows) -> Workbook:
        workbook = Workbook(write_only=True)
        lists = self._lists()
        validations = [
            ("source", self._range("A", len(lists["source"])), True, _("Source"),
             _("Pick a value from the list.")),
            ("status", self._range("B", len(lists["status"])), True, _("Status"),
             _("Pick a value from the list.")),
        ]
        if lists["group"]:
            validations.append(("group", self._range("C", len(lists["group"])), False, _("Responsible group"),
                                _("This group is not in the office's list.")))
        project_rows, activity_rows = list(project_rows), list(activity_rows)  # their number goes first
        projects = _SheetWriter(workbook, PROJECTS_SHEET, PROJECT_COLUMNS, validations=validations,
                                rows=len(project_rows))
        for values in project_rows:
            projects.append(values)
        projects.finish()
        activities = _SheetWriter(workbook, ACTIVITIES_SHEET, ACTIVITY_COLUMNS, rows=len(activity_rows))
        for values in activity_rows:
            activities.append(values)
        activities.finish()
        self._instructions(workbook)
        self._lists_sheet(workbook, lists)
        return workbook

    @staticmethod
    def _range(letter: str, count: int) -> str:
        return f"{LISTS_SHEET}!${letter}$2:${letter}${max(count, 1) + 1}"

    def _lists(self) -> dict[str, list]:
        lists = {
            "source": _choices_in_language(Project.Source),
            "status": _choices_in_language(Project.Status),
            "group": list(self.group_labels.values()),
            "strategy": [],
            "indicator": [],
        }
        if self.fiscal_year is not None:
            labels = self.strategy_labels
            items = self.fiscal_year.plan_items.order_by("kind", "order", "code")
            lists["strategy"] = [(labels[i.pk], i.name) for i in items]
            lists["indicator"] = [(i.code, i.name) for i in self.fiscal_year.indicators.order_by("order", "code")]
        return lists

    def _lists_sheet(self, workbook, lists):
        """Hidden sheet: A–C feed the drop-downs; D–G list the fiscal year's codes for reference."""
        ws = workbook.create_sheet(LISTS_SHEET)
        ws.sheet_state = "hidden"
        for letter, width in zip("ABCDEFG", (30, 18, 40, 14, 50, 14, 50), strict=True):
            ws.column_dimensions[letter].width = width
        ws.append(["source", "status", "group", "strategy", "strategy_name", "indicator", "indicator_name"])
        columns = [
            lists["source"], lists["status"], lists["group"],
            [code for code, _name in lists["strategy"]], [name for _code, name in lists["strategy"]],
            [code for code, _name in lists["indicator"]], [name for _code, name in lists["indicator"]],
        ]
        for i in range(max(len(c) for c in columns)):
            ws.append([_plain(c[i]) if i < len(c) else None for c in columns])

    def _instructions(self, workbook):
        ws = workbook.create_sheet(INSTRUCTIONS_SHEET)
        for letter, width in zip("ABCD", (30, 16, 12, 90), strict=True):
            ws.column_dimensions[letter].width = width
        bold = Font(bold=True)
        title = Font(bold=True, size=14)

        def line(text, font=None):
            cell = WriteOnlyCell(ws, value=str(text))
            if font:
                cell.font = font
            ws.append([cell])

        line(_("How to fill in the plan workbook"), title)
        if self.fiscal_year is not None:
            line(_("Fiscal year %(year)s") % {"year": self.fiscal_year.year}, bold)
        if self.office is not None:
            line(self.office.name, bold)
        for paragraph in (
            _("1. Fill in one row per project in the sheet '%(projects)s' and one row per activity in the "
              "sheet '%(activities)s', starting from row 3.") % {
                "projects": PROJECTS_SHEET, "activities": ACTIVITIES_SHEET},
            _("2. Do not change row 2 (hidden): it holds the column keys the import uses to find each column. "
              "Columns may be moved; a column that is left out keeps the values already saved."),
            _("3. The import is all-or-nothing: if any row has a problem, nothing is saved and every problem "
              "is listed with its sheet, row and column. Correct them and import the file again."),
            _("4. A project whose code already exists in the fiscal year is updated; its owners, strategies, "
              "indicator targets and activities become exactly those in the file. A project listed without "
              "activities loses its activities."),
            _("5. Type values, not formulas: cells with formulas or errors such as #REF! are refused."),
            _("6. Dates are written day/month/year in the Buddhist era (8/1/2569) or entered as Excel dates. "
              "Amounts are in baht with up to two decimals."),
        ):
            line(paragraph)
        ws.append([])
        for sheet, columns in ((PROJECTS_SHEET, PROJECT_COLUMNS), (ACTIVITIES_SHEET, ACTIVITY_COLUMNS)):
            line(_("Sheet '%(sheet)s'") % {"sheet": sheet}, bold)
            ws.append([WriteOnlyCell(ws, value=str(v)) for v in (_("Column"), _("Key"), _("Required"),
                                                                 _("How to fill it in"))])
            for column in columns:
                ws.append([str(column.header), column.key, _("yes") if column.required else "",
                           str(column.help)])
            ws.append([])


def build_template(office=None, *, fiscal_year: FiscalYear | None = None) -> Workbook:
    """An empty plan workbook; with an office its groups feed the group drop-down, with a fiscal
    year its strategy and indicator codes are listed on the hidden lists sheet."""
    return _PlanWriter(office=office, fiscal_year=fiscal_year).build((), ())


def _format_target(value: Decimal) -> str:
    """80.00 → "80", 12.50 → "12.5"."""
    return format(value.normalize(), "f")


def _strategy_labels(fiscal_year: FiscalYear) -> dict[int, str]:
    """``code`` for each policy item, or ``kind:code`` when the code is shared by several kinds."""
    items = list(fiscal_year.plan_items.all())
    counts = defaultdict(int)
    for item in items:
        counts[item.code.casefold()] += 1
    return {i.pk: i.code if counts[i.code.casefold()] == 1 else f"{i.kind}:{i.code}" for i in items}


def export_plan(fiscal_year: FiscalYear, projects_qs) -> Workbook:
    """The projects of ``projects_qs`` in ``fiscal_year`` (by code) and their activities, in the template layout.

    Pass an already scoped queryset (``Project.objects.visible_to(user)``).

    Everything is read as plain values, one query per table (the relations are found by a subquery of
    the scoped projects), so the number of queries does not depend on the number of projects."""
    writer = _PlanWriter(fiscal_year=fiscal_year)
    strategy_labels = writer.strategy_labels
    projects = projects_qs.filter(fiscal_year=fiscal_year)
    scope = projects.values("pk")
    source_labels = {value: str(label) for value, label in Project.Source.choices}
    status_labels = {value: str(label) for value, label in Project.Status.choices}
    group_labels = writer.group_labels

    owners = defaultdict(list)
    for project_id, email in Project.owners.through.objects.filter(project__in=scope).values_list(
            "project_id", "user__email"):
        owners[project_id].append(email)
    strategies = defaultdict(list)
    for project_id, item_id in Project.strategies.through.objects.filter(project__in=scope).values_list(
            "project_id", "planitem_id"):
        strategies[project_id].append(strategy_labels[item_id])
    targets = defaultdict(list)
    rows = (ProjectIndicator.objects.filter(project__in=scope)
            .order_by("project_id", "indicator__order", "indicator__code")
            .values_list("project_id", "indicator__code", "target_value", "target_text"))
    for project_id, code, value, text in rows:
        if value is not None:
            targets[project_id].append(f"{code}={_format_target(value)}")
        elif text:
            targets[project_id].append(f"{code}={text}")
        else:
            targets[project_id].append(code)

    def project_rows():
        fields = ("pk", "code", "name", "source", "group_id", "rationale", "objectives", "target_groups",
                  "start_date", "end_date", "budget_obec", "budget_office", "budget_other", "status",
                  "cancel_reason")
        for values in projects.order_by("code").values(*fields):
            pk = values.pop("pk")
            values["source"] = source_labels.get(values["source"], values["source"])
            values["group"] = group_labels.get(values.pop("group_id"), "")
            values["owners"] = ", ".join(sorted(owners.get(pk, ())))
            values["status"] = status_labels.get(values["status"], values["status"])
            values["strategies"] = ", ".join(sorted(strategies.get(pk, ())))
            values["indicators"] = "; ".join(targets.get(pk, ()))
            yield values

    def activity_rows():
        activities = (
            Activity.objects.filter(project__in=scope)
            .order_by("project__code", "order", "id")
            .values_list("project__code", "order", "name", "quarters", "budget", "responsible__email",
                         "responsible_text")
        )
        for code, order, name, quarters, budget, email, text in activities.iterator(chunk_size=2000):
            yield {
                "project_code": code,
                "no": order,
                "name": name,
                "quarters": ",".join(str(q) for q in sorted(quarters or [])),
                "budget": budget,
                "responsible": email if email is not None else text,
            }

    return writer.build(project_rows(), activity_rows())


# --- Reading ---------------------------------------------------------------------------------


@dataclass
class _ProjectRow:
    row: int
    code: str
    fields: dict
    owners: list | None = None
    strategies: list | None = None
    indicators: list | None = None  # [(Indicator, value, text)]


@dataclass
class _ActivityRow:
    row: int
    project_code: str
    order: int
    fields: dict


def _choice_lookup(choices) -> dict[str, str]:
    """Keys and labels (Thai, English and the active language) → key."""
    lookup = {}
    for value, label in choices.choices:
        lookup[_norm(value)] = value
        lookup[_norm(label)] = value
        for language in ("th", "en"):
            with translation.override(language):
                lookup[_norm(str(label))] = value
    return lookup


def _raw_rows(ws, columns, sheet: str, issues: list):
    """Find the columns by the key row; return ({key: column number}, [(row number, {key: (value, type)})]).

    openpyxl parses a sheet only while it is iterated, so a damaged part fails here."""
    try:
        return _raw_rows_unchecked(ws, columns, sheet, issues)
    except (TypeError, AttributeError, NameError):
        raise  # a bug of ours, not a problem of the file
    except Exception:
        raise WorkbookRefused(
            "not_xlsx", _("The workbook could not be read: it is damaged or not a real .xlsx file.")
        ) from None


def _raw_rows_unchecked(ws, columns, sheet: str, issues: list):
    ws.reset_dimensions()  # do not trust the sheet's stated size
    known = {c.key for c in columns}
    positions: dict[str, int] = {}
    key_row = next(ws.iter_rows(min_row=KEY_ROW, max_row=KEY_ROW, max_col=MAX_KEY_COLUMNS), ())
    for index, cell in enumerate(key_row, start=1):
        value = cell.value
        key = value.strip().lower() if isinstance(value, str) else ""
        if key not in known:
            continue
        if key in positions:
            issues.append(ImportIssue(sheet, KEY_ROW, get_column_letter(index), key, "duplicate_column",
                                      _("The column key '%(key)s' appears more than once.") % {"key": key}))
        else:
            positions[key] = index
    for column in columns:
        if column.required and column.key not in positions:
            issues.append(ImportIssue(sheet, KEY_ROW, "", column.key, "missing_column", _(
                "The key row (row 2) has no column '%(key)s' (%(header)s).") % {
                    "key": column.key, "header": column.header}))
    if not positions:
        return positions, []
    max_col = max(positions.values())
    rows = []
    for number, row in enumerate(ws.iter_rows(min_row=FIRST_DATA_ROW, max_col=max_col), start=FIRST_DATA_ROW):
        values = {}
        for key, index in positions.items():
            if index <= len(row):
                cell = row[index - 1]
                if cell.value is not None:
                    values[key] = (cell.value, cell.data_type)
        if all(cells.is_blank(value) for value, _type in values.values()):
            continue
        if len(rows) >= MAX_ROWS:
            issues.append(ImportIssue(sheet, number, "", "", "too_many_rows",
                                      _("The sheet has more than %(limit)s rows.") % {"limit": MAX_ROWS}))
            break
        rows.append((number, values))
    return positions, rows


class _PlanReader:
    def __init__(self, fiscal_year: FiscalYear):
        self.fy = fiscal_year
        office = fiscal_year.office
        self.errors: list[ImportIssue] = []
        self.hidden_errors = 0
        self.sources = _choice_lookup(Project.Source)
        self.statuses = _choice_lookup(Project.Status)
        self.groups_by_code = {}
        self.groups_by_name = defaultdict(list)
        for group in WorkGroup.objects.filter(office=office):
            self.groups_by_code[group.code.casefold()] = group
            self.groups_by_name[_norm(group.name)].append(group)
        self.users = {u.email.casefold(): u for u in User.objects.filter(office=office)}
        self.plan_items = defaultdict(list)
        for item in fiscal_year.plan_items.all():
            self.plan_items[item.code.casefold()].append(item)
        self.indicators = {i.code.casefold(): i for i in fiscal_year.indicators.all()}
        self.existing_codes = set(Project.objects.filter(fiscal_year=fiscal_year).values_list("code", flat=True))
        self.sheet = ""
        self.positions: dict[str, int] = {}
        self.formula_cells: set[tuple[str, int, str]] = set()
        self.file_codes: set[str] = set()
        self.projects: list[_ProjectRow] = []
        self.activities: list[_ActivityRow] = []

    # errors

    def error(self, row: int, key: str, code: str, message: str):
        if code != "formula" and (self.sheet, row, key) in self.formula_cells:
            return  # the formula was reported; its cell is not checked further
        if len(self.errors) >= MAX_ERRORS:
            self.hidden_errors += 1
            return
        column = get_column_letter(self.positions[key]) if key in self.positions else ""
        self.errors.append(ImportIssue(self.sheet, row, column, key, code, message))

    def add_issues(self, issues):
        for issue in issues:
            if len(self.errors) >= MAX_ERRORS:
                self.hidden_errors += 1
            else:
                self.errors.append(issue)

    # reading a row

    def values(self, number: int, raw: dict) -> dict:
        """Plain values of a row; formula and error cells are reported and left out."""
        values = {}
        for key, (value, data_type) in raw.items():
            if data_type in ("f", "e"):
                self.error(number, key, "formula", _(
                    "Formulas and error values such as #REF! are not accepted; type the value instead."))
                self.formula_cells.add((self.sheet, number, key))
                values[key] = None
            else:
                values[key] = value
        return values

    def parse(self, number, values, key, parser, *args, **kwargs):
        """Run a cell parser; on failure report it and return ``None``."""
        try:
            return parser(values.get(key), *args, **kwargs)
        except cells.CellError as problem:
            self.error(number, key, problem.code, problem.message)
            return None

    def required_text(self, number, values, key, limit) -> str:
        value = self.parse(number, values, key, cells.bounded_text, limit)
        if value == "":
            self.error(number, key, "required", _("A value is required."))
        return value or ""

    def user_by_email(self, number, key, email: str):
        user = self.users.get(email.casefold())
        if user is None:
            self.error(number, key, "unknown_user", _("No user of this office has the e-mail '%(value)s'.") % {
                "value": email})
        return user

    # the projects sheet

    def read_projects(self, ws):
        self.sheet = PROJECTS_SHEET
        issues = []
        self.positions, rows = _raw_rows(ws, PROJECT_COLUMNS, self.sheet, issues)
        self.add_issues(issues)
        seen: dict[str, int] = {}
        for number, raw in rows:
            values = self.values(number, raw)
            project = self.project_row(number, values)
            if project.code:
                if project.code in seen:
                    self.error(number, "code", "duplicate", _(
                        "Project code '%(value)s' appears more than once (also row %(row)s).") % {
                            "value": project.code, "row": seen[project.code]})
                else:
                    seen[project.code] = number
                    self.projects.append(project)

    def project_row(self, number: int, values: dict) -> _ProjectRow:
        present = self.positions
        code = self.required_text(number, values, "code", 30)
        fields = {"name": self.required_text(number, values, "name", 500)}
        project = _ProjectRow(number, code, fields)
        if "source" in present:
            fields["source"] = self.choice(number, values, "source", self.sources, Project.Source.ACTION_PLAN,
                                           "unknown_source", _("Unknown source '%(value)s'"))
        if "group" in present:
            fields["group_id"] = self.group(number, values)
        if "owners" in present:
            project.owners = self.owners(number, values)
        for key in ("rationale", "objectives", "target_groups"):
            if key in present:
                fields[key] = self.parse(number, values, key, cells.text)
        for key in ("start_date", "end_date"):
            if key in present:
                fields[key] = self.parse(number, values, key, cells.a_date)
        start, end = fields.get("start_date"), fields.get("end_date")
        if start and end and end < start:
            self.error(number, "end_date", "end_before_start", _("The end date is before the start date."))
        for key in ("budget_obec", "budget_office", "budget_other"):
            if key in present:
                fields[key] = self.parse(number, values, key, cells.money)
        if "status" in present:
            fields["status"] = self.choice(number, values, "status", self.statuses, Project.Status.PLANNED,
                                           "unknown_status", _("Unknown status '%(value)s'"))
        if "cancel_reason" in present:
            fields["cancel_reason"] = self.parse(number, values, "cancel_reason", cells.text) or ""
        if fields.get("status") == Project.Status.CANCELLED and not fields.get("cancel_reason"):
            key = "cancel_reason" if "cancel_reason" in present else "status"
            self.error(number, key, "reason_required", _("Give the reason for cancelling the project."))
        if "strategies" in present:
            project.strategies = self.strategies(number, values)
        if "indicators" in present:
            project.indicators = self.indicator_targets(number, values)
        return project

    def choice(self, number, values, key, lookup, default, code, message):
        raw = cells.text(values.get(key))
        if not raw:
            return default
        value = lookup.get(_norm(raw))
        if value is None:
            self.error(number, key, code, message % {"value": raw})
        return value

    def group(self, number, values):
        raw = cells.text(values.get("group"))
        if not raw:
            self.error(number, "group", "required", _("A value is required."))
            return None
        group = self.groups_by_code.get(raw.casefold())
        if group is None:
            named = self.groups_by_name.get(_norm(raw), [])
            if len(named) > 1:
                self.error(number, "group", "ambiguous_group", _(
                    "Several groups are named '%(value)s'; write the group's code instead.") % {"value": raw})
                return None
            group = named[0] if named else None
        if group is None:
            self.error(number, "group", "unknown_group", _("Unknown group '%(value)s'") % {"value": raw})
            return None
        return group.pk

    def owners(self, number, values) -> list[int]:
        found = []
        for email in cells.split_list(values.get("owners")):
            user = self.user_by_email(number, "owners", email)
            if user is not None and user.pk not in found:
                found.append(user.pk)
        return found

    def strategies(self, number, values) -> list[int]:
        found = []
        for raw in cells.split_list(values.get("strategies")):
            kind, _sep, code = (part.strip() for part in raw.partition(":"))
            if not code or kind.lower() not in PlanItem.Kind.values:
                kind, code = "", raw  # no kind: prefix (a code may itself contain a colon)
            items = self.plan_items.get(code.casefold(), [])
            if kind:
                items = [i for i in items if i.kind == kind.lower()]
            if not items:
                self.error(number, "strategies", "unknown_strategy", _(
                    "Unknown strategy or policy code '%(value)s' in fiscal year %(year)s") % {
                        "value": raw, "year": self.fy.year})
            elif len(items) > 1:
                self.error(number, "strategies", "ambiguous_strategy", _(
                    "The code '%(value)s' is used by several policy items; write it as kind:code, "
                    "e.g. strategy:%(value)s.") % {"value": raw})
            elif items[0].pk not in found:
                found.append(items[0].pk)
        return found

    def indicator_targets(self, number, values) -> list:
        targets, seen = [], set()
        for part in re.split(r"[;\n]+", cells.text(values.get("indicators"))):
            part = part.strip()
            if not part:
                continue
            code, _sep, target = (p.strip() for p in part.partition("="))
            indicator = self.indicators.get(code.casefold())
            if not code:
                self.error(number, "indicators", "bad_indicator", _(
                    "Write indicator targets as CODE=target separated by semicolons, e.g. IND01=80; IND02=text."))
                continue
            if indicator is None:
                self.error(number, "indicators", "unknown_indicator", _(
                    "Unknown indicator code '%(value)s' in fiscal year %(year)s") % {
                        "value": code, "year": self.fy.year})
                continue
            if indicator.pk in seen:
                self.error(number, "indicators", "duplicate", _(
                    "Indicator '%(value)s' is listed more than once.") % {"value": code})
                continue
            seen.add(indicator.pk)
            value, text = None, ""
            if target:
                try:
                    value = cells.number(target)
                except cells.CellError:
                    text = target
                if value is not None:
                    try:
                        value = cells.money(value)
                    except cells.CellError as problem:
                        self.error(number, "indicators", problem.code, f"{code}: {problem.message}")
                        continue
                elif len(text) > 300:
                    self.error(number, "indicators", "too_long", f"{code}: " + _(
                        "Too long: at most %(limit)s characters.") % {"limit": 300})
                    continue
            targets.append((indicator, value, text))
        return targets

    # the activities sheet

    def read_activities(self, ws):
        self.sheet = ACTIVITIES_SHEET
        issues = []
        self.positions, rows = _raw_rows(ws, ACTIVITY_COLUMNS, self.sheet, issues)
        self.add_issues(issues)
        in_file = self.file_codes
        seen: dict[tuple[str, int], int] = {}
        for number, raw in rows:
            values = self.values(number, raw)
            code = self.required_text(number, values, "project_code", 30)
            if code and code not in in_file and code not in self.existing_codes:
                self.error(number, "project_code", "unknown_project", _(
                    "Project code '%(value)s' is neither in the projects sheet nor in fiscal year %(year)s.") % {
                        "value": code, "year": self.fy.year})
            order = None
            if cells.is_blank(values.get("no")):
                self.error(number, "no", "required", _("A value is required."))
            else:
                order = self.parse(number, values, "no", cells.whole_number, minimum=0, maximum=32767)
            fields = {"name": self.required_text(number, values, "name", 500)}
            if "quarters" in self.positions:
                fields["quarters"] = self.quarters(number, values)
            if "budget" in self.positions:
                fields["budget"] = self.parse(number, values, "budget", cells.money)
            if "responsible" in self.positions:
                fields.update(self.responsible(number, values))
            if code and order is not None:
                if (code, order) in seen:
                    self.error(number, "no", "duplicate", _(
                        "Activity no. %(no)s of project '%(code)s' appears more than once (also row %(row)s).") % {
                            "no": order, "code": code, "row": seen[(code, order)]})
                else:
                    seen[(code, order)] = number
                    self.activities.append(_ActivityRow(number, code, order, fields))

    def quarters(self, number, values) -> list[int]:
        raw = cells.text(values.get("quarters"))
        found = set()
        for part in re.split(r"[,;\s]+", raw):
            if not part:
                continue
            try:
                quarter = cells.whole_number(part, minimum=1, maximum=4)
            except cells.CellError:
                self.error(number, "quarters", "bad_quarter", _(
                    "'%(value)s' is not a quarter; quarters are numbered 1 to 4.") % {"value": part})
                continue
            found.add(quarter)
        return sorted(found)

    def responsible(self, number, values) -> dict:
        raw = self.parse(number, values, "responsible", cells.bounded_text, 200) or ""
        if "@" in raw:
            user = self.user_by_email(number, "responsible", raw)
            return {"responsible_id": user.pk if user else None, "responsible_text": ""}
        return {"responsible_id": None, "responsible_text": raw}

    # the whole workbook

    def read(self, workbook):
        sheets = {}
        for name in (PROJECTS_SHEET, ACTIVITIES_SHEET):
            if name in workbook.sheetnames:
                sheets[name] = workbook[name]
            else:
                self.errors.append(ImportIssue(name, None, "", "", "missing_sheet",
                                               _("The sheet '%(sheet)s' is missing.") % {"sheet": name}))
        if PROJECTS_SHEET in sheets:
            self.read_projects(sheets[PROJECTS_SHEET])
            self.file_codes = {p.code for p in self.projects}
        if ACTIVITIES_SHEET in sheets:
            self.read_activities(sheets[ACTIVITIES_SHEET])
        if self.hidden_errors:
            self.errors.append(ImportIssue("", None, "", "", "too_many_errors", _(
                "%(count)s more problems are not listed.") % {"count": self.hidden_errors}))


def _read_workbook(source, fiscal_year) -> _PlanReader:
    reader = _PlanReader(fiscal_year)
    with open_workbook(source) as workbook:
        reader.read(workbook)
    return reader


# --- Saving ----------------------------------------------------------------------------------
#
# Saving reads what it compares in one query per table up front (the projects, then each relation of
# all of them at once), compares in memory and writes only the differences: one bulk statement per
# table and kind of change. An unchanged re-import therefore takes the same queries for 10 projects
# as for 10,000; changes add statements only per batch of rows (BULK_UPDATE_BATCH rows per UPDATE,
# the database's limit on query parameters per INSERT, 100 rows per DELETE in Django's collector).
# Everything stays inside the caller's transaction. There are no signal receivers on these models;
# bulk writes send none.

BULK_UPDATE_BATCH = 500  # bulk_update() matches each row by CASE WHEN id = …, slow beyond a few hundred rows


def _bulk_update(model, objects: list, names: set[str]) -> None:
    """Write the fields ``names`` (names or attnames such as ``group_id``) of ``objects``."""
    if objects and names:
        fields = sorted({model._meta.get_field(name).name for name in names})
        model.objects.bulk_update(objects, fields, batch_size=BULK_UPDATE_BATCH)


def _delete(model, pks: list[int]) -> None:
    if pks:
        model.objects.filter(pk__in=pks).delete()


def _save_relation(name: str, wanted: dict[int, list[int]], existing_ids: set[int]) -> set[int]:
    """Make the many-to-many relation ``name`` of each project in ``wanted`` (project id → target ids)
    exactly its list; returns the ids of the projects whose relation changed."""
    relation = Project._meta.get_field(name)
    through = relation.remote_field.through
    source = through._meta.get_field(relation.m2m_field_name()).attname
    target = through._meta.get_field(relation.m2m_reverse_field_name()).attname
    current: dict[int, dict[int, int]] = defaultdict(dict)  # project id → {target id: through row id}
    to_load = [pk for pk in wanted if pk in existing_ids]
    if to_load:
        rows = through.objects.filter(**{f"{source}__in": to_load}).values_list("pk", source, target)
        for pk, project_id, target_id in rows:
            current[project_id][target_id] = pk
    stale, new, changed = [], [], set()
    for project_id, targets in wanted.items():
        have = current.get(project_id, {})
        keep = set(targets)
        if keep == set(have):
            continue
        changed.add(project_id)
        stale += [pk for target_id, pk in have.items() if target_id not in keep]
        new += [through(**{source: project_id, target: target_id}) for target_id in targets if target_id not in have]
    _delete(through, stale)
    if new:
        through.objects.bulk_create(new, ignore_conflicts=True)  # as the related manager's add()
    return changed


class _Rows:
    """The rows of a query as tuples of every concrete field, which are much cheaper to read and compare
    than model instances; :meth:`instance` makes one only for a row that has to be written back."""

    def __init__(self, queryset):
        self.model = queryset.model
        self.db = queryset.db
        self.names = [f.attname for f in self.model._meta.concrete_fields]
        self.index = {name: i for i, name in enumerate(self.names)}
        self.rows = list(queryset.values_list(*self.names))

    def differences(self, row: tuple, fields: dict) -> list[str]:
        """The names of ``fields`` whose value differs from the row's."""
        index = self.index
        return [name for name, value in fields.items() if row[index[name]] != value]

    def instance(self, row: tuple):
        return self.model.from_db(self.db, self.names, row)


def _save_targets(wanted: dict[int, list], existing_ids: set[int]) -> set[int]:
    """Make each project's indicator targets exactly its ``[(indicator, value, text)]``; returns the ids
    of the projects whose targets changed."""
    current: dict[int, dict[int, tuple]] = defaultdict(dict)  # project id → {indicator id: (pk, value, text)}
    to_load = [pk for pk in wanted if pk in existing_ids]
    if to_load:
        rows = ProjectIndicator.objects.filter(project_id__in=to_load).order_by().values_list(
            "pk", "project_id", "indicator_id", "target_value", "target_text")
        for pk, project_id, indicator_id, value, text in rows:
            current[project_id][indicator_id] = (pk, value, text)
    new, dirty, stale, changed = [], [], [], set()
    for project_id, targets in wanted.items():
        have = current.get(project_id, {})
        keep = set()
        for indicator, value, text in targets:
            keep.add(indicator.pk)
            target = have.get(indicator.pk)
            if target is None:
                new.append(ProjectIndicator(project_id=project_id, indicator=indicator, target_value=value,
                                            target_text=text))
                changed.add(project_id)
            elif target[1] != value or target[2] != text:
                dirty.append(ProjectIndicator(pk=target[0], target_value=value, target_text=text))
                changed.add(project_id)
        for indicator_id, target in have.items():
            if indicator_id not in keep:
                stale.append(target[0])
                changed.add(project_id)
    _delete(ProjectIndicator, stale)
    _bulk_update(ProjectIndicator, dirty, {"target_value", "target_text"})  # both set on every object
    if new:
        ProjectIndicator.objects.bulk_create(new)
    return changed


def _save_activities(wanted: dict[int, list[_ActivityRow]], existing_ids: set[int]) -> dict[int, tuple[bool, int]]:
    """Make each project's activities exactly its rows (matched by number); returns
    {project id: (changed, number deleted)}."""
    current: dict[int, dict[int, list[tuple]]] = defaultdict(lambda: defaultdict(list))
    to_load = [pk for pk in wanted if pk in existing_ids]
    loaded = _Rows(Activity.objects.filter(project_id__in=to_load).order_by("project_id", "order", "id")
                   if to_load else Activity.objects.none())
    pk_at, project_at, order_at = (loaded.index[name] for name in ("id", "project_id", "order"))
    for row in loaded.rows:
        current[row[project_at]][row[order_at]].append(row)
    new, dirty, dirty_names, stale, outcome = [], [], set(), [], {}
    for project_id, rows in wanted.items():
        existing = current.get(project_id, {})
        changed = False
        keep = set()
        for row in rows:
            matches = existing.get(row.order)
            if not matches:
                new.append(Activity(project_id=project_id, order=row.order, **row.fields))
                changed = True
                continue
            keep.add(matches[0][pk_at])
            names = loaded.differences(matches[0], row.fields)
            if names:
                activity = loaded.instance(matches[0])
                for name in names:
                    setattr(activity, name, row.fields[name])
                dirty.append(activity)
                dirty_names.update(names)
                changed = True
        removed = [a[pk_at] for group in existing.values() for a in group if a[pk_at] not in keep]
        stale += removed
        outcome[project_id] = (changed or bool(removed), len(removed))
    _delete(Activity, stale)
    _bulk_update(Activity, dirty, dirty_names)
    if new:
        Activity.objects.bulk_create(new)
    return outcome


def _save(reader: _PlanReader, result: ImportResult) -> None:
    fy = reader.fy
    by_code = defaultdict(list)
    for activity in reader.activities:
        by_code[activity.project_code].append(activity)
    codes = [p.code for p in reader.projects] + [c for c in by_code if c not in reader.file_codes]
    loaded = _Rows(Project.objects.select_for_update().filter(fiscal_year=fy, code__in=codes))
    pk_at, code_at = loaded.index["id"], loaded.index["code"]
    existing = {row[code_at]: row for row in loaded.rows}
    existing_ids = {row[pk_at] for row in loaded.rows}

    # the projects themselves
    now = timezone.now()
    new, dirty, dirty_names = [], [], set()
    touched = []  # [code, project id (None until created), created, changed]
    for row in reader.projects:
        current = existing.get(row.code)
        if current is None:
            new.append(Project(fiscal_year=fy, office_id=fy.office_id, code=row.code, **row.fields))
            touched.append([row.code, None, True, True])
            continue
        names = loaded.differences(current, row.fields)
        if names:
            project = loaded.instance(current)
            for name in names:
                setattr(project, name, row.fields[name])
            project.updated_at = now  # auto_now, which bulk_update does not apply
            dirty.append(project)
            dirty_names.update(names)
        touched.append([row.code, current[pk_at], False, bool(names)])
    touched += [[code, existing[code][pk_at], False, False] for code in codes[len(reader.projects):]]
    _bulk_update(Project, dirty, dirty_names | {"updated_at"})
    if new:
        Project.objects.bulk_create(new)
        if any(p.pk is None for p in new):  # a database that does not return the new ids
            ids = dict(Project.objects.filter(fiscal_year=fy, code__in=[p.code for p in new])
                       .values_list("code", "pk"))
            for project in new:
                project.pk = ids[project.code]
        created = {p.code: p.pk for p in new}
        for entry in touched:
            if entry[2]:
                entry[1] = created[entry[0]]

    # their owners, strategies and indicator targets: only the columns present in the file
    owners, strategies, targets = {}, {}, {}
    for row, (_code, pk, _created, _changed) in zip(reader.projects, touched[:len(reader.projects)], strict=True):
        if row.owners is not None:
            owners[pk] = row.owners
        if row.strategies is not None:
            strategies[pk] = row.strategies
        if row.indicators is not None:
            targets[pk] = row.indicators
    changed = _save_relation("owners", owners, existing_ids)
    changed |= _save_relation("strategies", strategies, existing_ids)
    changed |= _save_targets(targets, existing_ids)

    # their activities: exactly those in the file
    activities = _save_activities({pk: by_code.get(code, []) for code, pk, _c, _d in touched}, existing_ids)
    for code, pk, created, project_changed in touched:
        rows = by_code.get(code, [])
        activities_changed, deleted = activities[pk]
        result.activities += len(rows)
        result.activities_deleted += deleted
        if created:
            result.created += 1
        elif project_changed or pk in changed or activities_changed:
            result.updated += 1
        else:
            result.unchanged += 1


def import_plan(file_or_path, *, fiscal_year: FiscalYear, user=None, dry_run: bool = False) -> ImportResult:
    """Read a plan workbook into ``fiscal_year``: every row is checked, and either all of it is saved
    in one transaction or nothing is (``result.errors`` lists every problem).

    ``user``, when given, must be planning staff or an administrator of the fiscal year's office.
    ``dry_run`` checks and counts without keeping any change.
    """
    if user is not None and not can_import_plan(user, fiscal_year):
        raise PermissionDenied(_("Only planning staff and administrators of the office may import the plan."))
    result = ImportResult(dry_run=dry_run)
    try:
        reader = _read_workbook(file_or_path, fiscal_year)
    except WorkbookRefused as refused:
        result.errors.append(ImportIssue("", None, "", "", refused.code, refused.message))
        return result
    if reader.errors:
        result.errors = reader.errors
        return result
    try:
        with transaction.atomic():
            _save(reader, result)
            if dry_run:
                transaction.set_rollback(True)
    except IntegrityError:
        # Someone saved a project with the same code between our check and our write.
        return ImportResult(dry_run=dry_run, errors=[ImportIssue("", None, "", "", "conflict", _(
            "The plan was changed by someone else while the file was being imported; nothing was saved. "
            "Import the file again."))])
    return result
