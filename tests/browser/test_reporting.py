"""Dashboard and annual report clicked through in Chromium: planning reads the dashboard and follows a
cell to its list, generates the ก.ต.ป.น. edition, the director approves it and the committee opens it.
Screenshots go to var/screens/reporting-*.png."""

from datetime import date

import pytest

from reporting.models import AnnualReport

from ..conftest import PASSWORD, make_project, submit_q1
from .conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def year_data(fy, promo_group, sup_group, owner, other_owner, settings, monkeypatch):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.TIDTAM_PDF_WORKERS = 1
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: date(2026, 1, 20))
    submit_q1(make_project(fy, promo_group, "P-A", owners=[owner]), owner)
    make_project(fy, sup_group, "P-C", owners=[other_owner])
    return fy


def test_dashboard_to_approved_annual_report(browser, live_server, screenshot, year_data, planning, director,
                                             committee):
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="th-TH")
    page = context.new_page()
    log_in(page, live_server, planning.email, PASSWORD)
    page.goto(f"{live_server.url}/reporting/?fy=2569")
    assert page.locator("#completeness svg, svg.chart").count() >= 1
    screenshot(page, "reporting-01-dashboard")
    page.locator("#completeness a.text-danger").first.click()  # the missing form of P-C
    page.wait_for_load_state("networkidle")
    assert "P-C" in page.locator("#overview").inner_text() and "P-A" not in page.locator("#overview").inner_text()
    screenshot(page, "reporting-02-drilldown")

    page.goto(f"{live_server.url}/reporting/annual/?fy=2569")
    page.select_option("#id_audience", "ktpn")
    page.select_option("#id_basis", "submitted")
    page.click("#generate-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    page.wait_for_selector("#download")
    screenshot(page, "reporting-03-annual-draft")
    report = AnnualReport.objects.get()
    assert report.state == AnnualReport.State.DRAFT and report.pages > 3

    context.close()
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="th-TH")
    page = context.new_page()
    log_in(page, live_server, director.email, PASSWORD)
    page.goto(f"{live_server.url}/reporting/annual/{report.pk}/")
    page.click("#decision button.btn-success")
    page.wait_for_load_state("networkidle")
    screenshot(page, "reporting-04-approved")
    report.refresh_from_db()
    assert report.state == AnnualReport.State.APPROVED

    context.close()
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="th-TH")
    page = context.new_page()
    log_in(page, live_server, committee.email, PASSWORD)
    page.goto(f"{live_server.url}/reporting/annual/?fy=2569")
    href = page.locator("#editions a.btn").first.get_attribute("href")
    response = page.request.get(f"{live_server.url}{href}")
    assert response.status == 200 and response.body().startswith(b"%PDF")
    context.close()
