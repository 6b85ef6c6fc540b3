"""Every page in Thai: each demo role crawls the navigation with LANGUAGE th, and no page shows

(a) an English msgid of our catalogue that has a Thai translation (it appears verbatim only when it was not
    translated: a string outside gettext, a missing ``{% trans %}``, a lazy string evaluated too early), nor
(b) a Christian-era year right after a Thai month name ("9 ม.ค. 2026": a date printed without the B.E. filter),
    nor an ISO date ("2026-06-30": a stored value shown as it was stored).

The crawl follows GET links on this site only, at most ``PER_VIEW`` pages per view (every kind of page, not
every object), for the demo's current and previous fiscal year. The administrator also crawls the admin.
"""

import re
from collections import defaultdict, deque
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import polib
import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import Resolver404, resolve
from django.utils import timezone

from accounts.models import User
from plans.lib.fiscal import fiscal_year_of
from tests.security.test_leak_crawl import FILE_SUFFIXES, _Links, _local

pytestmark = pytest.mark.django_db

PO = Path(__file__).resolve().parent.parent / "locale" / "th" / "LC_MESSAGES" / "django.po"
PER_VIEW = 3  # pages fetched per view name (and per admin model page kind)
ROLES = ["planning@spm12.example.go.th", "owner@spm12.example.go.th", "owner2@spm12.example.go.th",
         "head@spm12.example.go.th", "finance@spm12.example.go.th", "director@spm12.example.go.th",
         "committee@spm12.example.go.th", "admin@spm12.example.go.th", "planning@tak2.example.go.th",
         "central@obec.example.go.th"]
ADMIN_SKIP = ("/logout", "/delete/", "/password/")

THAI_MONTHS = ("มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน", "กรกฎาคม", "สิงหาคม",
               "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม", "ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.",
               "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค.")
CHRISTIAN_YEAR = re.compile(
    r"(?:%s)\s*(?:ค\.ศ\.\s*)?(?:(?:19|20)\d\d|[๑][๙][๐-๙]{2}|[๒][๐][๐-๙]{2})(?![\d๐-๙])"
    % "|".join(re.escape(month) for month in THAI_MONTHS))
ISO_DATE = re.compile(r"(?<![\w/.-])(?:19|20)\d\d-[01]\d-[0-3]\d(?![\w/-])")  # 2026-06-30: Christian era, unread
PLACEHOLDER = re.compile(r"%\(\w+\)[sdf]|%[sdf]|\{\w*\}")


class _Text(HTMLParser):
    """The text a reader sees or hears: element text and the title/placeholder/aria-label/alt attributes."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts, self._hidden = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "template"):
            self._hidden += 1
        for name, value in attrs:
            if name in ("title", "placeholder", "aria-label", "alt") and value:
                self.parts.append(value)

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template") and self._hidden:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden and data.strip():
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return "\n".join(" ".join(part.split()) for part in parser.parts)


def _msgid_pattern(msgid: str) -> re.Pattern | None:
    """A pattern for the English text of ``msgid`` (placeholders match anything short), or None when it has
    too little English to tell (a code, a symbol, one letter)."""
    pieces = PLACEHOLDER.split(" ".join(msgid.split()))
    if sum(len(re.findall(r"[A-Za-z]", piece)) for piece in pieces) < 3:
        return None
    if len(pieces) == 1 and " " not in pieces[0]:
        # One word ("Office", "Search") is English only as a whole label, button or title: inside a sentence
        # it may be a name the office typed ("โครงการสำนักงานสีเขียว (Green Office)").
        return re.compile(r"(?m)^\s*%s\s*:?\s*$" % re.escape(pieces[0]))
    body = r".{0,120}?".join(r"\s+".join(re.escape(word) for word in piece.split(" ")) for piece in pieces)
    return re.compile(r"(?<![\w@.\-/])%s(?![\w@\-/])" % body.strip())


def translated_msgids() -> list[tuple[str, re.Pattern]]:
    """Our catalogue's English msgids whose Thai differs from the English, as patterns."""
    found = []
    for entry in polib.pofile(str(PO)):
        if entry.obsolete or not entry.translated() or "fuzzy" in entry.flags:
            continue
        if entry.msgid_plural:
            candidates = [(entry.msgid, entry.msgstr_plural.get(0, "")),
                          (entry.msgid_plural, entry.msgstr_plural.get(0, ""))]
        else:
            candidates = [(entry.msgid, entry.msgstr)]
        for msgid, msgstr in candidates:
            pattern = _msgid_pattern(msgid) if msgid.strip() != msgstr.strip() else None
            if pattern:
                found.append((msgid, pattern))
    return found


def english_left(text: str, msgids) -> list[str]:
    return [msgid for msgid, pattern in msgids if pattern.search(text)]


def _around(text: str, pattern: re.Pattern) -> str:
    match = pattern.search(text)
    return " ".join(text[max(match.start() - 40, 0):match.end() + 40].split()) if match else ""


