"""The plan workbook's layout: its sheets, rows and columns, shared by the writer and the reader.

One layout serves three purposes, so that an export can be edited and imported back:

* ``writer.build_template`` — an empty workbook to fill in, with instructions;
* ``writer.export_plan`` — the projects a user may see, in the same layout;
* ``save.import_plan`` — read a filled workbook (``reader``), check every row, and save all of it or nothing.

Each data sheet has Thai headers in row 1 and stable column keys in row 2 (hidden);
columns are found by their key, so they may be re-ordered. Data starts in row 3.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy

PROJECTS_SHEET = "โครงการ"
ACTIVITIES_SHEET = "กิจกรรม"
INSTRUCTIONS_SHEET = "คำอธิบาย"
LISTS_SHEET = "lists"

HEADER_ROW, KEY_ROW, FIRST_DATA_ROW = 1, 2, 3
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
    Column("budget_category", gettext_lazy("Budget category"), gettext_lazy(
        "Operating budget (recurring) or investment budget; may be blank."), 22),
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
    Column("budget_category", gettext_lazy("Budget category"), gettext_lazy(
        "Operating budget (recurring) or investment budget; blank means the same as the project."), 22),
)

NUMBER_FORMATS = {"date": DATE_FORMAT, "money": MONEY_FORMAT, "code": TEXT_FORMAT}


def norm(value: str) -> str:
    """Text compared the way people mean it: spaces collapsed, case folded."""
    return " ".join(str(value).split()).casefold()


@dataclass(frozen=True)
class Extension:
    """Columns a higher app adds to the workbook (registered in its ``AppConfig.ready()``), with how they are
    written, read and saved. The reader calls ``parse_project``/``parse_activity`` only for the extension's columns
    present in the file; ``save`` runs inside the import's transaction, after the projects and activities."""

    key: str
    project_columns: tuple = ()
    activity_columns: tuple = ()
    #: (fiscal year) → a state object for one import (lists to look codes up in…)
    begin: Callable = lambda fiscal_year: None
    #: (state, row number, values, present keys, error) → what to save for the project, or None
    parse_project: Callable = lambda state, number, values, present, error: None
    #: (state, row number, values, present keys, activity fields, error) → what to save for the activity, or None
    parse_activity: Callable = lambda state, number, values, present, fields, error: None
    #: (state, [(parsed, project id)], [(parsed, activity id, project id)]) → ids of the projects changed
    save: Callable = lambda state, projects, activities: set()
    #: (fiscal year, project ids) → ({project id: {key: value}}, {activity id: {key: value}})
    export: Callable = lambda fiscal_year, project_ids: ({}, {})


EXTENSIONS: dict[str, Extension] = {}


def register(extension: Extension) -> None:
    EXTENSIONS[extension.key] = extension


def project_columns() -> tuple:
    return PROJECT_COLUMNS + tuple(c for e in EXTENSIONS.values() for c in e.project_columns)


def activity_columns() -> tuple:
    return ACTIVITY_COLUMNS + tuple(c for e in EXTENSIONS.values() for c in e.activity_columns)
