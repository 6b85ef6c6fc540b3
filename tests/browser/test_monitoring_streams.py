"""Issue 17's "Done when", walked in Chromium as a new user would: planning enters a capital-budget project (with
an investment activity), sets FY 2569 to forms in Q3–Q4 only and sees Q1–Q2 vanish from the dashboard's matrix and
from the reminders; the dashboard shows the capital category against the capital target; planning records a
monitoring meeting, downloads the round's ZIP for OBEC (looked inside) and records the sending; the ก.ต.ป.น.
edition's pages hold the monitoring part (pdftotext); ``send_reminders --dry-run`` on a day before a calendar
activity and a round's due date lists each once. Screenshots at 1366 and 375 px go to /tmp/shots-monitor2/."""

import os
import shutil
import subprocess
import zipfile
from datetime import date, timedelta
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from inspections import workflow as inspection_workflow
from inspections.models import Assignment, MonitoringMeeting, MonitoringResult, MonitoringRound, RoundSending
from plans.lib.workdays import shift_working_days
from plans.models import CalendarActivity, DisbursementTarget
from plans.services import holiday_dates
from projects import workflow as project_workflow
from projects.models import Project
from reporting.models import AnnualReport

from ..conftest import need
from ..inspections.test_monitoring_records import approve_all
from .test_inspections import as_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(os.getenv("TIDTAM_SHOTS", "/tmp/shots-monitor2"))
TODAY = date(2026, 4, 20)  # FY 2569, early Q3: Q1 and Q2 forms were due already
ROUND_DUE = date(2026, 9, 10)


