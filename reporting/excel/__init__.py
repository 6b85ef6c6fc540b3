"""Excel workbooks: the plan template, its export and its import."""

from .plan import (
    ACTIVITIES_SHEET,
    INSTRUCTIONS_SHEET,
    LISTS_SHEET,
    PROJECTS_SHEET,
    XLSX_CONTENT_TYPE,
    ImportIssue,
    ImportResult,
    build_template,
    can_import_plan,
    export_plan,
    import_plan,
)

__all__ = [
    "ACTIVITIES_SHEET", "INSTRUCTIONS_SHEET", "LISTS_SHEET", "PROJECTS_SHEET", "XLSX_CONTENT_TYPE",
    "ImportIssue", "ImportResult", "build_template", "can_import_plan", "export_plan", "import_plan",
]
