"""The page of :mod:`reporting.health`: planning staff and the director of the office, and central viewers of the
offices below them, compare the office's fiscal years (chart and table)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.views.decorators.http import require_safe

from accounts.offices import current_office
from accounts.models import Role
from accounts.permissions import DIRECTORS, PLANNERS, SURVEY_READERS, acts_for, has_any
from plans.templatetags.thai import fiscal_label

from . import health


def may_read(user, office) -> bool:
    """The office's planning staff and director; central viewers for the offices they read (``current_office``
    only ever gives them one of those)."""
    return acts_for(user, office, *PLANNERS, *DIRECTORS) or has_any(user, Role.CENTRAL)


@login_required
@require_safe
def health_page(request):
    office = current_office(request)
    if not may_read(request.user, office):
        raise PermissionDenied
    comparison = health.compare(office)
    rows = [{"metric": metric, "cells": [(metric.show(v), v is None) for v in values]}
            for metric, values in comparison.rows]
    groups = [{"group": group, "cells": [None if c is None else {
        "share": health.share(*c), "sent": c[0], "due": c[1]} for c in counts]} for group, counts in comparison.groups]
    oldest_first = list(reversed(comparison.years))
    chart = {"labels": [fiscal_label(fy) for fy in oldest_first], "datasets": [
        {"label": str(metric.label), "data": [None if v is None else float(v) for v in reversed(values)]}
        for metric, values in comparison.rows if metric.unit == health.PERCENT]}
    return render(request, "reporting/health.html", {
        "office": office, "years": comparison.years, "rows": rows, "groups": groups, "chart": chart,
        "may_read_survey": acts_for(request.user, office, *SURVEY_READERS),
    })