def shoot(page, name):
    """The page at 1366 px and at 375 px (a phone), full length."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width, height in ((1366, 900), (375, 800)):
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1366, "height": 900})


def dry_run(day: date) -> str:
    out = StringIO()
    call_command("send_reminders", "--dry-run", "--today", day.isoformat(), stdout=out)
    return out.getvalue()


@pytest.fixture
def walk(fy, indicator, owner, promo_group, planning, director, group_head, settings, monkeypatch):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.TIDTAM_PDF_WORKERS = 1
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: TODAY)
    for budget_type, by_quarter in (("overall", (20, 45, 70, 100)), ("current", (22, 48, 72, 100)),
                                    ("capital", (10, 30, 60, 100))):
        for number, percent in enumerate(by_quarter, start=1):
            DisbursementTarget.objects.update_or_create(fiscal_year=fy, budget_type=budget_type, quarter=number,
                                                        defaults={"cumulative_percent": Decimal(percent)})
    Assignment.objects.create(fiscal_year=fy, indicator=indicator, responsible=owner, group=promo_group)
    monitoring_round = inspection_workflow.open_monitoring_round(fy, by=planning, title="ติดตามนโยบาย รอบ 6 เดือน",
                                                                 due_date=date(2026, 4, 10))
    approve_all(monitoring_round, owner, planning, director)
    return monitoring_round


def test_issue_17_done_when(browser, live_server, walk, fy, planning, owner, finance, promo_group, group_head,
                            office, tmp_path):
    url = live_server.url
    context, page = as_user(browser, live_server, planning)

    # A capital-budget project, one of its activities named investment explicitly, the other left to the project.
    page.goto(f"{url}/projects/new/2569/")
    page.fill("#id_code", "P-CAP")
    page.fill("#id_name", "โครงการปรับปรุงห้องปฏิบัติการวิทยาศาสตร์")
    page.select_option("#id_group", str(promo_group.pk))
    page.select_option("#id_owners", [str(owner.pk)])
    page.fill("#id_budget_obec", "200000")
    page.select_option("#id_budget_category", "investment")
    page.fill("input[name='activities-0-order']", "1")
    page.fill("input[name='activities-0-name']", "จัดซื้อครุภัณฑ์วิทยาศาสตร์")
    page.fill("input[name='activities-0-budget']", "150000")
    page.select_option("select[name='activities-0-budget_category']", "investment")
    page.fill("input[name='activities-1-order']", "2")
    page.fill("input[name='activities-1-name']", "ปรับปรุงห้องปฏิบัติการ")
    page.fill("input[name='activities-1-budget']", "50000")
    shoot(page, "01-project-form")
    page.click("form button[type=submit].btn-primary")
    page.wait_for_load_state("networkidle")
    project = Project.objects.get(code="P-CAP")
    assert project.budget_category == "investment" and project.total_budget == Decimal("200000")
    assert list(project.activities.values_list("budget_category", flat=True)) == ["investment", ""]
    assert "งบลงทุน" in page.inner_text("#activities")
    project_workflow.record_disbursement(project=project, quarter=fy.quarters.get(number=2),
                                         amount=Decimal("50000"), by=finance)

    # Before the setting, a day before Q1's due date reminds the owner of the Q1 form.
    assert owner.email in dry_run(date(2026, 1, 7))

    # FY 2569 asks for forms in Q3 and Q4 only.
    page.goto(f"{url}/plans/2569/")
    page.uncheck("input[name=form_quarters][value='1']")
    page.uncheck("input[name=form_quarters][value='2']")
    page.click("form[action$='/settings/'] button[type=submit]")
    page.wait_for_load_state("networkidle")
    fy.refresh_from_db()
    assert fy.form_quarters == [3, 4]
    assert owner.email not in dry_run(date(2026, 1, 7))  # Q1 has no form: no reminder

    page.goto(f"{url}/reporting/?fy=2569")
    heads = page.locator("#completeness thead th").all_inner_texts()
    assert len(heads) == 3 and "ไตรมาส 3" in heads[1] and "ไตรมาส 4" in heads[2]
    assert not any("ไตรมาส 1" in h or "ไตรมาส 2" in h for h in heads)
    # The capital category against the capital target: 50,000 of 200,000 = 25 % against 60 % by Q3.
    capital = page.inner_text("#budget-categories tr[data-category=investment]")
    assert "200,000.00" in capital and "50,000.00" in capital and "25.00%" in capital and "60.00%" in capital
    shoot(page, "02-dashboard")

    # The monitoring meeting (step 3), recorded and listed on the round.
    page.goto(f"{url}/inspections/monitoring/rounds/{walk.pk}/")
    page.click("#meeting-new")
    page.wait_for_load_state("networkidle")
    page.select_option("#id_kind", "briefing")
    page.fill("#id_date", "02/03/2569")
    page.fill("#id_attendees", "นายสมชาย ใจดี ผู้อำนวยการ\nนางสาวพิมพ์ชนก วงศ์ใหญ่ นักวิเคราะห์นโยบายและแผน")
    page.fill("#id_minutes", "ชี้แจงแนวทางการติดตามนโยบายและตัวชี้วัด")
    page.fill("#id_decisions", "มอบหมายผู้รับผิดชอบตัวชี้วัดตามคำสั่ง")
    shoot(page, "03-meeting-form")
    page.click("#meeting-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    meeting = MonitoringMeeting.objects.get()
    assert meeting.date == date(2026, 3, 2) and page.url.endswith(f"/monitoring/meetings/{meeting.pk}/")
    shoot(page, "04-meeting")

    # Sending to OBEC: the ZIP, looked inside, then the sending recorded.
    page.goto(f"{url}/inspections/monitoring/rounds/{walk.pk}/")
    assert page.locator("#meeting-list a").count() == 1
    with page.expect_download() as got:
        page.click("#obec-zip")
    path = tmp_path / "obec.zip"
    got.value.save_as(path)
    with zipfile.ZipFile(path) as archive:
        assert archive.testzip() is None
        assert archive.namelist() == ["แบบรายงาน.pdf", "index.xlsx", "หลักฐาน/KPI01/สรุปผล.pdf"]
        assert archive.open("แบบรายงาน.pdf").read(5) == b"%PDF-"
    page.fill("#id_sent_on", "20/04/2569")
    page.fill("#id_letter_number", "ศธ 04123/456")
    page.select_option("#id_sent_by", str(planning.pk))
    page.click("#sending-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "ศธ 04123/456" in page.inner_text("#sending-record")
    assert RoundSending.objects.get().letter_number == "ศธ 04123/456"
    shoot(page, "05-round-sent")

    # The ก.ต.ป.น. edition's pages hold the monitoring part.
    page.goto(f"{url}/reporting/annual/?fy=2569")
    page.select_option("#id_audience", "ktpn")
    page.select_option("#id_basis", "approved")
    page.click("#generate-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    page.wait_for_selector("#download")
    shoot(page, "06-ktpn-edition")
    edition = AnnualReport.objects.get()
    response = page.request.get(f"{url}/reporting/annual/{edition.pk}/report.pdf")
    assert response.status == 200 and response.body().startswith(b"%PDF")
    need(shutil.which("pdftotext") is not None, "pdftotext (poppler-utils) is not installed")
    pdf = tmp_path / "ktpn.pdf"
    pdf.write_bytes(response.body())
    text = " ".join(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout.split())
    assert "ผลการติดตามนโยบายและตัวชี้วัด" in text and "ติดตามนโยบาย รอบ 6 เดือน" in text
    assert "อบรมครูครบทุกโรงเรียน" in text
    context.close()

    # A day before a calendar activity starts and a round falls due: each listed once per person.
    holidays = holiday_dates(office, ROUND_DUE - timedelta(days=40), ROUND_DUE + timedelta(days=40))
    CalendarActivity.objects.create(fiscal_year=fy, order=1, title="นิเทศติดตามโครงการตามแผนปฏิบัติการ",
                                    start_date=shift_working_days(ROUND_DUE, 2, holidays),
                                    end_date=ROUND_DUE + timedelta(days=20), responsible_group=promo_group)
    later = MonitoringRound.objects.create(fiscal_year=fy, title="ติดตามนโยบาย รอบ 12 เดือน", due_date=ROUND_DUE,
                                           opened_by=planning)
    MonitoringResult.objects.create(round=later, indicator=walk.results.get().indicator, responsible=owner,
                                    group=promo_group)
    text = dry_run(shift_working_days(ROUND_DUE, -3, holidays))
    lines = [line for line in text.splitlines() if "calendar activity" in line or "monitoring round" in line]
    assert sum("calendar activity" in line for line in lines) == 2  # the group head and planning
    assert sum("monitoring round" in line for line in lines) == 1  # the responsible person
    assert "would send" in text
