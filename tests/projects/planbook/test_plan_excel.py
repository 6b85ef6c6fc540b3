"""The plan workbook: template, import (all or nothing) and export that round-trips."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from openpyxl import load_workbook

from projects.models import Activity, Project, ProjectIndicator
from projects.planbook import build_template, export_plan, import_plan
from projects.planbook.columns import (
    ACTIVITIES_SHEET,
    INSTRUCTIONS_SHEET,
    LISTS_SHEET,
    PROJECT_COLUMNS,
    activity_columns,
    project_columns,
    PROJECTS_SHEET,
)

from .conftest import activity_row, fill, project_row, to_bytes

pytestmark = pytest.mark.django_db


def counts():
    return (Project.objects.count(), Activity.objects.count(), ProjectIndicator.objects.count())


def snapshot(fy):
    """Everything the workbook carries, comparable before and after an import."""
    rows = []
    for p in Project.objects.filter(fiscal_year=fy).order_by("code"):
        rows.append((
            p.code, p.name, p.source, p.group_id, sorted(p.owners.values_list("email", flat=True)), p.rationale,
            p.objectives, p.target_groups, p.start_date, p.end_date, p.budget_obec, p.budget_office,
            p.budget_other, p.status, p.cancel_reason, sorted(p.strategies.values_list("code", flat=True)),
            sorted((t.indicator.code, t.target_value, t.target_text) for t in p.indicator_targets.all()),
            [(a.order, a.name, a.quarters, a.budget, a.responsible_id, a.responsible_text)
             for a in p.activities.order_by("order")],
        ))
    return rows


def codes(result):
    return [(e.sheet, e.row, e.column, e.key, e.code) for e in result.errors]


@pytest.fixture
def people(planning, owner, other_owner, promo_group, sup_group):
    return {"planning": planning, "owner": owner, "other_owner": other_owner}


# --- template --------------------------------------------------------------------------------


def test_template_has_the_sheets_hidden_key_row_and_drop_downs(office, promo_group, sup_group):
    workbook = load_workbook(to_bytes(build_template(office)))
    assert workbook.sheetnames == [PROJECTS_SHEET, ACTIVITIES_SHEET, INSTRUCTIONS_SHEET, LISTS_SHEET]
    assert workbook[LISTS_SHEET].sheet_state == "hidden"
    projects = workbook[PROJECTS_SHEET]
    assert [c.value for c in projects[2]] == [c.key for c in project_columns()]  # the core, then registered ones
    assert [c.value for c in projects[2]][:len(PROJECT_COLUMNS)] == [c.key for c in PROJECT_COLUMNS]
    assert [c.value for c in projects[2]][:4] == ["code", "name", "source", "group"]
    assert all(c.value for c in projects[1])
    assert projects[1][0].font.bold
    assert projects.row_dimensions[2].hidden
    assert projects.freeze_panes == "A3"
    assert projects.column_dimensions["B"].width > 30
    activities = workbook[ACTIVITIES_SHEET]
    assert [c.value for c in activities[2]][:6] == ["project_code", "no", "name", "quarters", "budget", "responsible"]
    assert [c.key for c in activity_columns()] == [c.value for c in activities[2]]
    validations = {str(v.sqref).split(":")[0]: v.formula1 for v in projects.data_validations.dataValidation}
    assert validations == {"C3": "lists!$A$2:$A$4", "D3": "lists!$C$2:$C$3", "N3": "lists!$B$2:$B$5"}
    lists = workbook[LISTS_SHEET]
    assert {lists["C2"].value, lists["C3"].value} == {promo_group.name, sup_group.name}
    assert lists["A4"].value and lists["B5"].value and not lists["A5"].value
    instructions = [row[1] for row in workbook[INSTRUCTIONS_SHEET].iter_rows(values_only=True)]
    assert {"code", "indicators", "project_code", "quarters"} <= set(instructions)


def test_template_without_an_office_has_no_group_list():
    projects = load_workbook(to_bytes(build_template()))[PROJECTS_SHEET]
    assert [str(v.sqref) for v in projects.data_validations.dataValidation] == ["C3:C2000", "N3:N2000"]


def test_template_of_a_fiscal_year_lists_its_strategy_and_indicator_codes(fy, policy_tree):
    lists = load_workbook(to_bytes(build_template(fiscal_year=fy)))[LISTS_SHEET]
    column = {c.value: c.column_letter for c in lists[1]}
    listed = [row[0].value for row in lists[f"{column['indicator']}2:{column['indicator']}9"] if row[0].value]
    assert listed == ["IND01", "IND02"]


# --- importing -------------------------------------------------------------------------------


def test_filled_template_imports_projects_owners_budgets_targets_and_activities(fy, policy_tree, people,
                                                                                  promo_group):
    data = fill(
        [project_row(), project_row(code="P02", name="โครงการนิเทศ",
                                    group="กลุ่มนิเทศ ติดตามและประเมินผลการจัดการศึกษา",
                                    owners="OWNER2@test.go.th, owner@test.go.th", source="agency",
                                    status="in_progress", strategies="", indicators="", budget_obec="1,234,567.89",
                                    start_date=date(2026, 1, 8), end_date="2026-03-31")],
        [activity_row(), activity_row(no=2, name="ติดตามผล", quarters="3, 4", budget="2500.75",
                                      responsible="นายสมชาย ใจดี"),
         activity_row(project_code="P02", no=1, name="นิเทศโรงเรียน", quarters=2, budget=None, responsible=None)],
    )
    result = import_plan(data, fiscal_year=fy, user=people["planning"])
    assert result.errors == []
    assert (result.created, result.updated, result.activities) == (2, 0, 3)
    p1 = Project.objects.get(fiscal_year=fy, code="P01")
    assert p1.office == fy.office
    assert p1.group == promo_group
    assert p1.source == Project.Source.ACTION_PLAN
    assert p1.budget_obec == Decimal("125000.50")
    assert p1.budget_office == Decimal("10000.25")
    assert p1.budget_other == Decimal("0.00")
    assert (p1.start_date, p1.end_date) == (date(2025, 11, 1), date(2026, 9, 30))
    assert list(p1.owners.all()) == [people["owner"]]
    assert {s.code for s in p1.strategies.all()} == {"S1", "S2"}
    targets = {t.indicator.code: (t.target_value, t.target_text) for t in p1.indicator_targets.all()}
    assert targets == {"IND01": (Decimal("80.00"), ""), "IND02": (None, "ทุกโรงเรียนผ่านเกณฑ์")}
    first, second = p1.activities.order_by("order")
    assert (first.quarters, first.budget, first.responsible) == ([1, 2], Decimal("50000.00"), people["owner"])
    assert (second.quarters, second.budget, second.responsible_text) == ([3, 4], Decimal("2500.75"), "นายสมชาย ใจดี")
    p2 = Project.objects.get(fiscal_year=fy, code="P02")
    assert (p2.source, p2.status, p2.budget_obec) == ("agency", "in_progress", Decimal("1234567.89"))
    assert (p2.start_date, p2.end_date) == (date(2026, 1, 8), date(2026, 3, 31))
    assert set(p2.owners.all()) == {people["owner"], people["other_owner"]}
    assert p2.activities.get().quarters == [2]


def test_thai_labels_and_thai_digits_are_understood(fy, people):
    from django.utils import translation

    with translation.override("th"):
        source = str(Project.Source.OTHER_AGENCY.label)
        status = str(Project.Status.COMPLETED.label)
    data = fill([project_row(source=source, status=status, strategies=None, indicators=None,
                             budget_obec="๑,๒๐๐.๕๐", start_date="๘/๑/๒๕๖๙", end_date=None)],
                [activity_row(quarters="๑,๔")])
    result = import_plan(data, fiscal_year=fy)
    assert result.errors == []
    project = Project.objects.get()
    assert (project.source, project.status, project.budget_obec) == ("agency", "completed", Decimal("1200.50"))
    assert project.start_date == date(2026, 1, 8)
    assert project.activities.get().quarters == [1, 4]


def test_reimport_updates_projects_instead_of_duplicating_them(fy, policy_tree, people):
    import_plan(fill([project_row()], [activity_row(), activity_row(no=2, name="เดิม")]), fiscal_year=fy)
    first_activity = Activity.objects.get(order=1)
    result = import_plan(
        fill([project_row(name="ชื่อใหม่", owners="owner2@test.go.th", strategies="S2", indicators="IND01=90")],
             [activity_row(name="ประชุมปรับปรุง", quarters="4")]),
        fiscal_year=fy,
    )
    assert result.errors == []
    assert (result.created, result.updated, result.activities, result.activities_deleted) == (0, 1, 1, 1)
    project = Project.objects.get()
    assert project.name == "ชื่อใหม่"
    assert list(project.owners.all()) == [people["other_owner"]]
    assert [s.code for s in project.strategies.all()] == ["S2"]
    assert [(t.indicator.code, t.target_value) for t in project.indicator_targets.all()] == [("IND01", 90)]
    activity = project.activities.get()
    assert activity.pk == first_activity.pk  # updated in place
    assert (activity.name, activity.quarters) == ("ประชุมปรับปรุง", [4])


def test_activities_may_belong_to_a_project_already_in_the_fiscal_year(fy, people, promo_group):
    Project.objects.create(fiscal_year=fy, code="OLD", name="โครงการเดิม", group=promo_group)
    result = import_plan(fill([], [activity_row(project_code="OLD")]), fiscal_year=fy)
    assert result.errors == []
    assert (result.created, result.updated, result.activities) == (0, 1, 1)
    assert Project.objects.get(code="OLD").activities.count() == 1


def test_reordered_columns_and_blank_rows_still_import(fy, people):
    def shuffle(workbook):
        ws = workbook[PROJECTS_SHEET]
        ws.move_range("A1:A10", cols=20)  # the code column moves to the far right
        ws.insert_rows(4, amount=2)  # two blank rows between the projects

    data = fill([project_row(strategies=None, indicators=None), project_row(code="P02", strategies=None,
                                                                           indicators=None)], edit=shuffle)
    result = import_plan(data, fiscal_year=fy)
    assert result.errors == []
    assert sorted(Project.objects.values_list("code", flat=True)) == ["P01", "P02"]


def test_a_left_out_optional_column_keeps_the_saved_values(fy, people, policy_tree):
    import_plan(fill([project_row()]), fiscal_year=fy)

    def drop_owners_and_strategies(workbook):
        ws = workbook[PROJECTS_SHEET]
        for cell in ws[2]:
            if cell.value in ("owners", "strategies"):
                cell.value = None

    result = import_plan(fill([project_row(name="แก้ชื่อ", owners="", strategies="")],
                              edit=drop_owners_and_strategies), fiscal_year=fy)
    assert result.errors == []
    project = Project.objects.get()
    assert project.name == "แก้ชื่อ"
    assert project.owners.count() == 1
    assert project.strategies.count() == 2


def test_dry_run_counts_but_saves_nothing(fy, policy_tree, people):
    result = import_plan(fill([project_row()], [activity_row()]), fiscal_year=fy, dry_run=True)
    assert result.ok and result.dry_run
    assert (result.created, result.activities) == (1, 1)
    assert counts() == (0, 0, 0)


def test_only_planning_staff_of_the_office_may_import(fy, owner, other_office_planning):
    data = fill([project_row(owners=None, strategies=None, indicators=None)])
    for user in (owner, other_office_planning):
        with pytest.raises(PermissionDenied):
            import_plan(data, fiscal_year=fy, user=user)
    assert counts() == (0, 0, 0)


# --- refusing bad rows -----------------------------------------------------------------------


BAD_PROJECTS = [
    ("missing code", {"code": None}, "code", "A", "required"),
    ("missing name", {"name": "  "}, "name", "B", "required"),
    ("unknown source", {"source": "งบเอกชน"}, "source", "C", "unknown_source"),
    ("unknown group", {"group": "NOPE"}, "group", "D", "unknown_group"),
    ("unknown owner", {"owners": "owner@test.go.th, nobody@test.go.th"}, "owners", "E", "unknown_user"),
    ("owner of another office", {"owners": "planning@other.go.th"}, "owners", "E", "unknown_user"),
    ("bad start date", {"start_date": "31/2/2569"}, "start_date", "I", "bad_date"),
    ("text date", {"end_date": "ปลายปี"}, "end_date", "J", "bad_date"),
    ("end before start", {"start_date": "1/3/2569", "end_date": "1/2/2569"}, "end_date", "J", "end_before_start"),
    ("negative budget", {"budget_obec": -1}, "budget_obec", "K", "negative"),
    ("text budget", {"budget_office": "หนึ่งหมื่น"}, "budget_office", "L", "bad_number"),
    ("three decimals", {"budget_other": 10.125}, "budget_other", "M", "bad_number"),
    ("unknown status", {"status": "เลื่อน"}, "status", "N", "unknown_status"),
    ("cancelled without reason", {"status": "cancelled", "cancel_reason": None}, "cancel_reason", "O",
     "reason_required"),
    ("unknown strategy", {"strategies": "S1, S9"}, "strategies", "P", "unknown_strategy"),
    ("unknown indicator", {"indicators": "IND01=80; IND99=5"}, "indicators", "Q", "unknown_indicator"),
    ("negative indicator target", {"indicators": "IND01=-5"}, "indicators", "Q", "negative"),
    ("too long code", {"code": "P" * 31}, "code", "A", "too_long"),
]


@pytest.mark.parametrize(("row", "key", "column", "code"), [case[1:] for case in BAD_PROJECTS],
                         ids=[case[0] for case in BAD_PROJECTS])
def test_a_bad_project_row_is_reported_where_it_is_and_nothing_is_saved(fy, policy_tree, people, other_office_planning,
                                                                        row, key, column, code):
    data = fill([project_row(code="P00", name="แถวที่ถูกต้อง"), project_row(**row)], [activity_row(project_code="P00")])
    result = import_plan(data, fiscal_year=fy)
    assert codes(result) == [(PROJECTS_SHEET, 4, column, key, code)]
    assert result.errors[0].message
    assert counts() == (0, 0, 0)


BAD_ACTIVITIES = [
    ("unknown project", {"project_code": "P99"}, "project_code", "A", "unknown_project"),
    ("missing project code", {"project_code": None}, "project_code", "A", "required"),
    ("missing number", {"no": None}, "no", "B", "required"),
    ("bad number", {"no": "ก"}, "no", "B", "bad_number"),
    ("missing name", {"name": None}, "name", "C", "required"),
    ("quarter 5", {"quarters": "1,5"}, "quarters", "D", "bad_quarter"),
    ("quarter 0", {"quarters": 0}, "quarters", "D", "bad_quarter"),
    ("negative budget", {"budget": "-100"}, "budget", "E", "negative"),
    ("unknown responsible", {"responsible": "ghost@test.go.th"}, "responsible", "F", "unknown_user"),
    ("same number twice", {"no": 1}, "no", "B", "duplicate"),
]


@pytest.mark.parametrize(("row", "key", "column", "code"), [case[1:] for case in BAD_ACTIVITIES],
                         ids=[case[0] for case in BAD_ACTIVITIES])
def test_a_bad_activity_row_is_reported_where_it_is_and_nothing_is_saved(fy, people, row, key, column, code):
    data = fill([project_row(strategies=None, indicators=None)], [activity_row(), activity_row(**{"no": 2, **row})])
    result = import_plan(data, fiscal_year=fy)
    assert codes(result) == [(ACTIVITIES_SHEET, 4, column, key, code)]
    assert counts() == (0, 0, 0)


def test_duplicate_project_code_in_the_file_is_refused(fy, people):
    data = fill([project_row(strategies=None, indicators=None), project_row(strategies=None, indicators=None)])
    result = import_plan(data, fiscal_year=fy)
    assert codes(result) == [(PROJECTS_SHEET, 4, "A", "code", "duplicate")]
    assert counts() == (0, 0, 0)


def test_every_problem_of_the_file_is_reported_at_once(fy, policy_tree, people):
    data = fill(
        [project_row(group="NOPE", budget_obec=-5), project_row(code="P02", status="cancelled"),
         project_row(code="P03", start_date="x")],
        [activity_row(project_code="P99"), activity_row(quarters="7")],
    )
    result = import_plan(data, fiscal_year=fy)
    assert codes(result) == [
        (PROJECTS_SHEET, 3, "D", "group", "unknown_group"),
        (PROJECTS_SHEET, 3, "K", "budget_obec", "negative"),
        (PROJECTS_SHEET, 4, "O", "cancel_reason", "reason_required"),
        (PROJECTS_SHEET, 5, "I", "start_date", "bad_date"),
        (ACTIVITIES_SHEET, 3, "A", "project_code", "unknown_project"),
        (ACTIVITIES_SHEET, 4, "D", "quarters", "bad_quarter"),
    ]
    assert str(result.errors[0]).startswith(f"{PROJECTS_SHEET}!D3 [unknown_group] ")
    assert counts() == (0, 0, 0)


def test_a_flood_of_errors_is_cut_short_with_a_count(fy, people, monkeypatch):
    monkeypatch.setattr("projects.planbook.reader.MAX_ERRORS", 2)
    rows = [project_row(code=f"P{i}", group="NOPE", strategies=None, indicators=None) for i in range(4)]
    result = import_plan(fill(rows), fiscal_year=fy)
    assert [e.code for e in result.errors] == ["unknown_group", "unknown_group", "too_many_errors"]
    assert "2" in result.errors[-1].message


def test_errors_are_messages_in_the_users_language(fy, people):
    from django.utils import translation

    with translation.override("en"):
        result = import_plan(fill([project_row(group="X", strategies=None, indicators=None)]), fiscal_year=fy)
    assert result.errors[0].message == "Unknown group 'X'"


def test_formula_and_error_cells_are_refused(fy, people):
    def formulas(workbook):
        ws = workbook[PROJECTS_SHEET]
        ws["K3"] = "=1000*2"
        ws["B3"].value = "#REF!"
        ws["B3"].data_type = "e"

    result = import_plan(fill([project_row(strategies=None, indicators=None)], edit=formulas), fiscal_year=fy)
    assert codes(result) == [(PROJECTS_SHEET, 3, "B", "name", "formula"),
                             (PROJECTS_SHEET, 3, "K", "budget_obec", "formula")]
    assert counts() == (0, 0, 0)


def test_a_missing_required_column_or_sheet_is_reported(fy, people):
    def damage(workbook):
        workbook[PROJECTS_SHEET]["D2"] = "groups"
        del workbook[ACTIVITIES_SHEET]

    result = import_plan(fill([project_row(strategies=None, indicators=None)], edit=damage), fiscal_year=fy)
    assert [(e.sheet, e.key, e.code) for e in result.errors] == [
        (ACTIVITIES_SHEET, "", "missing_sheet"), (PROJECTS_SHEET, "group", "missing_column")]
    assert counts() == (0, 0, 0)


def test_a_code_shared_by_a_policy_and_a_strategy_needs_its_kind(fy, policy_tree, people):
    from plans.models import PlanItem

    PlanItem.objects.create(fiscal_year=fy, kind=PlanItem.Kind.STRATEGY, code="P1", name="กลยุทธ์ P1")
    result = import_plan(fill([project_row(strategies="P1", indicators=None)]), fiscal_year=fy)
    assert [e.code for e in result.errors] == ["ambiguous_strategy"]
    result = import_plan(fill([project_row(strategies="policy:P1", indicators=None)]), fiscal_year=fy)
    assert result.ok
    assert Project.objects.get().strategies.get().kind == PlanItem.Kind.POLICY


# --- exporting -------------------------------------------------------------------------------


def _plan_in_database(fy, people, policy_tree):
    data = fill(
        [project_row(), project_row(code="P02", name="=HYPERLINK(\"http://evil\")", group="SUP", status="cancelled",
                                    cancel_reason="งบไม่ได้รับจัดสรร", budget_obec=0.1, budget_office=999999999.99,
                                    strategies="S2", indicators="IND01=12.5; IND02", owners=None,
                                    start_date=None, end_date=None)],
        [activity_row(no=2, name="สอง"), activity_row(no=1, name="หนึ่ง", responsible="คุณครูสมหญิง"),
         activity_row(project_code="P02", no=3, quarters=None, budget=0.01, responsible=None)],
    )
    result = import_plan(data, fiscal_year=fy)
    assert result.ok, codes(result)


def test_export_then_import_round_trips_without_changes(fy, policy_tree, people):
    _plan_in_database(fy, people, policy_tree)
    before = snapshot(fy)
    exported = to_bytes(export_plan(fy, Project.objects.all()))
    result = import_plan(exported, fiscal_year=fy)
    assert result.errors == []
    assert (result.created, result.updated, result.unchanged, result.activities_deleted) == (0, 0, 2, 0)
    assert snapshot(fy) == before


def test_export_lists_projects_by_code_and_activities_by_project_and_number(fy, policy_tree, people):
    _plan_in_database(fy, people, policy_tree)
    workbook = load_workbook(to_bytes(export_plan(fy, Project.objects.all())))
    projects = workbook[PROJECTS_SHEET]
    assert [projects.cell(row=r, column=1).value for r in (3, 4)] == ["P01", "P02"]
    assert projects["B4"].value == "=HYPERLINK(\"http://evil\")"
    assert projects["B4"].data_type == "s"  # text, never a formula
    assert projects["K3"].value == 125000.5
    assert projects["I3"].is_date
    assert projects["Q4"].value == "IND01=12.5; IND02"
    activities = workbook[ACTIVITIES_SHEET]
    assert [(r[0], r[1], r[2]) for r in activities.iter_rows(min_row=3, values_only=True)] == [
        ("P01", 1, "หนึ่ง"), ("P01", 2, "สอง"), ("P02", 3, "ประชุมเชิงปฏิบัติการ")]
    assert projects.row_dimensions[2].hidden and projects.freeze_panes == "A3"


def test_export_contains_only_the_projects_given(fy, policy_tree, people, owner):
    _plan_in_database(fy, people, policy_tree)
    workbook = load_workbook(to_bytes(export_plan(fy, Project.objects.visible_to(owner))))
    assert [r[0] for r in workbook[PROJECTS_SHEET].iter_rows(min_row=3, values_only=True)] == ["P01"]
    assert {r[0] for r in workbook[ACTIVITIES_SHEET].iter_rows(min_row=3, values_only=True)} == {"P01"}
