"""The public page of a publishing office, as a visitor who never logs in, in Chromium: the approved figures,
the approved edition's PDF link and the open data (CSV: UTF-8 with BOM, Thai headers); the year picker; a
non-publishing office answers 404; axe finds nothing critical or serious at 1366 or 375 px. The setting as the
director sets it, and refused in Thai to a project owner. Screenshots at 1366 and 375 px go to
var/screens/publication-*.png (and TIDTAM_SCREENS when set)."""

from datetime import date

import pytest

from accounts.demo import DEMO_PASSWORD
from plans.lib.fiscal import fiscal_year_of
from publication.content import CSV_HEADERS

from .conftest import log_in, problems_at_both_widths
from .test_foundation_screens import demo, demo_rows  # noqa: F401 (the demo data, seeded once per module)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CLOSED = fiscal_year_of(date(2026, 12, 3)) - 1


def test_a_visitor_reads_a_publishing_office_and_not_the_others(browser, live_server, screenshot, demo):  # noqa: F811
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="th-TH")
    page = context.new_page()
    response = page.goto(f"{live_server.url}/public/SPM12/")
    assert response.status == 200 and "/accounts/login/" not in page.url
    assert "สำนักงานเขตพื้นที่การศึกษามัธยมศึกษา เขต 12" in page.locator("h1").inner_text()
    page.select_option("select[name=fy]", str(CLOSED))  # the picker submits itself (static JS)
    page.wait_for_url(f"**/public/SPM12/?fy={CLOSED}")
    page.wait_for_load_state("networkidle")
    text = page.locator("main").inner_text()
    assert f"ปีงบประมาณ พ.ศ. {CLOSED}" in text and "ผลการประเมินแผนปฏิบัติการที่อนุมัติแล้ว" in text
    assert page.locator("#editions a[href$='.pdf']").count() >= 1  # the edition for others concerned
    assert "ระบุชื่อบุคลากร จึงไม่เผยแพร่" in text  # the committee's edition names action owners
    assert page.locator("#indicators tbody tr").count() >= 1 and page.locator("#completeness tbody tr").count() >= 1
    assert page.locator("#csv-link").get_attribute("href") == f"/public/SPM12/{CLOSED}/data.csv"
    assert page.locator("nav.navbar").count() == 0 and page.locator("input[name=csrfmiddlewaretoken]").count() == 0
    # its wide tables scroll by keyboard too at 375 px (static/js/forms.js)
    assert problems_at_both_widths(page, screenshot, "publication-01-public") == []

    data = context.request.get(f"{live_server.url}/public/SPM12/{CLOSED}/data.json")
    assert data.status == 200 and data.json()["fiscal_year"] == CLOSED
    projects = len(data.json()["projects"])
    table = context.request.get(f"{live_server.url}/public/SPM12/{CLOSED}/data.csv")
    body = table.body()
    assert table.status == 200 and body.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read Thai
    lines = body.decode("utf-8-sig").splitlines()
    assert lines[0] == ",".join(CSV_HEADERS) and len(lines) == 1 + 4 * projects

    page.set_viewport_size({"width": 1366, "height": 900})
    response = page.goto(f"{live_server.url}/public/SPPTAK2/")
    assert response.status == 404
    screenshot(page, "publication-03-not-publishing-404")
    context.close()


def test_the_director_sets_publication_and_a_project_owner_is_refused_in_thai(browser, live_server, screenshot,
                                                                               demo):  # noqa: F811
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="th-TH")
    page = context.new_page()
    log_in(page, live_server, "director@spm12.example.go.th", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/publication/")
    page.wait_for_load_state("networkidle")
    assert page.locator("#publishing").count() == 1 and page.locator("#public-link").inner_text().endswith(
        "/public/SPM12/")
    assert problems_at_both_widths(page, screenshot, "publication-04-settings") == []
    context.close()

    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="th-TH")
    page = context.new_page()
    log_in(page, live_server, "owner@spm12.example.go.th", DEMO_PASSWORD)
    response = page.goto(f"{live_server.url}/publication/")
    assert response.status == 403 and "คุณไม่มีสิทธิ์เปิดหน้านี้" in page.locator("h1").inner_text()
    assert "ผู้อำนวยการ" in page.locator("#refusal").inner_text()
    screenshot(page, "publication-06-settings-refused")
    context.close()
