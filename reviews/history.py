"""A history's changes as people read them: field labels instead of keys, B.E. dates, names instead of e-mail
addresses, baht with separators, state and status names instead of codes.

Events keep what was written as text (``{key: [old, new]}``, keys being field names or labels, values
``str()`` of the value: ``2026-06-30``, ``1234.50``, ``owner@…``, ``in_progress``). Reading turns them back
into what the page shows; the stored history stays as it was.
"""

import re
from datetime import date, datetime

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from plans.lib import thaidate

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def common_labels() -> dict[str, str]:
    """Keys written by the workflows themselves, not model fields."""
    return {
        "evidence added": _("Evidence added"),
        "evidence removed": _("Evidence removed"),
        "owner": _("Owner"),
        "due": _("Due date"),
        "user": _("Owner"),
        "until": _("May send until"),
        "disbursed": _("Disbursed this quarter (finance)"),
    }


MONEY_KEYS = {"disbursed", "spent_this_quarter", "amount", "budget"}
DATE_KEYS = {"due", "until"}


def names_of(values) -> dict[str, str]:
    """{e-mail: full name} for the e-mail addresses among ``values``."""
    emails = {value for value in values if isinstance(value, str) and EMAIL.match(value)}
    if not emails:
        return {}
    return {email: name or email for email, name in User.objects.filter(email__in=emails)
            .values_list("email", "full_name")}


def readable(value, *, field: models.Field | None = None, key: str = "", names: dict | None = None) -> str:
    """One stored value as the page shows it."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, datetime):
        return thaidate.format_datetime(timezone.localtime(value) if timezone.is_aware(value) else value)
    if isinstance(value, date):
        return thaidate.format_date(value)
    text = str(value)
    if field is not None and field.choices:
        return str(dict(field.flatchoices).get(text, text))
    if ISO_DATE.match(text):
        try:
            return thaidate.format_date(date.fromisoformat(text))
        except ValueError:
            return text
    if ISO_DATETIME.match(text):
        try:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            return text
        return thaidate.format_datetime(timezone.localtime(moment) if timezone.is_aware(moment) else moment)
    if names and text in names:
        return names[text]
    money = key in MONEY_KEYS or (isinstance(field, models.DecimalField) and "baht" in str(field.verbose_name))
    if money and thaidate.to_decimal(text) is not None:
        return thaidate.format_baht(text)
    if isinstance(field, models.DecimalField | models.IntegerField | models.FloatField):
        number = thaidate.to_decimal(text)
        if number is not None:
            places = 0 if number == number.to_integral_value() else getattr(field, "decimal_places", 2)
            return thaidate.format_number(number, places)
    return text


def _field(model, key: str):
    if model is None:
        return None
    try:
        return model._meta.get_field(key)
    except Exception:  # noqa: BLE001 — a key that is a label, not a field
        return None


def label_of(model, key: str) -> str:
    field = _field(model, key)
    if field is not None and getattr(field, "verbose_name", None):
        text = str(field.verbose_name)
        return text[:1].upper() + text[1:]
    return common_labels().get(key, key)


def readable_changes(model, changes: dict, *, names: dict | None = None) -> list[dict]:
    """``changes`` ({key: [old, new]} or {key: new}) of a record of ``model`` as rows {label, old, new}."""
    if names is None:
        names = names_of(v for change in changes.values()
                         for v in (change if isinstance(change, list | tuple) else [change]))
    rows = []
    for key, change in changes.items():
        old, new = change if isinstance(change, list | tuple) and len(change) == 2 else ("", change)
        field = _field(model, key)
        rows.append({"label": label_of(model, key),
                     "old": readable(old, field=field, key=key, names=names),
                     "new": readable(new, field=field, key=key, names=names)})
    return rows


def with_readable_changes(events, model) -> list:
    """The events, each with ``lines``: its changes as :func:`readable_changes` gives them (one lookup of
    names for all events)."""
    events = list(events)
    names = names_of(v for event in events for change in (event.changes or {}).values()
                     for v in (change if isinstance(change, list | tuple) else [change]))
    for event in events:
        event.lines = readable_changes(model, event.changes or {}, names=names)
    return events
