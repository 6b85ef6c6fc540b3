"""Excel compilations from the dashboard and the command line."""

from datetime import date
from decimal import Decimal
from io import BytesIO, StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from projects import workflow
from projects.models import QuarterlyReport
from reporting import figures
from reporting.excel import compile as compilations

from ..conftest import make_project, submit_q1

AFTER_Q1 = date(2026, 1, 20)


@pytest.fixture
def year_data(fy, promo_group, sup_group, owner, other_owner, finance):
    a = make_project(fy, promo_group, "P-A", owners=[owner])
    report = submit_q1(a, owner)
    QuarterlyReport.objects.filter(pk=report.pk).update(problems="=HYPERLINK(\"http://evil\")", outputs="อบรม 45 คน")
    make_project(fy, sup_group, "P-C", owners=[other_owner])
    workflow.record_disbursement(project=a, quarter=fy.quarters.get(number=1), amount=Decimal("1234.5"),
                                 by=finance)
    return fy


def rows(workbook_bytes, sheet=0):
    workbook = load_workbook(BytesIO(workbook_bytes))
    ws = workbook.worksheets[sheet]
    return [[cell.value for cell in row] for row in ws.iter_rows(min_row=4)], ws


def saved(workbook) -> bytes:
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.mark.django_db
def test_progress_lists_every_project_and_keeps_formula_text_as_text(year_data):
    data, ws = rows(saved(compilations.progress(figures.year(year_data, today=AFTER_Q1), 1)))
    header, *body = data
    assert header[0] == "รหัสโครงการ" and [row[0] for row in body] == ["P-A", "P-C"]
    p_a = dict(zip(header, body[0]))
    assert p_a["สถานะ"] == "ส่งแล้ว" and p_a["ผลผลิต (Output)"] == "อบรม 45 คน"
    assert p_a["ปัญหาอุปสรรค"] == '=HYPERLINK("http://evil")'
    problems_cell = next(c for c in ws[5] if c.value == '=HYPERLINK("http://evil")')
    assert problems_cell.data_type == "s"
    assert dict(zip(header, body[1]))["สถานะ"] == "ยังไม่เริ่ม"


@pytest.mark.django_db
def test_budget_and_indicator_workbooks(year_data):
    year = figures.year(year_data, today=AFTER_Q1)
    data, _ws = rows(saved(compilations.budget(year)))
    header, *body = data
    assert body[0][:4] == ["P-A", "โครงการ P-A", body[0][2], 100000.5] and body[0][4] == 1234.5
    workbook = load_workbook(BytesIO(saved(compilations.indicators(year))))
    assert [ws.title for ws in workbook.worksheets] == ["ตัวชี้วัด", "รายโครงการ"]


@pytest.mark.django_db
def test_budget_workbook_by_category(year_data):
    from projects.models import Project

    Project.objects.filter(code="P-A").update(budget_category=Project.BudgetCategory.INVESTMENT)
    year = figures.year(year_data, today=AFTER_Q1)
    workbook = saved(compilations.budget(year))
    data, _ws = rows(workbook)
    header, *body = data
    assert body[0][-1] == "งบลงทุน" and body[1][-1] == "งบดำเนินงาน/งบประจำ"  # P-C has none: operating
    data, ws = rows(workbook, sheet=2)
    assert ws.title == "ตามประเภทงบประมาณ"
    header, *body = data
    capital_q1 = next(row for row in body if row[0] == "งบลงทุน" and row[2] == 1)
    assert capital_q1[1] == 100000.5 and capital_q1[3] == 1234.5 and capital_q1[4] == 1234.5


@pytest.mark.django_db
def test_dashboard_buttons_export_only_what_the_viewer_sees(client, year_data, owner, planning,
                                                            django_assert_max_num_queries):
    client.force_login(owner)
    response = client.get(reverse("reporting:export", args=["progress"]), {"fy": 2569, "q": 1})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    data, _ws = rows(response.content)
    assert [row[0] for row in data[1:]] == ["P-A"]
    assert client.get(reverse("reporting:export", args=["secrets"])).status_code == 404
    client.force_login(planning)
    for n in range(20):
        make_project(year_data, planning.work_groups.first(), f"X-{n:02d}")
    with django_assert_max_num_queries(22):
        assert client.get(reverse("reporting:export", args=["budget"]), {"fy": 2569}).status_code == 200


@pytest.mark.django_db
def test_command_writes_the_workbook(year_data, tmp_path, office):
    target = tmp_path / "indicators.xlsx"
    out = StringIO()
    call_command("export_compilation", "--fy", "2569", "--kind", "indicators", "-o", str(target),
                 "--office", office.code, stdout=out)
    assert load_workbook(target).worksheets[0].title == "ตัวชี้วัด" and "2 projects" in out.getvalue()


@pytest.mark.django_db
def test_indicator_values_take_their_units_decimals(year_data, strategy, client, planning, monkeypatch):
    from plans.models import Indicator
    from projects.models import Project

    project = Project.objects.get(code="P-A")
    for code, unit, target in (("KPI07", "คน", "800"), ("KPI01", "ร้อยละ", "90")):
        indicator = Indicator.objects.create(fiscal_year=year_data, plan_item=strategy, code=code, name=code,
                                             unit=unit, target_value=Decimal(target))
        project.indicator_targets.create(indicator=indicator, target_value=Decimal(target))
    year = figures.year(year_data, today=AFTER_Q1)
    data, ws = rows(saved(compilations.indicators(year)))
    formats = {row[0].value: row[3].number_format for row in ws.iter_rows(min_row=5) if row[0].value}
    assert formats == {"KPI07": "#,##0", "KPI01": "#,##0.00"}  # not "800." (#,##0.##) for a count
    _data, detail = rows(saved(compilations.indicators(year)), sheet=1)
    assert sorted(row[3].number_format for row in detail.iter_rows(min_row=5)) == ["#,##0", "#,##0.00"]
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: AFTER_Q1)
    client.force_login(planning)
    page = client.get(reverse("reporting:dashboard"), {"fy": 2569}).content.decode()
    assert '>800 <span class="small text-muted">คน</span>' in page and "800.00" not in page
    assert '>90.00 <span class="small text-muted">ร้อยละ</span>' in page
