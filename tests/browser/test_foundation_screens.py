"""Log in as each demo role in Debian's Chromium, look at the pages, and keep screenshots."""

import pytest
from django.core.management import call_command

from accounts.demo import DEMO_PASSWORD
from django.utils import timezone
from plans.lib.fiscal import fiscal_year_of

from .conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROLES = ["planning", "owner", "head", "finance", "director", "committee", "admin"]


@pytest.fixture
def demo(transactional_db):
    from io import StringIO

    call_command("seed_demo", "--today", "2026-12-03", stdout=StringIO())


def test_login_page_renders_thai_in_sarabun(page, live_server, screenshot, demo):
    page.goto(f"{live_server.url}/accounts/login/")
    assert page.locator("h1").inner_text().strip() == "ติดตาม"
    assert page.evaluate("document.fonts.check('16px Sarabun', 'ติดตาม')")
    page.evaluate("document.fonts.ready")
    family = page.evaluate("getComputedStyle(document.body).fontFamily")
    assert family.startswith("Sarabun")
    screenshot(page, "login")


def test_wrong_password_shows_message(page, live_server, demo):
    log_in(page, live_server, "owner@spm12.example.go.th", "wrong-password")
    assert "อีเมลหรือรหัสผ่านไม่ถูกต้อง" in page.content()


@pytest.mark.parametrize("role", ROLES)
def test_each_role_logs_in_and_sees_its_home(page, live_server, screenshot, demo, role):
    log_in(page, live_server, f"{role}@spm12.example.go.th", DEMO_PASSWORD)
    assert page.url.rstrip("/") == live_server.url
    assert "สวัสดี" in page.locator("h1").inner_text()
    current = fiscal_year_of(timezone.localdate())
    assert f"ปีงบประมาณ พ.ศ. {current}" in page.locator(".card-header").first.inner_text()
    assert page.locator("td.thai-date").count() >= 8
    screenshot(page, f"home-{role}")


def test_planning_sees_calendar_and_holidays_and_switches_to_english(page, live_server, screenshot, demo):
    log_in(page, live_server, "planning@spm12.example.go.th", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/plans/2562/")
    assert "ติดตามเป้าหมายการใช้จ่ายงบประมาณ" in page.content()
    assert page.locator("#calendar td.on").count() > 10
    screenshot(page, "fiscal-year-2562")
    page.goto(f"{live_server.url}/plans/2569/holidays/")
    assert "วันพืชมงคล" in page.content()
    screenshot(page, "holidays-2569")
    page.click("button[name=language][value=en]")
    page.wait_for_load_state("networkidle")
    assert "Holidays" in page.locator("h1").inner_text()
    screenshot(page, "holidays-2569-en")
