"""Issue 16's "Done when", clicked through in Chromium as a new user would.

Planning fills a project's eMENSCR fields (the linkage chain and the monthly plan) and sees it become ready, marks
M1 (and M3) keyed with a reference, changes the budget on the project form and sees "needs update" with what
changed, exports the M7 sheet of quarter 2 and checks its row against the approved quarterly form and finance's
figures, and prints the data-entry summary report. Screenshots at 1366 and 375 px go to /tmp/shots-emenscr2/
(``TIDTAM_EMENSCR_SHOTS`` to change)."""

import os
import re
import subprocess
from datetime import date
from decimal import Decimal
from io import BytesIO
from pathlib import Path

import pytest
from openpyxl import load_workbook

from emenscr import linkage
from emenscr.models import Entry, EntryEvent
from projects.models import ActivityProgress, Disbursement, IndicatorResult, QuarterlyReport

from ..conftest import PASSWORD, make_project
from .conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(os.getenv("TIDTAM_EMENSCR_SHOTS", "/tmp/shots-emenscr2"))


@pytest.fixture
def project(fy, promo_group, owner, strategy, indicator, finance):
    linkage.load_starter(office=None)
    project = make_project(fy, promo_group, "P-2569-16", owners=[owner], objectives="พัฒนาครูด้านการวัดผล",
                           target_groups="ครูโรงเรียนในสังกัด 40 โรง", start_date=date(2025, 11, 1),
                           end_date=date(2026, 9, 30))
    project.name = "โครงการพัฒนาระบบการวัดและประเมินผลการเรียนรู้"
    project.save()
    project.strategies.add(strategy)
    target = project.indicator_targets.create(indicator=indicator, target_value=Decimal("90"))
    quarters = {q.number: q for q in fy.quarters.all()}
    report = QuarterlyReport.objects.create(project=project, quarter=quarters[2], state="approved",
                                            outputs="ครู 40 คนผ่านการอบรม", problems="งบประมาณได้รับจัดสรรล่าช้า")
    ActivityProgress.objects.create(report=report, activity=project.activities.get(), status="in_progress",
                                    percent=70, description="อบรมแล้ว 2 รุ่น")
    IndicatorResult.objects.create(report=report, target=target, value=Decimal("82.5"))
    Disbursement.objects.create(project=project, quarter=quarters[1], amount=Decimal("15000.25"), entered_by=finance)
    Disbursement.objects.create(project=project, quarter=quarters[2], amount=Decimal("20000"), entered_by=finance)
    return project


