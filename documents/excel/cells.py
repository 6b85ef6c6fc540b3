"""Reading typed values out of spreadsheet cells.

Every parser takes the raw cell value (``None``, ``str``, ``int``, ``float``,
``datetime``…) and returns a domain value or raises :class:`CellError` with a
stable ``code`` and a message for people.
"""

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.translation import gettext as _

from plans.lib.thaidate import parse_day_month_year

from ..text import BE_OFFSET, arabic_digits

MONEY_MAX = Decimal("999999999999.99")  # DecimalField(max_digits=14, decimal_places=2)
LIST_SPLIT = re.compile(r"[,\n;]+")
# 1234.5, -3, 1,234,567.89 (commas only as thousands separators)
NUMBER_TEXT = re.compile(r"-?(\d{1,3}(,\d{3})+|\d*)(\.\d+)?")
BE_THRESHOLD = 2400  # a year above this was written in the Buddhist era


class CellError(ValueError):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def text(value) -> str:
    """A cell as text: numbers typed into a text column come back without a spurious ``.0``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        value = value.date() if not (value.hour or value.minute or value.second) else value
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def bounded_text(value, limit: int) -> str:
    result = text(value)
    if len(result) > limit:
        raise CellError("too_long", _("Too long: at most %(limit)s characters.") % {"limit": limit})
    return result


def split_list(value) -> list[str]:
    """``"a, b;c"`` → ``["a", "b", "c"]`` (commas, semicolons or new lines)."""
    return [part.strip() for part in LIST_SPLIT.split(text(value)) if part.strip()]


def number(value) -> Decimal:
    """A number typed in a cell or as text (``1,234.50``, Thai digits, a trailing บาท)."""
    if isinstance(value, bool):
        raise CellError("bad_number", _("'%(value)s' is not a number.") % {"value": text(value)})
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        # repr() gives the shortest text that reads back as the same float: 1234567.89 stays exact.
        return Decimal(repr(value))
    if isinstance(value, Decimal):
        return value
    raw = text(value)
    cleaned = re.sub(r"[\s\u00a0]+|บาท$", "", arabic_digits(raw))
    if not NUMBER_TEXT.fullmatch(cleaned) or not any(c.isdigit() for c in cleaned):
        raise CellError("bad_number", _("'%(value)s' is not a number.") % {"value": raw})
    try:
        return Decimal(cleaned.replace(",", ""))
    except (InvalidOperation, ValueError):
        raise CellError("bad_number", _("'%(value)s' is not a number.") % {"value": raw}) from None


def money(value) -> Decimal:
    """Baht with at most two decimals (satang), not negative; a blank cell is zero."""
    if is_blank(value):
        return Decimal("0.00")
    amount = number(value)
    if amount < 0:
        raise CellError("negative", _("The amount cannot be negative."))
    if amount != amount.quantize(Decimal("0.01")):
        raise CellError("bad_number", _("At most two decimals (satang) are allowed."))
    if amount > MONEY_MAX:
        raise CellError("bad_number", _("The amount is too large."))
    return amount.quantize(Decimal("0.01"))


def whole_number(value, *, minimum: int, maximum: int) -> int:
    try:
        result = number(value)
    except CellError:
        result = None
    if result is None or result != result.to_integral_value() or not minimum <= result <= maximum:
        raise CellError("bad_number", _("'%(value)s' is not a whole number from %(min)s to %(max)s.") % {
            "value": text(value), "min": minimum, "max": maximum})
    return int(result)


_DATE_FIELD = forms.DateField()


def _typed_date(raw: str) -> date | None:
    """``8/1/2569`` (Buddhist era), ``8/1/2026`` or a date in one of Django's input formats (``2026-01-08``);
    Thai digits are read too. ``None`` when it is none of them."""
    try:
        parsed = parse_day_month_year(raw)
    except ValueError:
        return None
    if parsed is not None:
        return parsed
    try:
        return _DATE_FIELD.to_python(arabic_digits(raw).strip())
    except forms.ValidationError:
        return None


def _common_era(day: date) -> date:
    """A date whose year was typed in the Buddhist era (Excel reads 8/1/2569 as the year 2569)."""
    if day.year > BE_THRESHOLD:
        try:
            return day.replace(year=day.year - BE_OFFSET)
        except ValueError:  # 29 Feb of a year that is not leap in the Common Era
            raise CellError("bad_date", _("'%(value)s' is not a date; write it like 8/1/2569 or 2026-01-08.") % {
                "value": day.isoformat()}) from None
    return day


def a_date(value) -> date | None:
    """An Excel date, an Excel serial number, ``8/1/2569`` (Buddhist era) or ``2026-01-08``."""
    if is_blank(value):
        return None
    if isinstance(value, datetime):
        return _common_era(value.date())
    if isinstance(value, date):
        return _common_era(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 1 <= value < 2958466:
        from openpyxl.utils.datetime import from_excel

        return _common_era(from_excel(value).date())
    raw = text(value)
    parsed = _typed_date(raw)
    if parsed is None:
        raise CellError("bad_date", _("'%(value)s' is not a date; write it like 8/1/2569 or 2026-01-08.") % {
            "value": raw})
    return _common_era(parsed)
