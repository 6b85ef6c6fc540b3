"""Thai text in documents: digits, the Buddhist era, and terms that must not break across lines.

Pure functions of strings and dates; the HTML helpers change only the text of a document, never its
tags, styles or entities.
"""

import re
from datetime import datetime

BE_OFFSET = 543  # Buddhist era = Common Era + 543
MONTHS_SHORT = ("ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.", "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค.")
_TO_THAI = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")
_TO_ARABIC = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")


def thai_digits(text) -> str:
    """``2569`` → ``๒๕๖๙``."""
    return str(text).translate(_TO_THAI)


def arabic_digits(text) -> str:
    """``๒๕๖๙`` → ``2569``."""
    return str(text).translate(_TO_ARABIC)


def be_datetime(moment: datetime) -> str:
    """``8 ม.ค. 2569 14:30 น.``: a moment as Thai documents print it (Buddhist-era year)."""
    return f"{moment.day} {MONTHS_SHORT[moment.month - 1]} {moment.year + BE_OFFSET} {moment:%H:%M} น."


# --------------------------------------------------------------------------------------------- HTML

_TEXT = re.compile(r"(<style.*?</style>|<title.*?</title>|<[^>]+>|&#?\w+;)", re.S)
# Terms Thai line breaking (libthai) would split at an inner word boundary (ผู้ | อำนวยการ), which
# official documents avoid; they are kept on one line.
KEEP_TOGETHER = re.compile("(ผู้อำนวยการ|ผู้รับผิดชอบ|ผู้ตรวจราชการ|ปีงบประมาณ|งบประมาณ|ตัวชี้วัด|ค่าเป้าหมาย)")


def text_parts(html: str, change) -> str:
    """Apply ``change`` to the text between the tags (and entities) of ``html``."""
    return "".join(part if index % 2 else change(part) for index, part in enumerate(_TEXT.split(html)))


def thai_digits_html(html: str) -> str:
    """Arabic digits → Thai digits in the text of an HTML document (not in tags, styles or entities)."""
    return text_parts(html, thai_digits)


def keep_terms_together(html: str) -> str:
    """Wrap the terms of ``KEEP_TOGETHER`` in ``<span class="nw">`` (the stylesheet gives it nowrap)."""
    return text_parts(html, lambda text: KEEP_TOGETHER.sub(r'<span class="nw">\1</span>', text))
