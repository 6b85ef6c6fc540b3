"""Log in as each demo role in Debian's Chromium, look at the pages, and keep screenshots."""

from io import StringIO

import pytest
from django.core.management import call_command

from accounts.demo import DEMO_PASSWORD
from django.utils import timezone
from plans.lib.fiscal import fiscal_year_of

from .conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # as tests/conftest.py's _fast_hashing
ROLES = ["planning", "owner", "head", "finance", "director", "committee", "admin"]


@pytest.fixture(scope="module")
def demo_rows(django_db_setup, django_db_blocker):
    """``seed_demo``'s rows, seeded once for the module in a transaction that is rolled back."""
    from django.apps import apps
    from django.db import transaction
    from django.test.utils import override_settings

    ours = {"accounts", "plans", "projects", "inspections", "evaluation", "reporting", "reminders", "emenscr", "publication"}
    models = [m for m in apps.get_models(include_auto_created=True)  # many-to-many tables included
              if m._meta.app_label in ours and not m._meta.proxy]
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHERS), transaction.atomic():
        call_command("seed_demo", "--today", "2026-12-03", stdout=StringIO())
        rows = [(model, list(model._base_manager.all())) for model in models]
        transaction.set_rollback(True)
    return rows


@pytest.fixture
def demo(transactional_db, demo_rows):
    """The demo data in each test's database (the live server needs it committed), without running
    the seed for every test: it takes seconds, inserting the kept rows a fraction of one."""
    from django.db import transaction

    with transaction.atomic():  # foreign keys are checked at commit
        for model, objects in demo_rows:
            for start in range(0, len(objects), 200):  # raw, as loaddata saves: timestamps kept as seeded
                model._base_manager._insert(objects[start:start + 200], fields=model._meta.local_concrete_fields,
                                            raw=True)


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


def test_the_browser_problems_fixture_catches_csp_violations_and_failed_assets(browser, live_server,
                                                                               browser_problems):
    """The fixture every browser test runs under sees what the CSP silently drops: an inline handler, an
    inline style, and a static file that is missing. (The probe page is served by the test itself.)"""
    context = browser.new_context()
    page = context.new_page()
    probe = (b'<!doctype html><html lang="th"><head><title>probe</title>'
             b'<link rel="stylesheet" href="/static/css/missing-file.css"></head><body>'
             b'<div style="width: 5%">bar</div><button onclick="alert(1)">x</button></body></html>')
    page.route(f"{live_server.url}/csp-probe/", lambda route: route.fulfill(
        status=200, body=probe, headers={"Content-Type": "text/html; charset=utf-8",
                                         "Content-Security-Policy": "default-src 'self'"}))
    page.goto(f"{live_server.url}/csp-probe/")
    page.click("button")
    page.wait_for_load_state("networkidle")
    context.close()
    found = "\n".join(browser_problems)
    assert "CSP violation: style-src-attr" in found or "CSP violation: style-src" in found, found
    assert "script-src" in found, found
    assert "missing-file.css answered 404" in found, found
    browser_problems.clear()  # seen: this test's page is meant to misbehave
