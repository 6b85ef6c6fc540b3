"""An annual edition rebuilt after a form changed, clicked through in Chromium (issue 19): planning builds the
สพฐ. edition, returns one project's form, the owner adds to its problems and sends it again, planning builds
again — the page says how many parts were reused and made, and the PDF reads as a cold build of the same data
(pages, text, contents, bookmarks, page numbers) — then builds ก.ต.ป.น. from the same parts.
Screenshots go to var/screens/annual-rebuild-*.png."""

import io
import re
from datetime import date

import pytest
from pypdf import PdfReader

from reporting import annual
from reporting.models import AnnualReport

from ..conftest import PASSWORD, make_project, submit_q1
from ..reporting.test_annual import pdf_text
from ..reporting.test_parts import cold_build, outline_of
from .conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PROBLEMS = ("ครูผู้รับผิดชอบย้ายระหว่างปี ต้องมอบหมายงานใหม่ และโรงเรียนในพื้นที่สูงเดินทางมาร่วมกิจกรรมไม่ได้ "
            "ในช่วงฤดูฝน จึงเลื่อนการอบรมออกไปหนึ่งเดือน ") * 30  # enough to take the project onto a second page


@pytest.fixture
def year_data(fy, promo_group, owner, settings, monkeypatch):
    settings.CELERY_TASK_ALWAYS_EAGER = True  # the embedded default: the build runs in the request
    settings.TIDTAM_PDF_WORKERS = 1
    # The real clock is past FY 2569's windows: the office lives on 7 Jan 2026, inside Q1's.
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: date(2026, 1, 7))
    return [submit_q1(make_project(fy, promo_group, f"P-{letter}", owners=[owner]), owner).project
            for letter in "ABCD"]


def as_user(browser, live_server, user, width=1366):
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="th-TH")
    page = context.new_page()
    log_in(page, live_server, user.email, PASSWORD)
    return context, page


def generate(page, live_server, audience) -> AnnualReport:
    page.goto(f"{live_server.url}/reporting/annual/?fy=2569")
    page.select_option("#id_audience", audience)
    page.select_option("#id_basis", "submitted")
    page.click("#generate-form button[type=submit]")
    page.wait_for_selector("#download")
    return AnnualReport.objects.order_by("-pk").first()


def said(report) -> str:
    return f"ใช้ส่วนที่จัดทำไว้แล้ว {report.parts_reused} ส่วน จัดทำใหม่ {report.parts_rendered} ส่วน"


def test_a_rebuild_after_a_form_changed_reuses_parts_and_reads_as_a_cold_build(
        browser, live_server, screenshot, year_data, owner, planning, settings, tmp_path):
    changed = year_data[1]
    context, page = as_user(browser, live_server, planning)
    first = generate(page, live_server, "obec")
    assert first.state == AnnualReport.State.DRAFT and first.parts_reused == 0 and first.parts_rendered > 6
    assert said(first) in page.locator("#annual-parts").inner_text()

    page.goto(f"{live_server.url}/projects/{changed.pk}/q1/")
    page.fill("#review textarea[name=reason]", "กรุณาระบุปัญหาอุปสรรคให้ครบ")
    page.click("#review button[value=return]")
    page.wait_for_load_state("networkidle")
    assert page.locator("#state").inner_text() == "ส่งคืนให้แก้ไข"

    owner_context, owner_page = as_user(browser, live_server, owner)
    owner_page.goto(f"{live_server.url}/projects/{changed.pk}/q1/")
    owner_page.fill("textarea[name=problems]", PROBLEMS)
    owner_page.get_by_role("button", name="ส่งถึงกลุ่มนโยบายและแผน").click()
    owner_page.wait_for_load_state("networkidle")
    assert owner_page.locator("#state").inner_text() == "ส่งแล้ว"
    owner_context.close()

    again = generate(page, live_server, "obec")
    # The changed project, the problems section that gathers its text, and the contents whose numbers moved.
    assert again.parts_rendered == 3 and again.parts_reused + again.parts_rendered == first.parts_rendered
    assert said(again) in page.locator(".alert-success").inner_text()
    assert said(again) in page.locator("#annual-parts").inner_text()
    assert again.pages > first.pages  # the project grew a page: the numbers after it moved
    screenshot(page, "annual-rebuild-01-status")
    context.close()
    narrow, small = as_user(browser, live_server, planning, width=375)
    small.goto(f"{live_server.url}/reporting/annual/{again.pk}/")
    assert said(again) in small.locator("#annual-parts").inner_text()
    assert small.evaluate("document.documentElement.scrollWidth") <= 375  # nothing pushes the page sideways
    lines = small.evaluate("""() => { const range = document.createRange();
        range.selectNodeContents(document.getElementById("today"));
        return new Set([...range.getClientRects()].map((rect) => Math.round(rect.top))).size; }""")
    assert lines == 1  # the date in the office bar stays on one line: "พ.ศ." is never cut from its year
    screenshot(small, "annual-rebuild-02-status-375")
    narrow.close()

    pdf = again.file.read()
    cold = cold_build(again.snapshot, settings, tmp_path / "cold")
    assert again.pages == cold.pages == len(PdfReader(io.BytesIO(pdf)).pages)
    assert pdf_text(pdf, tmp_path) == pdf_text(cold.pdf, tmp_path) and PROBLEMS.split()[0] in pdf_text(pdf, tmp_path)
    contents = [(0, "ปก", 0)] + [(level, title, cold.front_pages + number - 1) for title, number, level in cold.toc]
    assert outline_of(pdf) == outline_of(cold.pdf) == contents
    reader = PdfReader(io.BytesIO(pdf))
    for title, number, _level in cold.toc:  # each title on the page the contents give, numbered so at the top
        text = reader.pages[cold.front_pages + number - 1].extract_text()
        assert title.split()[0] in text and re.search(rf"-\s*{number}\s*-", text), title

    context, page = as_user(browser, live_server, planning)
    ktpn = generate(page, live_server, "ktpn")
    assert ktpn.parts_reused >= len(year_data) and ktpn.parts_rendered <= 4  # the projects are shared
    assert said(ktpn) in page.locator("#annual-parts").inner_text()
    context.close()
    assert annual.build(again.snapshot).rendered == 0  # everything the edition needs is kept
