"""The reference lists of the linkage chain: the Excel template, the all-or-nothing import and the starter list."""

import csv
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from documents.excel import cells
from documents.excel.safety import WorkbookRefused, open_workbook
from projects.planbook.columns import Column, norm
from projects.planbook.reader import ImportIssue, _raw_rows

from .models import LinkageItem

SHEET = "รายการอ้างอิง"
STARTER = Path(__file__).resolve().parent / "data" / "linkage_starter.csv"

COLUMNS = (
    Column("level", gettext_lazy("Level"), gettext_lazy(
        "strategy, master_plan, master_target, sub_plan, sub_target, reform, milestone or sdg (or the level's Thai "
        "name)."), 26, required=True),
    Column("code", gettext_lazy("Code"), gettext_lazy("The code used in eMENSCR, e.g. 120101."), 14, "code", True),
    Column("name", gettext_lazy("Name"), gettext_lazy("Up to 500 characters."), 70, required=True),
    Column("parent_code", gettext_lazy("Parent code"), gettext_lazy(
        "The code of the entry above it in the chain (a master plan's strategy, a sub-plan's master plan, a "
        "target's plan); may be blank."), 14, "code"),
)


def template(rows=()) -> Workbook:
    """The import layout: Thai headers in row 1, column keys in row 2, data from row 3; instructions below."""
    workbook = Workbook(write_only=True)
    ws = workbook.create_sheet(SHEET)
    ws.append([WriteOnlyCell(ws, value=str(c.header)) for c in COLUMNS])
    ws.append([c.key for c in COLUMNS])
    for row in rows:
        cells_ = []
        for value in row:
            cell = WriteOnlyCell(ws, value=value)
            if isinstance(value, str) and value.startswith("="):
                cell.data_type = "s"
            cells_.append(cell)
        ws.append(cells_)
    help_ws = workbook.create_sheet(_("Instructions")[:31])
    title = WriteOnlyCell(help_ws, value=_("How to fill in the reference lists"))
    title.font = Font(bold=True, size=14)
    help_ws.append([title])
    help_ws.append([_("One row per entry from row 3; do not change row 2. The import is all-or-nothing: any "
                      "problem refuses the whole file, named by row and column. An entry with the same level and "
                      "code is updated.")])
    for column in COLUMNS:
        help_ws.append([str(column.header), column.key, str(column.help)])
    return workbook


def export_rows(items):
    return [(i.level, i.code, i.name, i.parent_code) for i in items]


def _levels() -> dict[str, str]:
    lookup = {}
    for value, label in LinkageItem.Level.choices:
        lookup[norm(value)] = value
        lookup[norm(str(label))] = value
    return lookup


def read_rows(rows, *, sheet=SHEET, positions=None) -> tuple[list[dict], list[ImportIssue]]:
    """Check every row: [(row number, {key: value})] → (entries, problems)."""
    from openpyxl.utils import get_column_letter

    positions = positions or {}
    levels = _levels()
    entries, issues, seen = [], [], {}

    def error(number, key, code, message):
        column = get_column_letter(positions[key]) if key in positions else ""
        issues.append(ImportIssue(sheet, number, column, key, code, message))

    for number, values in rows:
        raw = {k: (v[0] if isinstance(v, tuple) else v) for k, v in values.items()}
        for key, value in values.items():
            if isinstance(value, tuple) and value[1] in ("f", "e"):
                error(number, key, "formula", _("Formulas and error values such as #REF! are not accepted; type "
                                                "the value instead."))
        level_text = cells.text(raw.get("level"))
        level = levels.get(norm(level_text))
        if level is None:
            error(number, "level", "unknown_level", _("Unknown level '%(value)s'") % {"value": level_text})
        entry = {"level": level}
        for key, limit in (("code", 30), ("name", 500), ("parent_code", 30)):
            try:
                entry[key] = cells.bounded_text(raw.get(key), limit)
            except cells.CellError as problem:
                error(number, key, problem.code, problem.message)
                entry[key] = ""
            if key != "parent_code" and not entry[key]:
                error(number, key, "required", _("A value is required."))
        if level and entry["code"]:
            if (level, entry["code"]) in seen:
                error(number, "code", "duplicate", _("Code '%(value)s' appears more than once (also row %(row)s).")
                      % {"value": entry["code"], "row": seen[(level, entry["code"])]})
            seen[(level, entry["code"])] = number
        entry["row"] = number
        entries.append(entry)
    return entries, issues


@transaction.atomic
def save_entries(entries, *, office) -> tuple[int, int]:
    existing = {(i.level, i.code): i for i in LinkageItem.objects.filter(office=office)}
    created = updated = 0
    for entry in entries:
        item = existing.get((entry["level"], entry["code"]))
        if item is None:
            LinkageItem.objects.create(office=office, level=entry["level"], code=entry["code"], name=entry["name"],
                                       parent_code=entry["parent_code"])
            created += 1
        elif (item.name, item.parent_code) != (entry["name"], entry["parent_code"]):
            item.name, item.parent_code = entry["name"], entry["parent_code"]
            item.save(update_fields=["name", "parent_code"])
            updated += 1
    return created, updated


def import_workbook(source, *, office) -> tuple[tuple[int, int] | None, list[ImportIssue]]:
    """All or nothing: ((created, updated), []) or (None, every problem)."""
    issues: list[ImportIssue] = []
    try:
        with open_workbook(source) as workbook:
            if SHEET not in workbook.sheetnames:
                return None, [ImportIssue(SHEET, None, "", "", "missing_sheet",
                                          _("The sheet '%(sheet)s' is missing.") % {"sheet": SHEET})]
            positions, rows = _raw_rows(workbook[SHEET], COLUMNS, SHEET, issues)
    except WorkbookRefused as refused:
        return None, [ImportIssue("", None, "", "", refused.code, refused.message)]
    entries, problems = read_rows(rows, positions=positions)
    issues += problems
    if issues:
        return None, issues
    return save_entries(entries, office=office), []


def starter_entries() -> list[dict]:
    with STARTER.open(encoding="utf-8") as handle:
        rows = [(n, row) for n, row in enumerate(csv.DictReader(handle), start=2)]
    entries, issues = read_rows(rows, sheet=STARTER.name)
    assert not issues, issues  # the shipped list is checked by the tests
    return entries


def load_starter(*, office) -> tuple[int, int]:
    """The starter list into ``office`` (None: the global lists)."""
    return save_entries(starter_entries(), office=office)
