"""The form's history as people read it: field labels, activity numbers and state names instead of keys."""

from django.utils.translation import gettext as _

from reviews.history import names_of, readable

from .models import ActivityProgress, IndicatorResult, QuarterlyReport

STATE_LABELS = dict(QuarterlyReport.State.choices)


def _field_labels():
    return {
        "spent_this_quarter": _("Budget spent this quarter (baht)"),
        "outputs": _("Outputs"),
        "outcomes": _("Outcomes"),
        "problems": _("Problems and obstacles"),
        "suggestions": _("Suggestions"),
        "evidence added": _("Evidence added"),
        "evidence removed": _("Evidence removed"),
        "disbursed": _("Disbursed this quarter (finance)"),
        "user": _("Owner"),
        "until": _("May send until"),
        "status": _("Status"),
        "percent": _("Percent complete"),
        "description": _("What was done"),
        "value": _("Result"),
        "text": _("Note"),
    }


def _field(model, name: str):
    try:
        return model._meta.get_field(name)
    except Exception:  # noqa: BLE001 — a key that names no field
        return None


def outside_changes(report_id: int):
    """Database-recorded changes that did not go through the workflow (each workflow write bumps the version by one)."""
    from django.db.models import F

    from .models import ReportRevision

    return ReportRevision.objects.filter(report_id=report_id).exclude(new_version=F("old_version") + 1)


def _row(*, at, who, what, reason="", lines, old_state, new_state, outside=False) -> dict:
    moved = old_state != new_state
    return {"at": at, "who": who, "what": what, "reason": reason, "lines": lines, "outside": outside,
            "from": STATE_LABELS.get(old_state, old_state) if moved else "",
            "to": STATE_LABELS.get(new_state, new_state) if moved else ""}


def describe(events, *, activities: dict, indicators: dict, revisions=()) -> list[dict]:
    """``activities`` maps activity ids to their number, ``indicators`` target ids to indicator codes.

    Workflow events and changes made around the workflow come out as rows of one shape, oldest first.
    """
    labels = _field_labels()
    events = list(events)
    revisions = list(revisions)
    names = names_of(value for event in events for change in event.changes.values()
                     for value in (change if isinstance(change, list | tuple) else [change]))
    rows = []
    for event in events:
        lines = []
        for key, change in event.changes.items():
            old, new = change if isinstance(change, list | tuple) and len(change) == 2 else ("", change)
            kind, _sep, rest = key.partition(" ")
            ident, _sep, attr = rest.partition(" ")
            if kind == "activity" and ident.isdecimal():
                label = _("Activity %(no)s: %(field)s") % {"no": activities.get(int(ident), "?"),
                                                          "field": labels.get(attr, attr)}
                field = _field(ActivityProgress, attr)
            elif kind == "indicator" and ident.isdecimal():
                label = _("Indicator %(code)s: %(field)s") % {"code": indicators.get(int(ident), "?"),
                                                             "field": labels.get(attr, attr)}
                field = _field(IndicatorResult, attr)
            else:
                label, attr = labels.get(key, key), key
                field = _field(QuarterlyReport, key)
            lines.append({"label": label, "old": readable(old, field=field, key=attr, names=names),
                          "new": readable(new, field=field, key=attr, names=names)})
        rows.append(_row(at=event.at, who=event.actor.full_name if event.actor else "",
                         what=event.get_action_display(), reason=event.reason, lines=lines,
                         old_state=event.from_state, new_state=event.to_state))
    for revision in revisions:
        lines = [{"label": labels.get(key, key), "old": readable(old, field=_field(QuarterlyReport, key), key=key),
                  "new": readable(new, field=_field(QuarterlyReport, key), key=key)}
                 for key, (old, new) in revision.changed_fields().items()]
        rows.append(_row(at=revision.changed_at, who="", what=_("Changed directly in the database"), lines=lines,
                         old_state=revision.old_state, new_state=revision.new_state, outside=True))
    rows.sort(key=lambda row: row["at"])
    return rows