def christian_years(text: str) -> list[str]:
    return [match.group(0) for match in (*CHRISTIAN_YEAR.finditer(text), *ISO_DATE.finditer(text))]


def _kind(url: str) -> str:
    path = urlsplit(url).path
    if path.startswith("/admin/"):  # /admin/<app>/<model>/<pk>/change/ → /admin/<app>/<model>/*/change/
        return re.sub(r"/\d+/", "/*/", path)
    try:
        return resolve(path).view_name
    except Resolver404:
        return path


def _admin_local(base: str, href: str) -> str | None:
    from urllib.parse import urldefrag, urljoin
    url = urldefrag(urljoin(base, href))[0]
    parts = urlsplit(url)
    if parts.netloc not in ("", "testserver") or not parts.path.startswith("/admin/") or parts.query:
        return None
    if any(skip in parts.path for skip in ADMIN_SKIP):
        return None
    return parts.path


def crawl_in_thai(client: Client, start: list[str], *, admin: bool) -> dict[str, str]:
    """{url: visible text} of every kind of page reachable from ``start``."""
    seen, pages, per_kind = set(start), {}, defaultdict(int)
    queue = deque(start)
    while queue:
        url = queue.popleft()
        kind = _kind(url)
        if urlsplit(url).path.endswith(FILE_SUFFIXES) or per_kind[kind] >= PER_VIEW:
            continue
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        per_kind[kind] += 1
        html = response.content.decode()
        pages[url] = visible_text(html)
        parser = _Links()
        parser.feed(html)
        for href in parser.links:
            link = _local(url, href) or (_admin_local(url, href) if admin else None)
            if link and link not in seen:
                seen.add(link)
                queue.append(link)
    return pages


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo data, seeded once for the module and rolled back after it."""
    with django_db_blocker.unblock():
        with transaction.atomic():
            call_command("seed_demo", stdout=open("/dev/null", "w"))
            yield
            transaction.set_rollback(True)


def _start(year_now: int, *, admin: bool) -> list[str]:
    years = [year_now, year_now - 1]
    start = ["/", "/accounts/password/"] + [f"{page}?fy={year}" for year in years for page in (
        "/projects/", "/projects/forms/", "/projects/forms/review/", "/projects/forms/approval/",
        "/projects/forms/overview/", "/projects/forms/disbursements/", "/reporting/", "/reporting/annual/",
        "/inspections/", "/inspections/board/", "/inspections/mine/", "/inspections/monitoring/",
        "/reporting/rollup/")]
    start += [f"/plans/{year}/plan/" for year in years]
    return start + (["/admin/"] if admin else [])


def test_every_page_is_thai_for_every_role(demo, django_db_blocker):
    msgids = translated_msgids()
    year_now = fiscal_year_of(timezone.localdate())
    problems, fetched = [], 0
    with django_db_blocker.unblock():
        for email in ROLES:
            user = User.objects.get(email=email)
            client = Client(headers={"accept-language": "th"})
            client.cookies["django_language"] = "th"
            client.force_login(user)
            pages = crawl_in_thai(client, _start(year_now, admin=user.is_staff), admin=user.is_staff)
            fetched += len(pages)
            for url, text in pages.items():
                for msgid, pattern in msgids:
                    if pattern.search(text):
                        problems.append(f"{email} {url}: untranslated {msgid!r} in …{_around(text, pattern)}…")
                for found in christian_years(text):
                    problems.append(f"{email} {url}: Christian-era date {found!r} in …{_around(text, re.compile(re.escape(found)))}…")
    assert fetched > 50, "the crawl reached too few pages to prove anything"
    assert not problems, "\n".join(sorted(set(problems)))


def test_the_checks_catch_what_they_are_meant_to_catch():
    msgids = translated_msgids()
    assert christian_years("ครบกำหนด 9 ม.ค. 2026") == ["ม.ค. 2026"]
    assert christian_years("9 มกราคม พ.ศ. 2569 และ ๙ ม.ค. ๒๕๖๙") == []
    assert christian_years("๙ ม.ค. ๒๐๒๖") == ["ม.ค. ๒๐๒๖"]
    assert christian_years("ต.ค. 2568 – ธ.ค.\xa02025") == ["ธ.ค.\xa02025"]
    assert christian_years("owner: นายสมชาย due: 2026-06-30") == ["2026-06-30"]
    assert christian_years("2569-038 โครงการ") == []
    assert "Submitted" not in english_left("ส่งแล้ว", msgids)
    assert "Office" not in english_left("โครงการสำนักงานสีเขียว (Green Office)", msgids)
    assert "Office" in english_left("กลุ่ม\nOffice\nสถานะ", msgids)
    text = visible_text("<p title='Select an option'>ok</p><script>var x = 'Projects'</script>")
    assert "Projects" not in text and "Select an option" in text
    english = [msgid for msgid, _pattern in msgids][:50]
    assert all(english_left(" ".join(PLACEHOLDER.sub("x", m).split()), msgids) for m in english)
