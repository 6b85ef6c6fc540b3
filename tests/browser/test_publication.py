"""The public page of a publishing office, as a visitor who never logs in, in Chromium: the approved figures,
the approved edition's PDF link and the open data; the year picker; a non-publishing office answers 404.
Screenshots at 1366 and 375 px go to var/screens/publication-*.png (and TIDTAM_SCREENS when set)."""

from datetime import date

import pytest

from plans.lib.fiscal import fiscal_year_of

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
    screenshot(page, "publication-01-public-1366")
    page.set_viewport_size({"width": 375, "height": 800})
    page.reload()
    page.wait_for_load_state("networkidle")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(page, "publication-02-public-375")

    data = context.request.get(f"{live_server.url}/public/SPM12/{CLOSED}/data.json")
    assert data.status == 200 and data.json()["fiscal_year"] == CLOSED

    page.set_viewport_size({"width": 1366, "height": 900})
    response = page.goto(f"{live_server.url}/public/SPPTAK2/")
    assert response.status == 404
    screenshot(page, "publication-03-not-publishing-404")
    context.close()
