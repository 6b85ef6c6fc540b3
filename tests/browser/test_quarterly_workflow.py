"""The quarterly form's whole cycle clicked through in Chromium.

The owner fills and submits, planning returns it with a reason, the owner fixes and resubmits,
planning verifies (ticking it in the review queue), the director approves, and the owner can no
longer edit. Screenshots go to var/screens/quarterly-*.png.
"""

from datetime import date
from decimal import Decimal

import pytest

from projects.models import Activity, QuarterlyReport, ReportEvidence

from ..conftest import PASSWORD
from ..conftest import make_project
from .conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def project(fy, promo_group, owner, indicator):
    project = make_project(fy, promo_group, "P-2569-07", owners=[owner])
    project.name = "โครงการพัฒนาครูด้านการจัดการเรียนรู้เชิงรุก (Active Learning)"
    project.save()
    Activity.objects.create(project=project, order=2, name="นิเทศติดตามการนำไปใช้ในห้องเรียน", quarters=[2],
                            budget=Decimal("20000"))
    project.indicator_targets.create(indicator=indicator, target_value=90)
    return project


@pytest.fixture
def in_window(monkeypatch):
    # The real clock is past FY 2569's windows: the whole office lives on 7 Jan 2026 for this test.
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: date(2026, 1, 7))


def as_user(browser, live_server, user):
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="th-TH")
    page = context.new_page()
    log_in(page, live_server, user.email, PASSWORD)
    return context, page


