import json
import os
from pathlib import Path

import pytest

SCREENS = Path(os.getenv("TIDTAM_SCREENS", Path(__file__).resolve().parents[2] / "var" / "screens"))
AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--disable-dev-shm-usage", "--no-first-run",
]


@pytest.fixture(scope="module")
def browser(chromium_path):
    """One Chromium per test module (starting it takes seconds); each test opens its own contexts,
    which share no cookies or storage."""
    from playwright.sync_api import sync_playwright

    with pytest.MonkeyPatch.context() as monkeypatch:
        # Playwright's sync API runs an event loop in this thread; the test's own ORM calls are still synchronous.
        monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
            yield browser
            browser.close()


# Reports CSP violations through console.error, where the fixture below collects them (Chromium also logs its
# own "Refused to …" line; this one names the directive and the source line).
REPORT_CSP = """
document.addEventListener("securitypolicyviolation", (e) => {
  console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || "inline"} at ${e.sourceFile}:${e.lineNumber}`);
});
"""
STATIC_TYPES = {"stylesheet", "script", "image", "font", "media"}


class BrowserProblems(list):
    """What went wrong in the pages of one test: console errors, uncaught exceptions, failed requests, static
    assets answered with an error status, CSP violations."""

    def watch_context(self, context):
        context.add_init_script(REPORT_CSP)
        context.on("page", self.watch_page)
        for page in context.pages:
            self.watch_page(page)

    def watch_page(self, page):
        page.on("console", lambda message: self._console(page, message))
        page.on("pageerror", lambda error: self.append(f"page error on {page.url}: {error}"))
        page.on("requestfailed", self._failed)
        page.on("response", self._response)

    def _console(self, page, message):
        # A page or fragment answered 4xx on purpose (a refusal under test) is also logged by Chromium as "Failed
        # to load resource"; static assets with an error status are caught by _response instead.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.append(f"console error on {page.url}: {message.text}")

    def _failed(self, request):
        failure = request.failure or ""
        # A download started from a link aborts its navigation: that is how Chromium hands the file over.
        if request.resource_type == "document" and "ERR_ABORTED" in failure:
            return
        self.append(f"request failed: {request.method} {request.url} ({failure})")

    def _response(self, response):
        if response.status >= 400 and (response.request.resource_type in STATIC_TYPES or "/static/" in response.url):
            self.append(f"static asset {response.url} answered {response.status}")


@pytest.fixture(autouse=True)
def browser_problems(request, monkeypatch):
    """Every browser test fails on any console error, uncaught exception, failed request, static asset answered
    with an error, or CSP violation in any page it opened (listed at teardown), so inline handlers and styles
    the CSP silently drops cannot come back."""
    problems = BrowserProblems()
    if "browser" in request.fixturenames:
        browser = request.getfixturevalue("browser")
        new_context = browser.new_context

        def watched_new_context(*args, **kwargs):
            context = new_context(*args, **kwargs)
            problems.watch_context(context)
            return context

        monkeypatch.setattr(browser, "new_context", watched_new_context)
    yield problems
    assert not problems, "problems in the browser:\n" + "\n".join(problems)


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="th-TH")
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def screenshot():
    SCREENS.mkdir(parents=True, exist_ok=True)

    def take(page, name):
        path = SCREENS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


def log_in(page, live_server, email, password):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", password)
    page.click("button[type=submit].btn-primary")
    page.wait_for_load_state("networkidle")


def serious_violations(page) -> list[str]:
    """axe-core's critical and serious violations on the page as it is now (at most five elements each)."""
    page.evaluate(AXE.read_text(encoding="utf-8"))  # add_script_tag would be blocked by the CSP
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [f"{v['impact']} {v['id']}: {v['help']} — " + json.dumps([n["target"] for n in v["nodes"][:5]],
                                                                     ensure_ascii=False)
            for v in result["violations"] if v["impact"] in ("critical", "serious")]


# The elements that stick out of a phone's width (not those inside a box that scrolls), to say what to fix.
WIDEST = """
[...document.querySelectorAll("body *")]
  .filter((e) => e.getBoundingClientRect().right > innerWidth + 1)
  .filter((e) => !e.parentElement.closest(".table-responsive, table.table, .dropdown-menu"))
  .slice(0, 6)
  .map((e) => `${e.tagName.toLowerCase()}${e.id ? "#" + e.id : ""}.${[...e.classList].join(".")}`
              + ` right=${Math.round(e.getBoundingClientRect().right)}`)
"""


def problems_at_both_widths(page, screenshot, name) -> list[str]:
    """The open page at its desktop width (1366 px), then reloaded at 375 px (a phone): axe's critical and
    serious violations at each width, and at 375 px whether the page scrolls sideways (naming the elements that
    stick out). A screenshot at each width, ``{name}-1366`` and ``{name}-375``. The page is left at 375 px.
    Assert ``problems_at_both_widths(...) == []``: both screenshots are taken before anything fails."""
    problems = [f"at 1366 px: {violation}" for violation in serious_violations(page)]
    screenshot(page, f"{name}-1366")
    page.set_viewport_size({"width": 375, "height": 800})
    page.reload()
    page.wait_for_load_state("networkidle")
    problems += [f"at 375 px: {violation}" for violation in serious_violations(page)]
    width = page.evaluate("document.documentElement.scrollWidth")
    if width > 375:
        problems.append(f"scrolls sideways at 375 px: {width} px wide; widest: {page.evaluate(WIDEST)}")
    screenshot(page, f"{name}-375")
    return problems
