"""Reading a filled plan workbook: every row parsed and checked against the fiscal year, every problem
listed with its sheet, row and column (``ImportIssue``); nothing is written here (see ``save``)."""

import re
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from accounts.models import User, WorkGroup
from documents.excel import cells
from documents.excel.safety import WorkbookRefused, open_workbook
from plans.models import FiscalYear, PlanItem
from projects.models import Project

from .columns import (
    ACTIVITIES_SHEET,
    EXTENSIONS,
    FIRST_DATA_ROW,
    KEY_ROW,
    PROJECTS_SHEET,
    activity_columns,
    norm,
    project_columns,
)

MAX_KEY_COLUMNS = 200  # the key row is looked for in the first 200 columns
BLANK_RUN_ENDS_SHEET = 200  # this many empty rows in a row end the data: what follows is not read
MAX_ERRORS = 500  # errors listed; the rest are counted


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


@dataclass
class ProjectRow:
    row: int
    code: str
    fields: dict
    owners: list | None = None
    strategies: list | None = None
    indicators: list | None = None  # [(Indicator, value, text)]
    extra: dict = field(default_factory=dict)  # extension key → what it parsed


@dataclass
class ActivityRow:
    row: int
    project_code: str
    order: int
    fields: dict
    extra: dict = field(default_factory=dict)  # extension key → what it parsed


def _choice_lookup(choices) -> dict[str, str]:
    """Keys and labels (Thai, English and the active language) → key."""
    lookup = {}
    for value, label in choices.choices:
        lookup[norm(value)] = value
        lookup[norm(label)] = value
        for language in ("th", "en"):
            with translation.override(language):
                lookup[norm(str(label))] = value
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
    max_rows = settings.TIDTAM_WORKBOOK_MAX_ROWS
    rows, blank_run = [], 0
    for number, row in enumerate(ws.iter_rows(min_row=FIRST_DATA_ROW, max_col=max_col), start=FIRST_DATA_ROW):
        if number - FIRST_DATA_ROW >= max_rows:
            # Counted over every row read, empty or not: a sheet of a million blank-looking rows stops here.
            issues.append(ImportIssue(sheet, number, "", "", "too_many_rows", _(
                "The sheet has more than %(limit)s rows. Delete the empty rows below your data (select them, "
                "right-click, Delete) or split the plan into several files.") % {"limit": f"{max_rows:,}"}))
            break
        values = {}
        for key, index in positions.items():
            if index <= len(row):
                cell = row[index - 1]
                if cell.value is not None:
                    values[key] = (cell.value, cell.data_type)
        if all(cells.is_blank(value) for value, _type in values.values()):
            blank_run += 1
            if blank_run >= BLANK_RUN_ENDS_SHEET:
                break
            continue
        blank_run = 0
        rows.append((number, values))
    return positions, rows


class PlanReader:
    def __init__(self, fiscal_year: FiscalYear):
        self.fy = fiscal_year
        office = fiscal_year.office
        self.errors: list[ImportIssue] = []
        self.hidden_errors = 0
        self.sources = _choice_lookup(Project.Source)
        self.statuses = _choice_lookup(Project.Status)
        self.categories = _choice_lookup(Project.BudgetCategory)
        self.extensions = {key: (ext, ext.begin(fiscal_year)) for key, ext in EXTENSIONS.items()}
        self.groups_by_code = {}
        self.groups_by_name = defaultdict(list)
        for group in WorkGroup.objects.filter(office=office):
            self.groups_by_code[group.code.casefold()] = group
            self.groups_by_name[norm(group.name)].append(group)
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
        self.projects: list[ProjectRow] = []
        self.activities: list[ActivityRow] = []

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
        self.positions, rows = _raw_rows(ws, project_columns(), self.sheet, issues)
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

    def project_row(self, number: int, values: dict) -> ProjectRow:
        present = self.positions
        code = self.required_text(number, values, "code", 30)
        fields = {"name": self.required_text(number, values, "name", 500)}
        project = ProjectRow(number, code, fields)
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
        if "budget_category" in present:
            fields["budget_category"] = self.choice(number, values, "budget_category", self.categories, "",
                                                    "unknown_category", _("Unknown budget category '%(value)s'"))
        for key, (extension, state) in self.extensions.items():
            parsed = extension.parse_project(state, number, values, present, self.error)
            if parsed is not None:
                project.extra[key] = parsed
        return project

    def choice(self, number, values, key, lookup, default, code, message):
        raw = cells.text(values.get(key))
        if not raw:
            return default
        value = lookup.get(norm(raw))
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
            named = self.groups_by_name.get(norm(raw), [])
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
        self.positions, rows = _raw_rows(ws, activity_columns(), self.sheet, issues)
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
            if "budget_category" in self.positions:
                fields["budget_category"] = self.choice(
                    number, values, "budget_category", self.categories, "", "unknown_category",
                    _("Unknown budget category '%(value)s'"))
            extra = {}
            for key, (extension, state) in self.extensions.items():
                parsed = extension.parse_activity(state, number, values, self.positions, fields, self.error)
                if parsed is not None:
                    extra[key] = parsed
            if code and order is not None:
                if (code, order) in seen:
                    self.error(number, "no", "duplicate", _(
                        "Activity no. %(no)s of project '%(code)s' appears more than once (also row %(row)s).") % {
                            "no": order, "code": code, "row": seen[(code, order)]})
                else:
                    seen[(code, order)] = number
                    self.activities.append(ActivityRow(number, code, order, fields, extra))

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


def read_workbook(source, fiscal_year) -> PlanReader:
    reader = PlanReader(fiscal_year)
    with open_workbook(source) as workbook:
        reader.read(workbook)
    return reader
