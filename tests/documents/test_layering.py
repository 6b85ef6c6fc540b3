"""documents sits below the domain apps, and inspections below reporting: the imports say so."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
APPS = {"accounts", "plans", "projects", "inspections", "reporting", "reminders"}


def imported_packages(folder: str) -> dict[str, set[str]]:
    found = {}
    for path in sorted((ROOT / folder).rglob("*.py")):
        if "migrations" in path.parts:
            continue
        names = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
        found[str(path.relative_to(ROOT))] = names
    return found


def imported_modules(folder: str) -> dict[str, set[str]]:
    found = {}
    for path in sorted((ROOT / folder).rglob("*.py")):
        names = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module)
        found[str(path.relative_to(ROOT))] = names
    return found


def test_documents_imports_no_app_but_the_plain_thai_date_helpers():
    """documents knows no model; it shares the Thai date helpers of plans.lib (plain functions, one copy)."""
    def app_modules(names):
        return {name for name in names if name.split(".")[0] in APPS and not name.startswith("plans.lib.")}

    assert {path: app_modules(names) for path, names in imported_modules("documents").items()
            if app_modules(names)} == {}


@pytest.mark.parametrize("folder", ["inspections", "projects/planbook", "projects/management"])
def test_inspections_and_the_plan_workbook_do_not_import_reporting(folder):
    """They take their PDF/Excel machinery from documents; reporting sits on top and only reads."""
    assert {path for path, names in imported_packages(folder).items() if "reporting" in names} == set()
