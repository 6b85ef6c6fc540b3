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


def test_documents_imports_no_app():
    assert {path: names & APPS for path, names in imported_packages("documents").items() if names & APPS} == {}


@pytest.mark.parametrize("folder", ["inspections", "projects/planbook", "projects/management"])
def test_inspections_and_the_plan_workbook_do_not_import_reporting(folder):
    """They take their PDF/Excel machinery from documents; reporting sits on top and only reads."""
    assert {path for path, names in imported_packages(folder).items() if "reporting" in names} == set()
