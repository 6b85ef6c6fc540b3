"""The CSP (SECURE_CSP) forbids inline handlers and styles, and the browser ignores them silently: page templates
carry neither. E-mail bodies and PDF templates have no CSP (and mail clients ignore stylesheets), so they may."""

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
INLINE = re.compile(r"""<[^>]*\s(on[a-z]+|style)\s*=""", re.IGNORECASE)
ALLOWED = (  # no CSP applies to these; each says so in a comment at its top
    "reminders/email/",
    "reporting/annual/",
    "inspections/appointments_pdf.html",
    "inspections/monitoring_pdf.html",
    "emenscr/summary_pdf.html",
    "inspections/round_report.html",
    "inspections/meeting_pdf.html",
)


def _allowed(name: str) -> bool:
    return any(name == entry or (entry.endswith("/") and name.startswith(entry)) for entry in ALLOWED)


def test_page_templates_have_no_inline_handlers_or_styles():
    offenders = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        name = path.relative_to(TEMPLATES).as_posix()
        if _allowed(name):
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if INLINE.search(line):
                offenders.append(f"{name}:{number}: {line.strip()[:120]}")
    assert offenders == []


def test_allowed_templates_say_why_at_their_top():
    for path in sorted(TEMPLATES.rglob("*.html")):
        name = path.relative_to(TEMPLATES).as_posix()
        if _allowed(name) and INLINE.search(path.read_text(encoding="utf-8")):
            assert path.read_text(encoding="utf-8").startswith("{#"), name


def test_the_scan_finds_an_inline_handler_and_style():
    assert INLINE.search('<select onchange="this.form.submit()">')
    assert INLINE.search('<div class="bar" style="width: 5%">')
    assert not INLINE.search('<button data-print>')
