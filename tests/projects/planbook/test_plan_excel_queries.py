"""The plan workbook's queries do not grow with the number of projects.

Import reads the projects and each of their relations in one query per table, compares in memory
and writes the differences with one bulk statement per table and kind of change; export reads one
query per table. Each case runs with 5 and with 30 projects under the same cap.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from projects.models import Activity, Project, ProjectIndicator
from projects.planbook import export_plan, import_plan

from .conftest import activity_row, fill, project_row, to_bytes

pytestmark = pytest.mark.django_db

SIZES = [5, 30]
# The counts measured when these tests were written, with room to spare; none depends on N.
REIMPORT_CAP = 20  # unchanged: reading the office's lists, then one SELECT per table
NEW_CAP = 25  # plus one INSERT per table
CHANGED_CAP = 40  # plus UPDATE / DELETE per table, and the DELETE cascade look-ups
EXPORT_CAP = 15


@pytest.fixture
def people(planning, owner, other_owner, promo_group, sup_group):
    return {"planning": planning, "owner": owner, "other_owner": other_owner}


def projects_file(count: int, **changes):
    """``count`` projects with owners, strategies, indicator targets and two activities each."""
    projects, activities = [], []
    for n in range(count):
        code = f"P{n:03d}"
        projects.append(project_row(code=code, name=f"โครงการที่ {n}", **changes))
        activities += [activity_row(project_code=code, no=1, name=f"กิจกรรมที่ 1 ของ {n}"),
                       activity_row(project_code=code, no=2, name="ติดตามผล", quarters="3,4",
                                    responsible="นายสมชาย ใจดี")]
    return projects, activities


def import_counted(data, fy, user, cap: int):
    """Import, checking it stays under ``cap`` queries; returns (result, number of queries)."""
    with CaptureQueriesContext(connection) as queries:
        result = import_plan(data, fiscal_year=fy, user=user)
    assert result.errors == []
    assert len(queries) <= cap, "\n".join(q["sql"][:120] for q in queries.captured_queries)
    return result, len(queries)


def totals(fy):
    return (Project.objects.filter(fiscal_year=fy).count(), Activity.objects.count(), ProjectIndicator.objects.count())


@pytest.mark.parametrize("count", SIZES)
def test_reimporting_an_unchanged_export_takes_a_fixed_number_of_queries(
        fy, policy_tree, people, django_assert_max_num_queries, count):
    assert import_plan(fill(*projects_file(count)), fiscal_year=fy).ok
    exported = to_bytes(export_plan(fy, Project.objects.all()))
    with django_assert_max_num_queries(REIMPORT_CAP):
        result = import_plan(exported, fiscal_year=fy, user=people["planning"])
    assert result.errors == []
    assert (result.created, result.updated, result.unchanged, result.activities) == (0, 0, count, 2 * count)


@pytest.mark.parametrize("count", SIZES)
def test_importing_new_projects_with_their_relations_takes_a_fixed_number_of_queries(
        fy, policy_tree, people, django_assert_max_num_queries, count):
    data = fill(*projects_file(count))
    with django_assert_max_num_queries(NEW_CAP):
        result = import_plan(data, fiscal_year=fy, user=people["planning"])
    assert result.errors == []
    assert (result.created, result.activities) == (count, 2 * count)
    assert totals(fy) == (count, 2 * count, 2 * count)
    project = Project.objects.get(code=f"P{count - 1:03d}")
    assert project.office_id == fy.office_id
    assert [u.email for u in project.owners.all()] == ["owner@test.go.th"]
    assert sorted(s.code for s in project.strategies.all()) == ["S1", "S2"]
    assert [(a.order, a.responsible_id, a.responsible_text) for a in project.activities.order_by("order")] == [
        (1, people["owner"].pk, ""), (2, None, "นายสมชาย ใจดี")]


@pytest.mark.parametrize("count", SIZES)
def test_changing_every_project_takes_a_fixed_number_of_queries(
        fy, policy_tree, people, django_assert_max_num_queries, count):
    assert import_plan(fill(*projects_file(count)), fiscal_year=fy).ok
    projects, activities = projects_file(count, owners="owner2@test.go.th", strategies="S2",
                                         indicators="IND01=90; IND02", budget_obec=1)
    edit = {"name": "แก้ชื่อ", "quarters": "4", "budget": 10, "responsible": "owner2@test.go.th"}
    activities = [dict(a, no=3) if a["no"] == 2 else dict(a, **edit) for a in activities]
    with django_assert_max_num_queries(CHANGED_CAP):
        result = import_plan(fill(projects, activities), fiscal_year=fy, user=people["planning"])
    assert result.errors == []
    assert (result.updated, result.activities, result.activities_deleted) == (count, 2 * count, count)
    project = Project.objects.get(code="P000")
    assert [u.email for u in project.owners.all()] == ["owner2@test.go.th"]
    assert [s.code for s in project.strategies.all()] == ["S2"]
    assert sorted((t.indicator.code, t.target_value, t.target_text) for t in project.indicator_targets.all()) == [
        ("IND01", 90, ""), ("IND02", None, "")]
    assert [(a.order, a.name, a.quarters, a.budget, a.responsible_id, a.responsible_text)
            for a in project.activities.order_by("order")] == [
        (1, "แก้ชื่อ", [4], 10, people["other_owner"].pk, ""),
        (3, "ติดตามผล", [3, 4], 50000, None, "นายสมชาย ใจดี"),
    ]
    assert project.budget_obec == 1
    assert totals(fy) == (count, 2 * count, 2 * count)


def test_the_query_counts_are_the_same_for_5_and_30_projects(fy, policy_tree, people):
    counts = {}
    for count in SIZES:
        Project.objects.filter(fiscal_year=fy).delete()
        user = User.objects.get(pk=people["planning"].pk)  # fresh: nothing cached from the last round
        _result, new = import_counted(fill(*projects_file(count)), fy, user, NEW_CAP)
        with CaptureQueriesContext(connection) as exporting:
            exported = to_bytes(export_plan(fy, Project.objects.all()))
        user = User.objects.get(pk=people["planning"].pk)
        _result, unchanged = import_counted(exported, fy, user, REIMPORT_CAP)
        counts[count] = (new, len(exporting), unchanged)
    assert counts[5] == counts[30]
    assert counts[30][1] <= EXPORT_CAP
