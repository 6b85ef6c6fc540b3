"""The apps stand in layers; none imports a higher one (reminders learns its sources from a registry).

accounts < plans < (documents, reviews, feedback) < reminders < projects < inspections < reporting. Every ``import``
and ``from … import`` in an app's modules (top level or inside functions) is read with ``ast``; migrations
are left out (Django writes them from the models' string references).
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

LAYERS = {
    "accounts": 0,
    "plans": 1,
    "documents": 2,
    "reviews": 2,
    "feedback": 2,
    "reminders": 3,
    "projects": 4,
    "inspections": 5,
    "emenscr": 5,
    "evaluation": 5,
    "reporting": 6,
    "backups": 7,
    "publication": 7,
}

# Modules that may import any app, and why.
EXEMPT = {
    # The demo seeding command sits at the top of the stack: run by hand, never imported by an app. It seeds
    # accounts, then plans, projects and inspections; it stays in accounts beside the accounts demo it starts.
    "accounts/management/commands/seed_demo.py",
    # The admin site is a page at the top of the stack (only Django's autodiscovery imports it); it shows the
    # users' dates in the Buddhist era with plans.lib.thaidate, the one copy of the Thai date helpers.
    "accounts/admin.py",
}

# Edges allowed while a move is under way, as (module, imported app); an entry whose edge is gone fails
# test_the_pending_edges_still_exist, so the list cannot hide a new edge.
PENDING: set[tuple[str, str]] = set()  # edges allowed while a move is under way (none now)


def _modules():
    for app in LAYERS:
        folder = ROOT / app
        if not folder.is_dir():
            continue
        for path in sorted(folder.rglob("*.py")):
            if "migrations" in path.parts:
                continue
            yield app, path.relative_to(ROOT).as_posix(), path


def _imported_apps(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        for name in names:
            top = name.split(".")[0]
            if top in LAYERS:
                yield node.lineno, top, name


def upward_imports() -> list[tuple[str, str, str]]:
    """(module:line, imported module, importing app → imported app) for each import of a higher app."""
    found = []
    for app, name, path in _modules():
        if name in EXEMPT:
            continue
        for line, top, module in _imported_apps(path):
            if LAYERS[top] > LAYERS[app] and (name, top) not in PENDING:
                found.append((f"{name}:{line}", module, f"{app} → {top}"))
    return found


def test_no_app_imports_a_higher_one():
    assert upward_imports() == []


def test_the_pending_edges_still_exist():
    """An allow-listed edge that is gone must leave the list, so it cannot come back unnoticed."""
    seen = {(name, top) for app, name, path in _modules() for _line, top, _module in _imported_apps(path)
            if LAYERS[top] > LAYERS[app]}
    assert PENDING - seen == set()


def test_the_check_sees_an_upward_import(tmp_path):
    module = tmp_path / "example.py"
    module.write_text("def f():\n    from reporting.figures import summary\n\nimport plans.models\n")
    assert sorted(_imported_apps(module)) == [(2, "reporting", "reporting.figures"), (4, "plans", "plans.models")]
