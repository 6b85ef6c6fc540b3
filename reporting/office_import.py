"""Offices in bulk from a workbook (``manage.py import_offices FILE.xlsx``): all of it, or nothing.

One sheet, a header row, then one office a row: code, name, kind (สพป., สพม., ภาค, สพฐ.), province and the code
of the office above it (blank for the top). A code already in Tidtam updates that office; the parent may be
an office of the file (on any row) or one already in Tidtam. Every problem names its row and column; if there
is any, nothing is saved. Afterwards every office's ``path`` (the subtree prefix the central viewers read
through) is recomputed.
"""

from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import Workbook

from accounts.models import Office
from documents.excel.cells import text
from documents.excel.safety import WorkbookRefused, open_workbook

# (column letter, key, header); the header row is matched by position, not by text
COLUMNS = (("A", "code", "Office code"), ("B", "name", "Office name"), ("C", "kind", "Kind"),
           ("D", "province", "Province"), ("E", "parent", "Parent office code"))
LIMITS = {"code": 20, "name": 200, "province": 100, "parent": 20}
KINDS = {
    "สพป.": Office.Kind.PRIMARY, "สพป": Office.Kind.PRIMARY, "spp": Office.Kind.PRIMARY,
    "สพม.": Office.Kind.SECONDARY, "สพม": Office.Kind.SECONDARY, "spm": Office.Kind.SECONDARY,
    "ภาค": Office.Kind.REGION, "ศธภ.": Office.Kind.REGION, "region": Office.Kind.REGION,
    "สพฐ.": Office.Kind.OBEC, "สพฐ": Office.Kind.OBEC, "obec": Office.Kind.OBEC,
}
MAX_ROWS = 5000


@dataclass
class Problem:
    row: int | None
    column: str
    message: str

    def __str__(self) -> str:
        if self.row is None:
            return self.message
        header = next((_(h) for letter, _k, h in COLUMNS if letter == self.column), "")
        where = _("row %(row)s, column %(column)s (%(header)s)") % {"row": self.row, "column": self.column,
                                                                      "header": header}
        return f"{where}: {self.message}"


@dataclass
class Result:
    created: int = 0
    updated: int = 0
    problems: list = field(default_factory=list)

    def summary(self) -> str:
        return _("%(created)s office(s) added, %(updated)s updated.") % {"created": self.created,
                                                                          "updated": self.updated}


def _column(key: str) -> str:
    return next(letter for letter, k, _h in COLUMNS if k == key)


def read(source) -> tuple[list[dict], list[Problem]]:
    """The rows of the workbook and the problems of each cell (none saved)."""
    rows, problems = [], []
    try:
        with open_workbook(source) as workbook:
            sheet = workbook.worksheets[0]
            for number, values in enumerate(sheet.iter_rows(min_row=2, max_col=len(COLUMNS), values_only=True),
                                            start=2):
                if number > MAX_ROWS + 1:
                    problems.append(Problem(None, "", _("More than %(n)s rows.") % {"n": MAX_ROWS}))
                    break
                values = list(values) + [None] * (len(COLUMNS) - len(values))
                if all(v is None or not str(v).strip() for v in values):
                    continue
                row = {"row": number, "reported": set()}
                for (letter, key, _header), value in zip(COLUMNS, values):
                    if isinstance(value, str) and value.startswith("="):
                        problems.append(Problem(number, letter, _("A formula; type the value itself.")))
                        row["reported"].add(key)
                        value = ""
                    row[key] = text(value)
                    if key in LIMITS and len(row[key]) > LIMITS[key]:
                        problems.append(Problem(number, letter, _("Too long: at most %(limit)s characters.") % {
                            "limit": LIMITS[key]}))
                rows.append(row)
    except WorkbookRefused as refused:
        return [], [Problem(None, "", refused.message)]
    return rows, problems


