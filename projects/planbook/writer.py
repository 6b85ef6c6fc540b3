"""Writing the plan workbook: the empty template and the export of a fiscal year's projects (write-only openpyxl)."""

from collections import defaultdict
from decimal import Decimal

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from accounts.models import WorkGroup
from plans.models import FiscalYear
from projects.models import Activity, Project, ProjectIndicator

from .columns import (
    ACTIVITIES_SHEET,
    EXTENSIONS,
    FIRST_DATA_ROW,
    HEADER_ROW,
    INSTRUCTIONS_SHEET,
    KEY_ROW,
    LISTS_SHEET,
    NUMBER_FORMATS,
    PROJECTS_SHEET,
    activity_columns,
    norm,
    project_columns,
)

VALIDATION_ROWS = 2000  # drop-down lists cover the rows up to this one (or the data, if longer)

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
        names[norm(group.name)] += 1
    return {g.pk: (g.name if names[norm(g.name)] == 1 else g.code) for g in groups}


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
        projects = _SheetWriter(workbook, PROJECTS_SHEET, project_columns(), validations=validations,
                                rows=len(project_rows))
        for values in project_rows:
            projects.append(values)
        projects.finish()
        activities = _SheetWriter(workbook, ACTIVITIES_SHEET, activity_columns(), rows=len(activity_rows))
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
        for sheet, columns in ((PROJECTS_SHEET, project_columns()), (ACTIVITIES_SHEET, activity_columns())):
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
    category_labels = {value: str(label) for value, label in Project.BudgetCategory.choices}
    group_labels = writer.group_labels
    ids = list(projects.values_list("pk", flat=True))
    extra_projects, extra_activities = defaultdict(dict), defaultdict(dict)
    for extension in EXTENSIONS.values():
        by_project, by_activity = extension.export(fiscal_year, ids)
        for pk, values in by_project.items():
            extra_projects[pk].update(values)
        for pk, values in by_activity.items():
            extra_activities[pk].update(values)

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
                  "cancel_reason", "budget_category")
        for values in projects.order_by("code").values(*fields):
            pk = values.pop("pk")
            values["source"] = source_labels.get(values["source"], values["source"])
            values["group"] = group_labels.get(values.pop("group_id"), "")
            values["owners"] = ", ".join(sorted(owners.get(pk, ())))
            values["status"] = status_labels.get(values["status"], values["status"])
            values["strategies"] = ", ".join(sorted(strategies.get(pk, ())))
            values["indicators"] = "; ".join(targets.get(pk, ()))
            values["budget_category"] = category_labels.get(values["budget_category"], "")
            values.update(extra_projects.get(pk, {}))
            yield values

    def activity_rows():
        activities = (
            Activity.objects.filter(project__in=scope)
            .order_by("project__code", "order", "id")
            .values_list("project__code", "order", "name", "quarters", "budget", "responsible__email",
                         "responsible_text", "pk", "budget_category")
        )
        for code, order, name, quarters, budget, email, text, pk, category in activities.iterator(chunk_size=2000):
            yield extra_activities.get(pk, {}) | {
                "project_code": code,
                "no": order,
                "name": name,
                "quarters": ",".join(str(q) for q in sorted(quarters or [])),
                "budget": budget,
                "responsible": email if email is not None else text,
                "budget_category": category_labels.get(category, ""),
            }

    return writer.build(project_rows(), activity_rows())