def shot(page, name):
    """A full-page screenshot at 1366 px, then at 375 px (a phone), back to 1366 after."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}-1366.png"), full_page=True)
    page.set_viewport_size({"width": 375, "height": 800})
    page.wait_for_timeout(100)
    page.screenshot(path=str(SHOTS / f"{name}-375.png"), full_page=True)
    wide = page.evaluate("document.documentElement.scrollWidth")
    page.set_viewport_size({"width": 1366, "height": 900})
    assert wide <= 375, f"{name} scrolls sideways on a phone: {wide} px"


def badge(page, stage):
    return page.locator("#stages tr", has_text=stage).locator(".badge").inner_text().strip()


def download(page, link_text):
    with page.expect_download() as info:
        page.get_by_role("link", name=link_text).click()
    return Path(info.value.path()).read_bytes()


def test_a_project_from_its_emenscr_fields_to_the_summary_report(browser, live_server, project, planning, tmp_path):
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="th-TH", accept_downloads=True)
    page = context.new_page()
    log_in(page, live_server, planning.email, PASSWORD)
    base = live_server.url

    # 1. The project's eMENSCR tab: not ready; the form fills the fields, the linkage chain and the monthly plan.
    page.goto(f"{base}/emenscr/?fy=2569&stage=M1&round=1")
    page.get_by_role("link", name=f"{project.code} {project.name}").click()
    page.wait_for_load_state("networkidle")
    assert badge(page, "M1") == "ยังไม่พร้อม" and badge(page, "M4") == "ยังไม่พร้อม"
    shot(page, "emenscr-01-tab-not-ready")
    page.get_by_role("link", name="แก้ไขข้อมูล eMENSCR").click()
    page.wait_for_load_state("networkidle")
    page.select_option("select[name=kind]", "project")
    page.select_option("select[name=novelty]", "new")
    page.select_option("select[name=budget_category]", "operating")
    page.fill("input[name=province]", "นครศรีธรรมราช")
    page.fill("input[name=district]", "เมืองนครศรีธรรมราช")
    page.fill("input[name=budget_source]", "งบประมาณ สพฐ.")
    page.fill("input[name=output_target]", "40")
    page.fill("input[name=output_unit]", "โรงเรียน")
    page.fill("input[name=outcome_target]", "80")
    page.fill("input[name=outcome_unit]", "ร้อยละ")
    for name, label in (("strategy", "3 "), ("master_plan", "12 "), ("master_target", "120001 "),
                        ("sub_plan", "120101 "), ("sub_target", "120101 "), ("reform", "ED "),
                        ("milestone", "M12 "), ("sdg", "SDG4 ")):
        option = page.locator(f"select[name={name}] option", has_text=label).first.get_attribute("value")
        page.select_option(f"select[name={name}]", option)
    activity = project.activities.get()
    page.fill(f"input[name=a{activity.pk}-m1]", "30000")
    page.fill(f"input[name=a{activity.pk}-m4]", "10000")  # 40,000 of 50,000: refused, nothing saved
    page.get_by_role("button", name="บันทึก").click()
    page.wait_for_load_state("networkidle")
    assert "ไม่เท่ากับงบประมาณของกิจกรรม" in page.content()
    shot(page, "emenscr-02-edit-refused")
    page.fill(f"input[name=a{activity.pk}-m4]", "20000")
    page.get_by_role("button", name="บันทึก").click()
    page.wait_for_load_state("networkidle")
    assert [badge(page, f"M{n}") for n in range(1, 7)] == ["พร้อมนำเข้า"] * 6
    assert "120101" in page.locator("#emenscr-data").inner_text()
    shot(page, "emenscr-03-tab-ready")

    # 2. The copy view of M2 shows the chain in the national screens' order, each with a copy button.
    page.locator("#stages tr", has_text="M2").get_by_role("link", name="หน้าคัดลอก").click()
    page.wait_for_load_state("networkidle")
    assert "120101" in page.locator("#copy-sub_plan").inner_text()
    page.locator("[data-copy=copy-sdg]").click()
    shot(page, "emenscr-04-copy-view")

    # 3. The board: M1 and M3 of round 1 marked keyed with a reference.
    for stage, reference in (("M1", "EM-2569-0016"), ("M3", "EM-2569-0016/3")):
        page.goto(f"{base}/emenscr/?fy=2569&stage={stage}&round=1")
        page.check(f"input[name=project][value='{project.pk}']")
        page.fill("#id_reference", reference)
        page.get_by_role("button", name="บันทึกว่านำเข้าแล้ว").click()
        page.wait_for_load_state("networkidle")
        row = page.locator("#board tbody tr", has_text=project.code)
        assert row.locator(".badge").inner_text().strip() == "นำเข้าแล้ว" and reference in row.inner_text()
    shot(page, "emenscr-05-board-keyed")
    assert EntryEvent.objects.filter(entry__project=project, action="keyed", actor=planning).count() == 2

    # 4. The budget changes on the project form: M3 needs update and says what changed; M1 stays keyed.
    page.goto(f"{base}/projects/{project.pk}/edit/")
    page.fill("input[name=budget_obec]", "120000.50")
    page.locator("form button[type=submit]", has_text="บันทึก").click()
    page.wait_for_load_state("networkidle")
    page.goto(f"{base}/emenscr/?fy=2569&stage=M3&round=1")
    row = page.locator("#board tbody tr", has_text=project.code)
    assert row.locator(".badge").inner_text().strip() == "ต้องปรับปรุง"
    assert "100,000.50 → 120,000.50" in row.inner_text()
    shot(page, "emenscr-06-board-needs-update")
    page.goto(f"{base}/emenscr/?fy=2569&stage=M1&round=1")
    assert page.locator("#board tbody tr", has_text=project.code).locator(".badge").inner_text().strip() == "นำเข้าแล้ว"

    # 5. The entry's history: who keyed, when, with which reference.
    page.locator("#board tbody tr", has_text=project.code).get_by_role("link", name="EM-2569-0016").click()
    page.wait_for_load_state("networkidle")
    history = page.locator("#history").inner_text()
    assert planning.full_name in history and "EM-2569-0016" in history
    shot(page, "emenscr-07-entry-history")

    # 6. The M7 sheet of quarter 2: its row equals the approved form and finance's figures.
    page.goto(f"{base}/emenscr/?fy=2569&stage=M7&round=2")
    assert page.locator("#board tbody tr", has_text=project.code).locator(".badge").inner_text().strip() \
        == "พร้อมนำเข้า"
    content = download(page, "ข้อมูลพร้อมนำเข้า (Excel)")
    rows = list(load_workbook(BytesIO(content)).active.iter_rows(values_only=True))
    header = rows[3]
    (row,) = [dict(zip(header, r, strict=True)) for r in rows[4:]]
    report = QuarterlyReport.objects.get(project=project, quarter__number=2)
    progress = report.activity_progress.get()
    finance_total = sum(d.amount for d in Disbursement.objects.filter(project=project, quarter__number__lte=2))
    assert row["รหัสโครงการ"] == project.code
    assert Decimal(str(row["ผลการเบิกจ่ายสะสม (บาท)"])) == finance_total == Decimal("35000.25")
    assert row["สถานะและร้อยละความก้าวหน้าของกิจกรรม"] == f"1. กำลังดำเนินการ {progress.percent}%"
    assert row["ผลผลิต (Output)"] == report.outputs and row["ปัญหาอุปสรรค"] == report.problems
    assert "KPI01 = 82.5" in row["ผลตามตัวชี้วัด"]
    page.goto(f"{base}/projects/{project.pk}/q2/")  # the approved form as people read it
    assert page.input_value("textarea[name=outputs]") == report.outputs
    assert page.input_value(f"input[name=act-{progress.activity_id}-percent]") == "70"

    # 7. The data-entry summary report, printed (downloaded) as PDF.
    page.goto(f"{base}/emenscr/?fy=2569&stage=M1&round=1")
    pdf = tmp_path / "summary.pdf"
    href = page.get_by_role("link", name="รายงานสรุปผลการนำเข้าข้อมูล (PDF)").get_attribute("href")
    response = page.request.get(f"{base}{href}")  # the PDF opens in the browser's viewer: fetch it as the page would
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    pdf.write_bytes(response.body())
    assert pdf.read_bytes().startswith(b"%PDF")
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    (SHOTS / "emenscr-summary.pdf").write_bytes(pdf.read_bytes())
    (SHOTS / "emenscr-summary.txt").write_text(text, encoding="utf-8")
    text = text.replace("กำร", "การ")  # pdftotext may read การ as กำร (WeasyPrint's glyph mapping of ำ)
    assert "เรียน ผู้อำนวยการ" in text and "ประจำปีงบประมาณ พ.ศ. 2569" in text
    assert re.search(r"M1 ข้อมูลทั่วไปของ\s+1\s+กลุ่มส่งเสริมการ\s+1\s+1\s+0", text)  # M1 round 1: 1 keyed
    assert re.search(r"M7 ผลรายไตรมาส\s+2\s+กลุ่มส่งเสริมการ\s+1\s+0\s+1", text)  # M7 Q2: ready, not keyed
    context.close()
    assert Entry.objects.filter(project=project, state="keyed").count() == 2
