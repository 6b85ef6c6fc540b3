"""Buddhist-era formatting in the language of the current request (Django-aware wrapper of lib.thaidate)."""

from django.utils import translation

from .lib import thaidate


def current_language() -> str:
    return "en" if (translation.get_language() or "th").startswith("en") else "th"


def display_date(day, style: str = "short", digits: str = "arabic") -> str:
    return thaidate.format_date(day, style, digits=digits, language=current_language())
