"""The plan workbook's eMENSCR columns and the reference-list workbook: all or nothing, refusals named by row and
column in Thai."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from emenscr import linkage
from emenscr.models import ActivityPlan, LinkageItem, ProjectData
from projects.models import Project
from projects.planbook import export_plan, import_plan

from ..projects.planbook.conftest import activity_row, fill, policy_tree, project_row, to_bytes  # noqa: F401

MONTHS = {f"plan_m{m:02d}": 0 for m in range(1, 13)}


def plan_months(**amounts):
    return {**MONTHS, **amounts}


@pytest.fixture
def rows(policy_tree, starter, promo_group, owner):
    project = project_row(emenscr_kind="โครงการ", emenscr_novelty="new", emenscr_province="ตาก",
                          link_master_plan="12", link_sub_plan="120101", link_sdg="SDG4",
                          budget_category="งบลงทุน")
    activity = activity_row(budget=50000, **plan_months(plan_m01=20000, plan_m04="30,000"))
    return project, activity


@pytest.mark.django_db
def test_the_plan_workbook_imports_the_emenscr_columns(fy, rows, office):
    with translation.override("th"):
        result = import_plan(fill([rows[0]], [rows[1]], office=office), fiscal_year=fy)
    assert result.ok, [str(e) for e in result.errors]
    data = ProjectData.objects.get()
    assert (data.kind, data.novelty, data.province) == ("project", "new", "ตาก")
    assert (data.master_plan.code, data.sub_plan.code, data.sdg.code) == ("12", "120101", "SDG4")
    assert Project.objects.get().budget_category == "investment"
    assert ActivityPlan.objects.get().amounts[:4] == [Decimal("20000"), 0, 0, Decimal("30000")]


@pytest.mark.django_db
def test_the_export_round_trips_the_emenscr_columns(fy, rows, office):
    import_plan(fill([rows[0]], [rows[1]], office=office), fiscal_year=fy)
    workbook = load_workbook(to_bytes(export_plan(fy, Project.objects.all())))
    ws = workbook["โครงการ"]
    keys = [c.value for c in ws[2]]
    values = dict(zip(keys, [c.value for c in ws[3]], strict=True))
    assert (values["link_sub_plan"], values["link_sdg"], values["emenscr_province"]) == ("120101", "SDG4", "ตาก")
    activities = workbook["กิจกรรม"]
    akeys = [c.value for c in activities[2]]
    avalues = dict(zip(akeys, [c.value for c in activities[3]], strict=True))
    assert avalues["plan_m01"] == 20000 and avalues["plan_m04"] == 30000
    ProjectData.objects.all().delete()
    assert import_plan(to_bytes(workbook), fiscal_year=fy).ok
    assert ProjectData.objects.get().sub_plan.code == "120101"


@pytest.mark.django_db
def test_an_unknown_linkage_code_refuses_the_whole_file(fy, rows, office):
    other = project_row(code="P02", link_sub_plan="999999")
    with translation.override("th"):
        result = import_plan(fill([rows[0], other], [rows[1]], office=office), fiscal_year=fy)
    (error,) = result.errors
    assert (error.sheet, error.row, error.code) == ("โครงการ", 4, "unknown_linkage")
    assert error.column and "999999" in error.message and "แผนย่อย" in error.message
    assert not Project.objects.exists() and not ProjectData.objects.exists()


@pytest.mark.django_db
def test_a_monthly_plan_that_does_not_add_up_refuses_the_whole_file(fy, rows, office):
    bad = activity_row(no=2, budget=10000, **plan_months(plan_m01=5000))
    with translation.override("th"):
        result = import_plan(fill([rows[0]], [rows[1], bad], office=office), fiscal_year=fy)
    (error,) = result.errors
    assert (error.sheet, error.row, error.code, error.key) == ("กิจกรรม", 4, "monthly_total", "plan_m12")
    assert "5,000.00" in error.message and "10,000.00" in error.message
    assert not Project.objects.exists() and not ActivityPlan.objects.exists()


@pytest.mark.django_db
def test_the_web_import_names_row_and_column_in_thai(client, planning, fy, rows, office):
    client.force_login(planning)
    bad = activity_row(no=2, budget=10000, **plan_months(plan_m01=5000))
    upload = fill([rows[0]], [rows[1], bad], office=office)
    upload.name = "plan.xlsx"
    response = client.post(reverse("planbook:import", args=[2569]), {"file": upload})
    page = response.content.decode()
    assert response.status_code == 400 and not Project.objects.exists()
    assert "plan_m12" in page and "แผนรายเดือนรวม 5,000.00" in page


def _list_file(rows):
    return to_bytes(linkage.template(rows))


@pytest.mark.django_db
def test_the_reference_list_import_is_all_or_nothing(client, planning, office):
    client.force_login(planning)
    good = [("sdg", "SDG4", "การศึกษาที่มีคุณภาพ", ""), ("แผนย่อย", "120101", "การปฏิรูปกระบวนการเรียนรู้", "12")]
    bad = good + [("ระดับแปลก", "X", "x", ""), ("sdg", "SDG4", "ซ้ำ", "")]
    response = client.post(reverse("emenscr:lists_import"), {"file": _list_file(bad)})
    page = response.content.decode()
    assert response.status_code == 400 and not LinkageItem.objects.exists()
    assert "รายการอ้างอิง!A5" in page and "ไม่รู้จักระดับ" in page and "รายการอ้างอิง!B6" in page
    response = client.post(reverse("emenscr:lists_import"), {"file": _list_file(good)})
    assert response.status_code == 302
    assert set(LinkageItem.objects.filter(office=office).values_list("level", "code")) == {
        ("sdg", "SDG4"), ("sub_plan", "120101")}


@pytest.mark.django_db
def test_a_file_that_is_not_a_workbook_is_refused(client, planning):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(planning)
    response = client.post(reverse("emenscr:lists_import"), {"file": SimpleUploadedFile("x.xlsx", b"not a zip")})
    assert response.status_code == 400 and not LinkageItem.objects.exists()


@pytest.mark.django_db
def test_the_shipped_starter_list_is_valid_and_loads_twice_the_same(db):
    first = linkage.load_starter(office=None)
    assert first[0] > 30 and linkage.load_starter(office=None) == (0, 0)
    levels = set(LinkageItem.objects.values_list("level", flat=True))
    assert levels == set(LinkageItem.Level.values)
