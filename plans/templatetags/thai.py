"""Thai presentation filters, loaded as template builtins on every page.

    {{ day|thaidate }}            8 ม.ค. 2569
    {{ day|thaidate:"long" }}     8 มกราคม พ.ศ. 2569
    {{ day|thaidate:"short,thai" }}  ๘ ม.ค. ๒๕๖๙
    {{ moment|thaidatetime }}     8 ม.ค. 2569 14:05 น.
    {{ amount|baht }}             1,234,567.50
    {{ count|thnum }}             1,234
    {{ value|measure:unit }}      800 (คน), 85.30 (ร้อยละ)
    {{ fy|fiscal_label }}         ปีงบประมาณ พ.ศ. 2569
    {{ quarter|quarter_label }}   ไตรมาส 1/2569
    {{ value|thaidigits }}        ๒๕๖๙
"""

from datetime import date, datetime

from django import template
from django.utils import timezone

from plans.formatting import current_language
from plans.lib import thaidate as thaidate_lib

register = template.Library()


_language = current_language


def _parse(arg: str | None) -> tuple[str, str]:
    parts = [p.strip() for p in (arg or "").split(",") if p.strip()]
    style = next((p for p in parts if p in ("short", "long", "month")), "short")
    digits = "thai" if "thai" in parts else "arabic"
    return style, digits


@register.filter
def thaidate(value, arg=None):
    if not value:
        return ""
    if isinstance(value, datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    style, digits = _parse(arg)
    return thaidate_lib.format_date(value, style, digits=digits, language=_language())


@register.filter
def thaidatetime(value, arg=None):
    if not value:
        return ""
    if isinstance(value, datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    _, digits = _parse(arg)
    return thaidate_lib.format_datetime(value, digits=digits, language=_language())


@register.filter
def baht(value, arg=None):
    return thaidate_lib.format_baht(value, digits="thai" if arg == "thai" else "arabic")


@register.filter
def thnum(value, arg=None):
    places = 0
    digits = "arabic"
    for part in str(arg or "").split(","):
        if part.strip().isdecimal():
            places = int(part)
        elif part.strip() == "thai":
            digits = "thai"
    return thaidate_lib.format_number(value, places, digits=digits)


@register.filter
def measure(value, unit=None):
    """``{{ value|measure:indicator.unit }}``: 800 คน, 85.30 ร้อยละ (the unit decides the decimals)."""
    return thaidate_lib.format_measure(value, unit)


@register.filter
def thaidigits(value):
    return thaidate_lib.thai_digits(value)


@register.filter
def fiscal_label(value):
    year = getattr(value, "year", value)
    if _language() == "en":
        return f"Fiscal year {year} BE"
    return f"ปีงบประมาณ พ.ศ. {year}"


@register.filter
def quarter_label(value, arg=None):
    number = getattr(value, "number", value)
    fy = getattr(getattr(value, "fiscal_year", None), "year", None)
    if _language() == "en":
        return f"Q{number}/{fy}" if fy else f"Q{number}"
    return f"ไตรมาส {number}/{fy}" if fy else f"ไตรมาส {number}"


@register.simple_tag
def today_thai(style="long"):
    return thaidate_lib.format_date(timezone.localdate(), style, language=_language())



@register.filter
def minutes(value):
    """A timedelta as whole minutes (at least 1)."""
    try:
        return max(1, int(value.total_seconds() // 60))
    except AttributeError:
        return ""


@register.filter
def month_abbr(month):
    """Thai (or English) abbreviation of a month number 1–12."""
    try:
        index = int(month) - 1
    except (TypeError, ValueError):
        return ""
    names = thaidate_lib.MONTHS_SHORT_EN if _language() == "en" else thaidate_lib.MONTHS_SHORT
    return names[index] if 0 <= index < 12 else ""


@register.filter
def weekday_abbr(day):
    if not day:
        return ""
    if _language() == "en":
        return day.strftime("%a")
    return thaidate_lib.WEEKDAYS_SHORT[day.weekday()]


@register.filter
def thaidate_iso(value, arg=None):
    """A date kept as ISO text (report snapshots) in Thai form."""
    if not value:
        return ""
    return thaidate(date.fromisoformat(str(value)[:10]), arg)


@register.filter
def get_key(mapping, key):
    return mapping.get(key, "") if hasattr(mapping, "get") else ""


@register.filter
def is_overdue_on(item, day):
    """``item.is_overdue(day)`` for templates."""
    return bool(getattr(item, "is_overdue", None) and item.is_overdue(day))
