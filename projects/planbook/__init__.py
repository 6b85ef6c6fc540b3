"""The plan workbook: a fiscal year's projects and activities in Excel, split as pretix splits its importers.

``columns`` (the layout), ``writer`` (template and export), ``reader`` (parsing and validation, with
``ImportIssue``/``ImportResult``), ``save`` (the all-or-nothing write, ``import_plan``); ``views``, ``urls``
and ``cli`` serve them on the web and to the commands export_plan, export_plan_template and import_plan.
"""

from .columns import ACTIVITIES_SHEET, INSTRUCTIONS_SHEET, LISTS_SHEET, PROJECTS_SHEET
from .reader import ImportIssue, ImportResult
from .save import can_import_plan, import_plan
from .writer import build_template, export_plan

__all__ = [
    "ACTIVITIES_SHEET", "INSTRUCTIONS_SHEET", "LISTS_SHEET", "PROJECTS_SHEET",
    "ImportIssue", "ImportResult", "build_template", "can_import_plan", "export_plan", "import_plan",
]
