"""An inspection round clicked through in Chromium, as a new user would: planning records the round and an
issue, the responsible owner writes the report, planning records a recommendation, the director decides,
planning assigns two actions, the owner follows one up with evidence, planning closes it and prints the
follow-up report. Screenshots go to var/screens/inspections-walk-*.png."""

import pytest

from inspections.models import FollowUpAction

from ..conftest import PASSWORD
from .conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def as_user(browser, live_server, user):
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="th-TH")
    page = context.new_page()
    log_in(page, live_server, user.email, PASSWORD)
    return context, page


def test_round_to_closed_action_and_printed_report(browser, live_server, screenshot, fy, planning, director, owner,
                                                   promo_group, tmp_path):
    url = live_server.url
    context, page = as_user(browser, live_server, planning)
    page.goto(f"{url}/inspections/?fy=2569")
    page.fill("#id_title", "การตรวจราชการ สพฐ. รอบที่ 1/2569")
    page.fill("#id_start_date", "10/02/2569")
    page.fill("#id_end_date", "12/02/2569")
    page.fill("#id_inspectors", "ดร.สมศักดิ์ ตรวจการ ผู้ตรวจราชการ สพฐ.")
    page.click("#round-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    page.fill("#id_code", "1")
    page.fill("#id_title", "การลดความเหลื่อมล้ำทางการศึกษา")
    page.select_option("#id_group", str(promo_group.pk))
    page.select_option("#id_responsible", str(owner.pk))
    page.click("#issue-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    screenshot(page, "inspections-walk-01-round")
    round_url = page.url
    context.close()

    context, page = as_user(browser, live_server, owner)
    page.goto(round_url)
    page.click("#issues a")
    page.wait_for_load_state("networkidle")
    page.fill("textarea[name=report]", "ติดตามนักเรียนกลุ่มเสี่ยง 120 คน กลับเข้าเรียน 97 คน")
    evidence = tmp_path / "รายงานผล.pdf"
    evidence.write_bytes(PDF)
    page.set_input_files("#report-form input[type=file]", str(evidence))
    page.click("#report-form button[name=then]")
    page.wait_for_load_state("networkidle")
    issue_url = page.url
    screenshot(page, "inspections-walk-02-report-submitted")
    context.close()

    context, page = as_user(browser, live_server, planning)
    page.goto(issue_url)
    page.fill("#recommendation-form textarea[name=text]", "ควรจัดทำระบบติดตามนักเรียนกลุ่มเสี่ยงรายบุคคล")
    page.click("#recommendation-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    context.close()

    context, page = as_user(browser, live_server, director)
    page.goto(issue_url)
    page.fill("textarea[name=decision]", "เห็นชอบ มอบกลุ่มส่งเสริมการจัดการศึกษาดำเนินการ")
    page.click("button:has-text('สั่งการ')")
    page.wait_for_load_state("networkidle")
    context.close()

    context, page = as_user(browser, live_server, planning)
    page.goto(issue_url)
    for title, due in (("จัดทำฐานข้อมูลนักเรียนกลุ่มเสี่ยง", "30/04/2569"), ("เยี่ยมบ้านนักเรียนกลุ่มเสี่ยง", "30/06/2569")):
        page.click("details summary:has-text('มอบหมายการดำเนินการ')")
        form = page.locator("form.assign-form").first
        form.locator("input[name=title]").fill(title)
        form.locator("select[name=owner]").select_option(str(owner.pk))
        form.locator("input[name=due_date]").fill(due)
        form.locator("button[type=submit]").click()
        page.wait_for_load_state("networkidle")
    assert FollowUpAction.objects.count() == 2
    screenshot(page, "inspections-walk-03-two-actions")
    context.close()

    action = FollowUpAction.objects.get(title="จัดทำฐานข้อมูลนักเรียนกลุ่มเสี่ยง")
    context, page = as_user(browser, live_server, owner)
    page.goto(f"{url}/inspections/mine/")
    page.click("text=จัดทำฐานข้อมูลนักเรียนกลุ่มเสี่ยง")
    page.wait_for_load_state("networkidle")
    page.fill("textarea[name=progress]", "จัดทำฐานข้อมูลครบ 120 คน ใช้งานในทุกโรงเรียนแล้ว")
    page.set_input_files("#follow-up-form input[type=file]", str(evidence))
    page.click("#follow-up-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    page.click("#moves button[value=done]")
    page.wait_for_load_state("networkidle")
    screenshot(page, "inspections-walk-04-action-done")
    context.close()

    context, page = as_user(browser, live_server, planning)
    page.goto(f"{url}/inspections/actions/{action.pk}/")
    page.click("#moves button[value=close]")
    page.wait_for_load_state("networkidle")
    action.refresh_from_db()
    assert action.state == "closed"
    page.goto(f"{url}/inspections/board/?fy=2569")
    screenshot(page, "inspections-walk-05-board")
    page.goto(round_url)
    href = page.locator("#round-pdf").get_attribute("href")
    response = page.request.get(f"{url}{href}")
    assert response.status == 200 and response.body().startswith(b"%PDF")
    (tmp_path / "follow-up.pdf").write_bytes(response.body())
    context.close()
