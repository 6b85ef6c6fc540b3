"""M7 figures come from the approved quarterly form and finance's disbursements; the sheets and commands."""

from decimal import Decimal
from io import BytesIO, StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from emenscr import exports
from emenscr.fields import Book, State
from emenscr.stages import stages_for
from projects.models import ActivityProgress, Disbursement, IndicatorResult, Project, QuarterlyReport


@pytest.fixture
def approved_q2(project, fy, finance):
    quarters = {q.number: q for q in fy.quarters.all()}
    report = QuarterlyReport.objects.create(project=project, quarter=quarters[2], state="approved",
                                            outputs="โรงเรียน 20 แห่งได้รับการนิเทศ", problems="งบประมาณล่าช้า")
    activity = project.activities.get()
    ActivityProgress.objects.create(report=report, activity=activity, status="in_progress", percent=60)
    IndicatorResult.objects.create(report=report, target=project.indicator_targets.get(), value=Decimal("75.5"))
    Disbursement.objects.create(project=project, quarter=quarters[1], amount=Decimal("12000.25"), entered_by=finance)
    Disbursement.objects.create(project=project, quarter=quarters[2], amount=Decimal("18000"), entered_by=finance)
    Disbursement.objects.create(project=project, quarter=quarters[3], amount=Decimal("999"), entered_by=finance)
    return report


def m7(fy):
    return next(s for s in stages_for(fy) if s.code == "M7")


def sheet_rows(content):
    ws = load_workbook(BytesIO(content)).active
    rows = list(ws.iter_rows(values_only=True))
    header = rows[3]
    return [dict(zip(header, r, strict=True)) for r in rows[4:]]


@pytest.mark.django_db
def test_m7_figures_equal_the_approved_form_and_finance(client, planning, approved_q2, fy, project):
    client.force_login(planning)
    response = client.get(reverse("emenscr:export"), {"fy": 2569, "stage": "M7", "round": 2})
    assert response.status_code == 200
    (row,) = sheet_rows(response.content)
    assert row["ผลการเบิกจ่ายสะสม (บาท)"] == 30000.25  # Q1 + Q2, not Q3
    assert row["สถานะและร้อยละความก้าวหน้าของกิจกรรม"] == "1. กำลังดำเนินการ 60%"
    assert "KPI01 = 75.5" in [v for v in row.values() if isinstance(v, str) and "KPI01" in v][0]
    assert row["ผลผลิต (Output)"] == "โรงเรียน 20 แห่งได้รับการนิเทศ"
    assert row["ปัญหาอุปสรรค"] == "งบประมาณล่าช้า"
    assert row["รหัสโครงการ"] == "P01" and row["ข้อมูลที่ยังขาด"] in (None, "")


@pytest.mark.django_db
def test_m7_is_ready_only_when_the_form_is_approved_unless_the_office_accepts_submitted(approved_q2, fy, project):
    book = Book(fy, Project.objects.all())
    assert book.status(book.projects[0], m7(fy), 2).state == State.READY
    assert book.status(book.projects[0], m7(fy), 1).state == State.NOT_READY
    QuarterlyReport.objects.filter(pk=approved_q2.pk).update(state="submitted")
    book = Book(fy, Project.objects.all())
    assert book.status(book.projects[0], m7(fy), 2).state == State.NOT_READY
    stage = m7(fy)
    stage.progress_needs = "submitted"
    assert book.status(book.projects[0], stage, 2).state == State.READY


@pytest.mark.django_db
def test_project_data_sheet_has_thai_headers_be_dates_and_two_decimal_money(fy, project):
    book = Book(fy, Project.objects.all())
    stage = next(s for s in stages_for(fy) if s.code == "M1")
    buffer = BytesIO()
    exports.stage_workbook(book, stage, 1).save(buffer)
    (row,) = sheet_rows(buffer.getvalue())
    assert any(isinstance(v, str) and "1 พ.ย. 2568 – 30 ก.ย. 2569" in v for v in row.values())
    stage3 = next(s for s in stages_for(fy) if s.code == "M3")
    buffer = BytesIO()
    exports.stage_workbook(book, stage3, 1).save(buffer)
    assert sheet_rows(buffer.getvalue())[0]["งบประมาณ (บาท)"] == 100000.5
    ws = load_workbook(BytesIO(buffer.getvalue())).active
    assert [c.number_format for c in ws[5] if c.value == 100000.5] == ["#,##0.00"]


@pytest.mark.django_db
def test_text_that_looks_like_a_formula_stays_text(fy, project):
    Project.objects.filter(pk=project.pk).update(objectives="=HYPERLINK(\"x\")")
    book = Book(fy, Project.objects.all())
    stage = next(s for s in stages_for(fy) if s.code == "M1")
    buffer = BytesIO()
    exports.stage_workbook(book, stage, 1).save(buffer)
    ws = load_workbook(BytesIO(buffer.getvalue())).active
    cells = [c for r in ws.iter_rows() for c in r if c.value == "=HYPERLINK(\"x\")"]
    assert cells and all(c.data_type == "s" for c in cells)


@pytest.mark.django_db
def test_commands_write_the_sheet_and_the_status_lines(tmp_path, approved_q2, project):
    out = StringIO()
    target = tmp_path / "m7.xlsx"
    call_command("export_emenscr", "--fy", "2569", "--stage", "M7", "--quarter", "2", "-o", str(target), stdout=out)
    (row,) = sheet_rows(target.read_bytes())
    assert row["ผลการเบิกจ่ายสะสม (บาท)"] == 30000.25
    out = StringIO()
    call_command("emenscr_status", "--fy", "2569", "--stage", "M7", "--quarter", "1", stdout=out)
    assert out.getvalue().split("\t")[:5] == ["SPM12", "P01", "M7", "1", "not_ready"]
    assert "แบบติดตามรายไตรมาส" in out.getvalue()


@pytest.mark.django_db
def test_summary_report_counts_keyed_and_renders_pdf(client, planning, project, fy):
    client.force_login(planning)
    client.post(reverse("emenscr:mark"), {"fy": 2569, "stage": "M1", "round": 1, "project": [project.pk],
        f"version-{project.pk}": 0,
                                          "reference": "EM-1"})
    rows = exports.summary(Book(fy, Project.objects.all()), stages_for(fy),
                           __import__("datetime").date(2026, 2, 1))
    m1 = [r for r in rows if r.stage.code == "M1" and r.round == 1]
    assert [(r.projects, r.keyed, r.not_keyed) for r in m1] == [(1, 1, 0)]
    assert m1[0].late == 1  # keyed today, after the first window closed on 20 ธ.ค. 2568
    response = client.get(reverse("emenscr:summary", args=["pdf"]), {"fy": 2569})
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
