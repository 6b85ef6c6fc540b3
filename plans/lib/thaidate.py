"""Thai presentation of dates, numbers and money, in the Buddhist era.

Django's ``th`` locale gives Thai month names but Gregorian years, so the
Buddhist-era formatting lives here.
"""

import re
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

# Buddhist-era year = Gregorian year + 543.
BE_OFFSET = 543
MONTHS_SHORT = ("ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.", "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค.")
MONTHS_LONG = (
    "มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน",
    "กรกฎาคม", "สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม",
)
MONTHS_SHORT_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
WEEKDAYS_SHORT = ("จ.", "อ.", "พ.", "พฤ.", "ศ.", "ส.", "อา.")

_TO_THAI = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")
_TO_ARABIC = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
NBSP = "\u00a0"


def thai_digits(text) -> str:
    return str(text).translate(_TO_THAI)


def arabic_digits(text) -> str:
    return str(text).translate(_TO_ARABIC)


_DAY_MONTH_YEAR = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")


def parse_day_month_year(text: str) -> date | None:
    """``8/1/2569`` (Buddhist era: a year above 2400), ``8/1/2026``, ``๘/๑/๒๕๖๙``, with ``/``, ``.`` or ``-``.

    ``None`` when the text is not written that way; :class:`ValueError` when it is but names no real day."""
    match = _DAY_MONTH_YEAR.fullmatch(arabic_digits(text).strip())
    if not match:
        return None
    day, month, year = (int(g) for g in match.groups())
    if year > 2400:
        year -= BE_OFFSET
    return date(year, month, day)


def be_year(day: date) -> int:
    return day.year + BE_OFFSET


def format_date(day: date | datetime | None, style: str = "short", *, digits: str = "arabic",
                language: str = "th", nbsp: bool = False) -> str:
    """``8 ม.ค. 2569`` (short), ``8 มกราคม พ.ศ. 2569`` (long), ``2569-01-08``-free.

    English keeps the Buddhist-era year too (``8 Jan 2569 BE``) because every
    official date in the office is in the Buddhist era.
    """
    if day is None:
        return ""
    if isinstance(day, datetime):
        day = day.date()
    if language == "en":
        text = f"{day.day} {MONTHS_SHORT_EN[day.month - 1]} {be_year(day)}"
        if style == "long":
            text += " BE"
    elif style == "long":
        text = f"{day.day} {MONTHS_LONG[day.month - 1]} พ.ศ. {be_year(day)}"
    elif style == "month":
        text = f"{MONTHS_SHORT[day.month - 1]} {be_year(day)}"
    else:
        text = f"{day.day} {MONTHS_SHORT[day.month - 1]} {be_year(day)}"
    if nbsp:
        text = text.replace(" ", NBSP)
    return thai_digits(text) if digits == "thai" else text


def format_datetime(moment: datetime | None, *, digits: str = "arabic", language: str = "th") -> str:
    if moment is None:
        return ""
    text = f"{format_date(moment, language=language)} {moment:%H:%M}"
    if language != "en":
        text += " น."
    return thai_digits(text) if digits == "thai" else text


def to_decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def format_number(value, places: int = 0, *, digits: str = "arabic") -> str:
    number = to_decimal(value)
    if number is None:
        return ""
    quantum = Decimal(1).scaleb(-places)
    text = f"{number.quantize(quantum, rounding=ROUND_HALF_UP):,.{places}f}"
    return thai_digits(text) if digits == "thai" else text


# Indicator units decide the decimals an indicator value prints with: things counted whole (persons,
# schools, times, books …) print none, rates and scores print two, any other unit prints the value as
# entered (5.00 ระดับ → 5, 4.27 ระดับ → 4.27). A count entered with a fraction keeps it.
WHOLE_UNITS = frozenset(("คน", "ราย", "แห่ง", "โรงเรียน", "สถานศึกษา", "ครั้ง", "เล่ม", "ฉบับ", "เรื่อง",
                         "โครงการ", "กิจกรรม", "หน่วยงาน", "ชิ้น", "ชิ้นงาน", "ผลงาน", "รายการ", "หลักสูตร",
                         "ห้อง", "ชุด", "เครื่อง", "ระบบ", "แผน", "เครือข่าย", "ศูนย์", "นวัตกรรม", "รูปแบบ"))
TWO_PLACE_UNITS = frozenset(("ร้อยละ", "%", "เปอร์เซ็นต์", "คะแนน"))


def unit_places(value, unit) -> int:
    """How many decimals ``value`` (a number) prints with in ``unit`` (see WHOLE_UNITS)."""
    number = to_decimal(value)
    unit = " ".join(str(unit or "").split())
    if unit in TWO_PLACE_UNITS:
        return 2
    entered = 0 if number is None or not number.is_finite() else max(0, -number.normalize().as_tuple().exponent)
    return 0 if unit in WHOLE_UNITS and entered == 0 else entered


def format_measure(value, unit, *, digits: str = "arabic") -> str:
    """An indicator value in its unit's decimals: ``800`` คน, ``85.30`` ร้อยละ, ``4.27`` ระดับ; text
    (a qualitative target such as "ทุกโรงเรียน") is returned as it is."""
    if value is None or value == "":
        return ""
    if to_decimal(value) is None:
        return str(value)
    return format_number(value, unit_places(value, unit), digits=digits)


def format_baht(value, *, digits: str = "arabic", unit: bool = False) -> str:
    """Baht with satang: ``1,234,567.50`` (``… บาท`` with ``unit=True``)."""
    text = format_number(value, 2, digits=digits)
    if text and unit:
        text += f"{NBSP}บาท"
    return text
