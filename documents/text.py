"""Thai text in documents: digits, the Buddhist era, and terms that must not break across lines.

Pure functions of strings and dates; the HTML helpers change only the text of a document, never its
tags, styles or entities.
"""

import re
from datetime import datetime

# The Thai date helpers are plain functions in plans.lib (no model): one copy of the digits, months and era.
from plans.lib.thaidate import BE_OFFSET, MONTHS_SHORT, arabic_digits, thai_digits  # noqa: F401 (re-exported)


def be_datetime(moment: datetime) -> str:
    """``8 ม.ค. 2569 14:30 น.``: a moment as Thai documents print it (Buddhist-era year)."""
    return f"{moment.day} {MONTHS_SHORT[moment.month - 1]} {moment.year + BE_OFFSET} {moment:%H:%M} น."


# --------------------------------------------------------------------------------------------- HTML

_TEXT = re.compile(r"(<style.*?</style>|<title.*?</title>|<[^>]+>|&#?\w+;)", re.S)
# Terms Thai line breaking (libthai) would split at an inner word boundary (ผู้ | อำนวยการ), which
# official documents avoid; they are kept on one line. So is an office's area and its number (เขต 12).
KEEP_TOGETHER = re.compile("(ผู้อำนวยการ|ผู้รับผิดชอบ|ผู้ตรวจราชการ|ปีงบประมาณ|งบประมาณ|ตัวชี้วัด|ค่าเป้าหมาย"
                           "|เขต[ \u00a0]*[0-9๐-๙]+)")


def text_parts(html: str, change) -> str:
    """Apply ``change`` to the text between the tags (and entities) of ``html``."""
    return "".join(part if index % 2 else change(part) for index, part in enumerate(_TEXT.split(html)))


def thai_digits_html(html: str) -> str:
    """Arabic digits → Thai digits in the text of an HTML document (not in tags, styles or entities)."""
    return text_parts(html, thai_digits)


def keep_terms_together(html: str) -> str:
    """Wrap the terms of ``KEEP_TOGETHER`` in ``<span class="nw">`` (the stylesheet gives it nowrap)."""
    return text_parts(html, lambda text: KEEP_TOGETHER.sub(r'<span class="nw">\1</span>', text))
