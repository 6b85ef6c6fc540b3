"""The central viewer's roll-up, clicked through in Chromium on the demo: the home page shows the region's
offices, sorting by late forms puts the latest office first, a row opens that office's dashboard read-only, and
the Excel export downloads with the same rows, and the way back keeps the filters and order. All fifteen columns
fit 1366 px; axe finds nothing critical or serious at 1366 or 375 px. Screenshots at 1366 and 375 px
(rollup-*.png)."""

import re
from io import BytesIO

import pytest

from accounts.demo import DEMO_PASSWORD
from reporting.demo import REGION_OFFICES

from .conftest import log_in, serious_violations
from .test_foundation_screens import demo, demo_rows  # noqa: F401 (the demo data, seeded once per module)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_central_viewer_reads_sorts_drills_into_and_exports_the_rollup(browser, live_server, screenshot,
                                                                         demo):  # noqa: F811
    from openpyxl import load_workbook

    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="th-TH", accept_downloads=True)
    page = context.new_page()
    log_in(page, live_server, "central@obec.example.go.th", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/")
    page.wait_for_load_state("networkidle")
    assert page.url.endswith("/reporting/rollup/")
    table = page.locator("#rollup")
    for _code, name, *_rest in REGION_OFFICES:  # abbreviated (สพป./สพม.), the full name as the link's title
        assert table.locator(f'a[title="{name}"]').count() == 1
    assert table.get_by_text("สพป.ชุมพร เขต 1", exact=True).count() == 1
    box = page.locator("#rollup").evaluate("t => [t.parentElement.scrollWidth, t.parentElement.clientWidth]")
    assert box[0] <= box[1], f"the roll-up scrolls sideways at 1366 px: {box}"
    assert serious_violations(page) == []
    screenshot(page, "rollup-home-1366")

    page.select_option("#r-region", label="สำนักงานศึกษาธิการภาค 5")
    page.select_option("#r-kind", "spp")
    page.click("#rollup-filters button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert page.locator("#rollup tbody tr").count() == sum(1 for row in REGION_OFFICES if row[2] == "spp")
    screenshot(page, "rollup-filtered-1366")
    page.wait_for_load_state("networkidle")
    page.click("a[data-sort=late]")  # numbers sort largest first
    page.wait_for_load_state("networkidle")
    assert "sort=-late" in page.url
    late = [int(t) for t in page.locator("#rollup tbody tr td:nth-child(5)").all_inner_texts()]
    assert late == sorted(late, reverse=True) and late[0] > 0
    assert page.locator("th[aria-sort=descending] a[data-sort=late]").count() == 1
    first = page.locator("#rollup tbody tr").first
    first_code, first_name = first.get_attribute("data-office"), first.locator("th a").get_attribute("title")
    assert first_code == max(REGION_OFFICES, key=lambda row: row[5])[0]  # the office the demo made latest
    screenshot(page, "rollup-sorted-1366")

    with page.expect_download() as download:
        page.click("#rollup-export")
    sheet = load_workbook(BytesIO(open(download.value.path(), "rb").read()), read_only=True).worksheets[0]
    codes = [row[0] for row in sheet.iter_rows(min_row=5, values_only=True)][:-1]
    assert codes == page.locator("#rollup tbody tr").evaluate_all("rows => rows.map(r => r.dataset.office)")

    page.set_viewport_size({"width": 375, "height": 800})
    page.reload()
    page.wait_for_load_state("networkidle")
    screenshot(page, "rollup-sorted-375")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert serious_violations(page) == []
    page.set_viewport_size({"width": 1366, "height": 900})

    first.locator("th a").click()
    page.wait_for_load_state("networkidle")
    assert re.search(r"/reporting/\?fy=\d+&office=\d+", page.url)
    assert first_name in page.locator("#drill-note").inner_text()
    assert page.locator("#completeness").count() == 1
    screenshot(page, "rollup-drill-1366")
    page.set_viewport_size({"width": 375, "height": 800})
    page.reload()
    page.wait_for_load_state("networkidle")
    screenshot(page, "rollup-drill-375")
    assert serious_violations(page) == []  # its wide tables scroll by keyboard too (static/js/forms.js)
    page.locator("#drill-note a").click()  # back to the roll-up, as it was left
    page.wait_for_load_state("networkidle")
    assert "/reporting/rollup/" in page.url and "kind=spp" in page.url and "sort=-late" in page.url
    assert page.locator("#rollup tbody tr").first.get_attribute("data-office") == first_code
    context.close()