def test_owner_planning_director_cycle(browser, live_server, screenshot, project, owner, planning, director,
                                       in_window, tmp_path):
    evidence = tmp_path / "ภาพกิจกรรมอบรม.pdf"
    evidence.write_bytes(PDF)

    # 1. The owner finds the form in "my forms", tries to send it half-filled, then completes it.
    context, page = as_user(browser, live_server, owner)
    page.goto(f"{live_server.url}/projects/forms/?fy=2569")
    assert "P-2569-07" in page.locator("#my-forms").inner_text()
    screenshot(page, "quarterly-01-my-forms")
    page.locator("#my-forms a", has_text="กรอก").first.click()
    page.wait_for_load_state("networkidle")
    rows = page.locator("#activity-progress tbody tr")
    rows.nth(0).locator("select").select_option("done")
    page.get_by_role("button", name="ส่งถึงกลุ่มนโยบายและแผน").click()
    page.wait_for_load_state("networkidle")
    assert page.locator(".invalid-feedback").count() >= 2  # spent, what was done, indicator result
    screenshot(page, "quarterly-02-incomplete")

    rows = page.locator("#activity-progress tbody tr")
    rows.nth(0).locator("textarea").fill("อบรมครูแกนนำ 45 คน ณ ห้องประชุมเขต")
    page.fill("input[name=spent_this_quarter]", "18500")
    # The result is a text input (inputmode=decimal) since issue #12: a number input refuses Thai digits.
    page.locator("#indicator-results tbody tr").first.locator("input[name$='-value']").fill("72.5")
    page.fill("textarea[name=outputs]", "ครูแกนนำ 45 คนผ่านการอบรม")
    page.fill("textarea[name=problems]", "งบประมาณได้รับจัดสรรล่าช้า")
    page.set_input_files("input[name=evidence_files]", str(evidence))
    page.get_by_role("button", name="ส่งถึงกลุ่มนโยบายและแผน").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("#state").inner_text() == "ส่งแล้ว"
    assert "ภาพกิจกรรมอบรม.pdf" in page.locator("#evidence").inner_text()
    assert page.locator("#progress-form fieldset[disabled]").count() == 1
    screenshot(page, "quarterly-03-submitted")
    context.close()
    report = QuarterlyReport.objects.get(project=project, quarter__number=1)
    # Window checks use the patched day; the stamp uses the real clock, which is past the due date.
    assert report.state == "submitted" and report.timeliness == "late"
    assert ReportEvidence.objects.filter(report=report).count() == 1

    # 2. Planning opens it from the review queue and returns it with a reason.
    context, page = as_user(browser, live_server, planning)
    page.goto(f"{live_server.url}/projects/forms/review/?fy=2569")
    screenshot(page, "quarterly-04-review-queue")
    page.locator("#queue a", has_text="P-2569-07").click()
    page.wait_for_load_state("networkidle")
    page.fill("#review textarea[name=reason]", "ผลตัวชี้วัดต่ำกว่าเป้า กรุณาระบุสาเหตุในช่องปัญหาอุปสรรค")
    page.get_by_role("button", name="ส่งคืนผู้รับผิดชอบ").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("#state").inner_text() == "ส่งคืนให้แก้ไข"
    context.close()

    # 3. The owner reads the reason, fixes and resubmits.
    context, page = as_user(browser, live_server, owner)
    page.goto(f"{live_server.url}/projects/forms/?fy=2569")
    assert "ผลตัวชี้วัดต่ำกว่าเป้า" in page.locator("#my-forms").inner_text()
    page.locator("#my-forms a", has_text="กรอก").first.click()
    page.wait_for_load_state("networkidle")
    assert "ผลตัวชี้วัดต่ำกว่าเป้า" in page.locator("#return-reason").inner_text()
    screenshot(page, "quarterly-05-returned")
    page.fill("textarea[name=problems]", "งบประมาณได้รับจัดสรรล่าช้า โรงเรียนบางแห่งติดภารกิจสอบ จึงเลื่อนการนิเทศ")
    page.get_by_role("button", name="ส่งถึงกลุ่มนโยบายและแผน").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("#state").inner_text() == "ส่งแล้ว"
    context.close()

    # 4. Planning ticks it in the queue and verifies.
    context, page = as_user(browser, live_server, planning)
    page.goto(f"{live_server.url}/projects/forms/review/?fy=2569")
    page.locator("#queue input[type=checkbox]").first.check()
    page.get_by_role("button", name="ตรวจสอบรายการที่เลือก").click()
    page.wait_for_load_state("networkidle")
    assert "ไม่มีรายการรอดำเนินการ" in page.locator("#queue").inner_text() or \
        "P-2569-07" not in page.locator("#queue").inner_text()
    context.close()
    assert QuarterlyReport.objects.get(pk=report.pk).state == "verified"

    # 5. The director approves from the approval queue.
    context, page = as_user(browser, live_server, director)
    page.goto(f"{live_server.url}/projects/forms/approval/?fy=2569")
    screenshot(page, "quarterly-06-approval-queue")
    page.locator("#queue a", has_text="P-2569-07").click()
    page.wait_for_load_state("networkidle")
    page.get_by_role("button", name="อนุมัติ", exact=True).click()
    page.wait_for_load_state("networkidle")
    assert page.locator("#state").inner_text() == "ผู้อำนวยการอนุมัติแล้ว"
    context.close()

    # 6. The owner can no longer edit, and is told why.
    context, page = as_user(browser, live_server, owner)
    page.goto(f"{live_server.url}/projects/{project.pk}/q1/")
    assert page.locator("#progress-form fieldset[disabled]").count() == 1
    assert page.get_by_role("button", name="บันทึกร่าง").count() == 0
    assert "อนุมัติ" in page.locator("#why-not").inner_text()
    history = page.locator("#history").inner_text()
    for step in ("ส่งคืน", "ตรวจสอบ", "อนุมัติ", "กิจกรรมที่ 1: สถานะ", "ยังไม่เริ่ม → เสร็จแล้ว",
                 "เพิ่มเอกสารหลักฐาน: ภาพกิจกรรมอบรม.pdf", "ร่าง → ส่งแล้ว"):
        assert step in history
    screenshot(page, "quarterly-07-approved-locked")
    context.close()
    report.refresh_from_db()
    assert report.state == "approved" and report.is_locked
    assert list(report.events.values_list("action", flat=True)).count("submitted") == 2