def check(rows: list[dict], problems: list[Problem]) -> dict:
    """Each row's code → its parent's code (or ""), problems added for what cannot be saved."""
    seen = {}
    for row in rows:
        number = row["row"]
        if not row["code"] and "code" not in row["reported"]:
            problems.append(Problem(number, _column("code"), _("The office code is required.")))
        elif row["code"] and row["code"] in seen:
            problems.append(Problem(number, _column("code"), _("Code %(code)s is also on row %(other)s.") % {
                "code": row["code"], "other": seen[row["code"]]}))
        elif row["code"]:
            seen[row["code"]] = number
        if not row["name"] and "name" not in row["reported"]:
            problems.append(Problem(number, _column("name"), _("The office name is required.")))
        kind = KINDS.get(row["kind"].strip().lower()) or KINDS.get(row["kind"].strip())
        if kind is None and "kind" not in row["reported"]:
            problems.append(Problem(number, _column("kind"), _(
                "“%(value)s” is not a kind of office: write สพป., สพม., ภาค or สพฐ.") % {"value": row["kind"]}))
        row["kind_value"] = kind
    existing = dict(Office.objects.values_list("code", "parent__code"))
    parents = {code: parent or "" for code, parent in existing.items()}
    for row in rows:
        if row["code"] and seen.get(row["code"]) == row["row"]:
            parents[row["code"]] = row["parent"]
    for row in rows:
        parent = row["parent"]
        if not parent or "parent" in row["reported"]:
            continue
        if parent not in parents:
            problems.append(Problem(row["row"], _column("parent"), _(
                "No office has the code %(code)s, in the file or in Tidtam.") % {"code": parent}))
            continue
        node, visited = parent, {row["code"]}
        while node:
            if node in visited:
                problems.append(Problem(row["row"], _column("parent"), _(
                    "Office %(code)s would sit beneath itself (through %(parent)s).") % {
                    "code": row["code"], "parent": parent}))
                break
            visited.add(node)
            node = parents.get(node, "")
    return parents


def import_offices(source, *, dry_run: bool = False) -> Result:
    rows, problems = read(source)
    result = Result(problems=problems)
    if not rows:
        return result
    parents = check(rows, problems)  # every problem of the file at once, those of the cells included
    if problems or dry_run:
        known = set(Office.objects.values_list("code", flat=True))
        result.updated = sum(1 for row in rows if row["code"] in known)
        result.created = len(rows) - result.updated
        return result

    def depth(code: str) -> int:
        n = 0
        while parents.get(code):
            code, n = parents[code], n + 1
        return n

    with transaction.atomic():
        offices = {o.code: o for o in Office.objects.select_for_update().filter(
            code__in=[row["code"] for row in rows] + [row["parent"] for row in rows if row["parent"]])}
        for row in sorted(rows, key=lambda r: depth(r["code"])):  # parents before their children
            office = offices.get(row["code"])
            if office is None:
                office = Office(code=row["code"])
                result.created += 1
            else:
                result.updated += 1
            office.name, office.kind, office.province = row["name"], row["kind_value"], row["province"]
            office.parent = offices[row["parent"]] if row["parent"] else None
            office.save()
            offices[office.code] = office
        recompute_paths()
    return result


def recompute_paths() -> int:
    """Every office's materialised path from its parents (one read, one update of those that changed)."""
    rows = list(Office.objects.values_list("id", "parent_id", "path"))
    children = {}
    for pk, parent_id, _path in rows:
        children.setdefault(parent_id, []).append(pk)
    wanted, stack = {}, [(pk, "/") for pk in children.get(None, [])]
    while stack:
        pk, prefix = stack.pop()
        wanted[pk] = f"{prefix}{pk}/"
        stack += [(child, wanted[pk]) for child in children.get(pk, [])]
    changed = [Office(pk=pk, path=wanted[pk]) for pk, _parent, path in rows if pk in wanted and wanted[pk] != path]
    Office.objects.bulk_update(changed, ["path"])
    return len(changed)


def template() -> Workbook:
    """The workbook to fill: the header row and three example rows (a region and two offices beneath it)."""
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Offices")
    sheet.append([_(header) for _letter, _key, header in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for letter, width in zip("ABCDE", (14, 60, 10, 18, 22)):
        sheet.column_dimensions[letter].width = width
    sheet.append(["REG5", "สำนักงานศึกษาธิการภาค 5", "ภาค", "นครศรีธรรมราช", "OBEC"])
    sheet.append(["SPPNST1", "สำนักงานเขตพื้นที่การศึกษาประถมศึกษานครศรีธรรมราช เขต 1", "สพป.", "นครศรีธรรมราช",
                  "REG5"])
    sheet.append(["SPMNST", "สำนักงานเขตพื้นที่การศึกษามัธยมศึกษานครศรีธรรมราช", "สพม.", "นครศรีธรรมราช", "REG5"])
    notes = workbook.create_sheet(_("How to fill"))
    for line in (_("One office a row, from row 2. Kind: สพป., สพม., ภาค or สพฐ."),
                 _("Parent office code: the office above it (a region, OBEC), in this file or already in Tidtam; "
                   "blank for the top office."),
                 _("A code already in Tidtam updates that office. If any row is wrong, nothing is saved.")):
        notes.append([line])
    notes.column_dimensions["A"].width = 110
    return workbook
