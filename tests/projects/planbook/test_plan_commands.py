"""The plan workbook commands: thin wrappers that print counts or every problem and exit 1."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation
from openpyxl import load_workbook

from accounts.models import Office
from projects.models import Project
from projects.planbook.columns import LISTS_SHEET, PROJECTS_SHEET

from ...factories import OfficeFactory
from .conftest import activity_row, fill, project_row

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(planning, owner, promo_group, sup_group):
    return planning


def write(tmp_path, data, name="plan.xlsx"):
    path = tmp_path / name
    path.write_bytes(data.getvalue())
    return str(path)


def run(*args):
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_export_plan_template_writes_a_workbook_with_the_offices_groups(tmp_path, office, staff):
    path = str(tmp_path / "template.xlsx")
    run("export_plan_template", "-o", path, "--office", office.code)
    workbook = load_workbook(path)
    assert PROJECTS_SHEET in workbook.sheetnames
    assert "กลุ่มส่งเสริมการจัดการศึกษา" in [c.value for c in workbook[LISTS_SHEET]["C"]]


def test_unknown_office_is_a_clear_error(tmp_path, office):
    with pytest.raises(CommandError, match="NOPE"):
        run("export_plan_template", "-o", str(tmp_path / "t.xlsx"), "--office", "NOPE")


def test_import_plan_prints_the_counts(tmp_path, fy, staff):
    path = write(tmp_path, fill([project_row(strategies=None, indicators=None)], [activity_row()]))
    with translation.override("en"):
        out, err = run("import_plan", path, "--fy", "2569", "--office", fy.office.code)
    assert out.startswith("1 project(s) created, 0 updated, 0 unchanged; 1 activities imported")
    assert err == ""
    assert Project.objects.get().activities.count() == 1


def test_import_plan_lists_every_problem_and_exits_1(tmp_path, fy, staff):
    path = write(tmp_path, fill([project_row(group="NOPE", budget_obec=-1, strategies=None, indicators=None)]))
    err = StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("import_plan", path, "--fy", "2569", stdout=StringIO(), stderr=err)
    assert raised.value.returncode == 1
    lines = err.getvalue().splitlines()
    assert [line.split(" ")[:2] for line in lines] == [
        [f"{PROJECTS_SHEET}!D3", "[unknown_group]"], [f"{PROJECTS_SHEET}!K3", "[negative]"]]
    assert not Project.objects.exists()


def test_import_plan_dry_run_saves_nothing(tmp_path, fy, staff):
    path = write(tmp_path, fill([project_row(strategies=None, indicators=None)]))
    run("import_plan", path, "--fy", "2569", "--dry-run")
    assert not Project.objects.exists()


def test_import_plan_refuses_a_file_that_is_not_a_workbook(tmp_path, fy):
    path = tmp_path / "plan.csv"
    path.write_text("code,name\n")
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import_plan", str(path), "--fy", "2569", stdout=StringIO(), stderr=err)
    assert "[not_xlsx]" in err.getvalue()


def test_import_plan_reports_a_missing_file(tmp_path, fy):
    with pytest.raises(CommandError):
        run("import_plan", str(tmp_path / "missing.xlsx"), "--fy", "2569")


@pytest.mark.parametrize("year", ["2570", "2026", "abc"])
def test_a_fiscal_year_that_does_not_exist_is_a_clear_error(tmp_path, fy, year):
    with pytest.raises(CommandError):
        run("export_plan", "--fy", year, "-o", str(tmp_path / "plan.xlsx"))


def test_export_plan_then_import_plan_round_trips(tmp_path, fy, staff):
    path = write(tmp_path, fill([project_row(strategies=None, indicators=None)], [activity_row()]))
    run("import_plan", path, "--fy", "2569")
    exported = str(tmp_path / "exported.xlsx")
    run("export_plan", "--fy", "2569", "-o", exported, "--office", fy.office.code)
    assert load_workbook(exported)[PROJECTS_SHEET]["A3"].value == "P01"
    run("import_plan", exported, "--fy", "2569")
    assert Project.objects.count() == 1


def test_commands_use_the_default_office_setting_then_the_first_service_area_office(tmp_path, fy, settings):
    obec = Office.objects.create(code="OBEC", name="สพฐ.", kind=Office.Kind.OBEC)
    assert obec.pk > fy.office.pk
    settings.TIDTAM_DEFAULT_OFFICE = ""
    run("export_plan", "--fy", "2569", "-o", str(tmp_path / "a.xlsx"))  # the first สพป./สพม. is ours
    other = OfficeFactory(code="SPM99", kind=Office.Kind.SECONDARY)
    settings.TIDTAM_DEFAULT_OFFICE = other.code
    with pytest.raises(CommandError, match="2569"):
        run("export_plan", "--fy", "2569", "-o", str(tmp_path / "b.xlsx"))
    settings.TIDTAM_DEFAULT_OFFICE = "GONE"
    with pytest.raises(CommandError, match="GONE"):
        run("export_plan", "--fy", "2569", "-o", str(tmp_path / "c.xlsx"))
