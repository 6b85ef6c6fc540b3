"""Indicator results as numbers: their own parser, not the money parser.

* Thai digits (๐–๙) and thousands commas (1,234.5) are accepted, spaces and a trailing % are ignored.
* At most two decimals (the database keeps two) and twelve digits before the point.
* Negative results are allowed (a change, a difference, a balance can be below zero) except for an
  indicator measured as a percentage (its unit says %, ร้อยละ or percent), whose result is 0–100.
  The Indicator model has no "may be negative" flag, so the unit decides.
"""

import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
_NUMBER = re.compile(r"^-?(\d+|\d{1,3}(,\d{3})+)(\.\d+)?$")
_PERCENT_UNITS = ("%", "ร้อยละ", "percent", "เปอร์เซ็นต์")


def is_percentage(indicator) -> bool:
    unit = (getattr(indicator, "unit", "") or "").strip().lower()
    return any(word in unit for word in _PERCENT_UNITS)


def parse_indicator_value(raw, indicator=None) -> Decimal | None:
    """The result typed for ``indicator`` as a Decimal with two places; None when blank;
    :class:`ValidationError` with a message for the page otherwise."""
    text = str(raw if raw is not None else "").translate(_THAI_DIGITS).replace("\u2212", "-")
    text = "".join(text.split()).removesuffix("%")
    if not text:
        return None
    if not _NUMBER.match(text):
        raise ValidationError(_("Write the result as a number, e.g. 85.5 or -3 (Thai digits and thousands "
                                "commas are fine)."), code="not_number")
    try:
        value = Decimal(text.replace(",", ""))
    except InvalidOperation:
        raise ValidationError(_("Write the result as a number, e.g. 85.5."), code="not_number") from None
    if value != value.quantize(Decimal("0.01")):
        raise ValidationError(_("At most two decimals are allowed."), code="decimals")
    if abs(value) >= Decimal("1e12"):
        raise ValidationError(_("The number is too large."), code="too_large")
    if indicator is not None and is_percentage(indicator) and not Decimal("0") <= value <= Decimal("100"):
        raise ValidationError(_("This indicator is a percentage: give a number from 0 to 100."), code="percent")
    return value.quantize(Decimal("0.01"))
