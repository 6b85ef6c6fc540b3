"""The engine's shape: every reviewed kind is registered with it, a lower app never imports a higher one
(projects learns the inspection queues from a registry), and the engine's own contracts."""

import ast
from pathlib import Path

import pytest

from reviews import engine, queues
from reviews.machine import BadInput, ConflictError, NotAllowed, WorkflowError, parse_version, status_for

ROOT = Path(__file__).resolve().parents[2]


def _imports(package: str) -> set[str]:
    names = set()
    for path in (ROOT / package).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module.split(".")[0])
            elif isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
    return names


def test_projects_does_not_import_inspections_and_reviews_imports_no_app_above_it():
    assert "inspections" not in _imports("projects")
    assert not _imports("reviews") & {"projects", "inspections", "reporting", "reminders"}


def test_inspection_views_do_not_import_each_other():
    for name, other in (("views.py", "monitoring_views"), ("monitoring_views.py", "views")):
        tree = ast.parse((ROOT / "inspections" / name).read_text(encoding="utf-8"))
        relative = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.level == 1}
        assert other not in relative


def test_every_reviewed_kind_is_registered():
    from inspections.models import FollowUpAction, InspectionIssue, MonitoringResult, Recommendation
    from projects.models import QuarterlyReport

    assert {QuarterlyReport, InspectionIssue, MonitoringResult, FollowUpAction, Recommendation} <= set(engine.KINDS)


def test_the_queues_learn_the_inspection_sources_from_the_registry():
    assert {"issues", "results"} <= set(queues._SOURCES)


@pytest.mark.parametrize(("error", "status"), [
    (NotAllowed("x"), 403), (ConflictError("x"), 409), (WorkflowError("x"), 400), (BadInput("x"), 400)])
def test_one_status_per_kind_of_refusal(error, status):
    assert status_for(error) == status


@pytest.mark.parametrize("raw", [None, "", "abc", "1.0", "-1", True])
def test_a_version_must_be_a_whole_number(raw):
    with pytest.raises(BadInput):
        parse_version(raw)


def test_a_version_is_read_from_the_page():
    assert parse_version("7") == 7 and parse_version(3) == 3


@pytest.mark.django_db
def test_available_moves_lists_save_first_for_who_may_write(issue, owner, planning, director):
    assert engine.available_moves(owner, issue) == ["save", "submit"]
    assert engine.available_moves(director, issue) == []
    assert "save" in engine.available_moves(planning, issue)


@pytest.fixture
def issue(inspection_round, promo_group, owner):
    from inspections.models import InspectionIssue

    return InspectionIssue.objects.create(round=inspection_round, code="1", title="ประเด็น", group=promo_group,
                                          responsible=owner)


from ..inspections.conftest import inspection_round  # noqa: E402,F401 (fixture)
