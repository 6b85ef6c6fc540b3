"""The fiscal-year dashboard: completeness and timeliness, budget against targets, indicators, overdue forms."""

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from accounts.models import WorkGroup
from accounts.offices import look_into
from accounts.permissions import reads_final_work_only
from plans.templatetags.thai import quarter_label
from plans.choosing import chosen_fiscal_year

from . import charts, figures

OVERDUE_LISTED = 25


def filters(request, fy):
    """The quarter, group and basis asked for, each limited to what the viewer may see."""
    from projects.models import Project

    quarter = request.GET.get("q", "")
    quarter = int(quarter) if quarter in ("1", "2", "3", "4") else None
    groups = WorkGroup.objects.filter(
        pk__in=Project.objects.visible_to(request.user).filter(fiscal_year=fy).values("group")).order_by("order")
    wanted = request.GET.get("group", "")
    group = groups.filter(pk=int(wanted)).first() if wanted.isdecimal() else None
    basis = figures.Basis.of(request.GET.get("basis"))
    if reads_final_work_only(request.user):
        basis = figures.Basis.APPROVED  # committee members read the approved basis only
    return quarter, group, list(groups), basis


ROLLUP_KEYS = ("fy", "q", "kind", "province", "region", "sort", "basis")


def rollup_query(request, fy, quarter) -> str:
    """The roll-up's query string to go back to from a drill-in: the filters and order it was opened with
    (``?rollup=``, only the roll-up's own keys), else this page's year and quarter."""
    from django.http import QueryDict

    asked = QueryDict(request.GET.get("rollup", "")[:500])
    kept = {key: asked[key][:50] for key in ROLLUP_KEYS if asked.get(key)}
    return urlencode(kept or {"fy": fy.year, **({"q": quarter} if quarter else {})})


@login_required
@require_safe
def dashboard(request):
    drill = look_into(request)  # ?office=<id> from the roll-up: that office, read-only, for this request only
    office, years, fy = chosen_fiscal_year(request)
    if fy is None:
        if drill is not None:
            raise Http404("The office has no fiscal year yet.")
        return redirect("plans:fiscal_year_list")
    quarter, group, groups, basis = filters(request, fy)
    year = figures.summary(fy, user=request.user, basis=basis, group=group, quarter=quarter,
                           overdue_listed=OVERDUE_LISTED)
    labels = [quarter_label(q) for q in year.quarters]
    budget_chart = charts.grouped_bars(
        labels,
        [(_("Disbursed (cumulative)"), "#0d6efd", [b.cumulative for b in year.budget_quarters]),
         (_("Disbursement target (cumulative)"), "#adb5bd", [b.target_amount for b in year.budget_quarters])],
        title=_("Budget disbursed against the cumulative target, by quarter (baht)"))
    rows = [{"group": g, "cells": [(q, year.matrix[g][q.number]) for q in year.form_quarters]} for g in year.groups]
    counts = year.indicator_counts
    current = next((b for b in reversed(year.budget_quarters) if b.cumulative is not None), None)
    from inspections.models import FollowUpAction

    actions = (FollowUpAction.objects.visible_to(request.user).open()
               .filter(recommendation__issue__round__fiscal_year=fy).select_related("owner").order_by("due_date", "id"))
    if group is not None:
        actions = actions.filter(group=group)
    today = timezone.localdate()
    open_actions = list(actions[:OVERDUE_LISTED])
    query = {"office": drill.pk if drill else "", "fy": fy.year, "q": quarter or "", "group": group.pk if group else "",
             "basis": basis}
    return render(request, "reporting/dashboard.html", {
        "fy": fy, "years": years, "office": office, "year": year, "rows": rows, "groups": groups,
        "group": group, "quarter": quarter, "basis": basis, "budget_chart": budget_chart,
        "final_only": reads_final_work_only(request.user),
        "indicator_counts": [(key, counts.get(key, 0)) for key in ("met", "not_yet", "reported", "no_data")],
        "overdue": year.overdue[:OVERDUE_LISTED], "overdue_count": year.overdue_count, "current": current,
        "query": query, "query_string": urlencode({k: v for k, v in query.items() if v}),
        "project_count": year.project_count,
        "totals": [(q, year.totals[q.number]) for q in year.form_quarters],
        "open_actions": open_actions, "open_action_count": actions.count(), "today": today, "drill": drill,
        "rollup_query": rollup_query(request, fy, quarter) if drill else "",
    })


@login_required
@require_safe
def export(request, kind: str):
    """The dashboard's Excel compilations, for what the viewer sees with the same filters."""
    from documents.responses import xlsx_response

    from .excel.compile import EXPORTS

    if kind not in EXPORTS:
        raise Http404
    look_into(request)
    office, years, fy = chosen_fiscal_year(request)
    if fy is None:
        raise Http404
    quarter, group, groups, basis = filters(request, fy)
    if kind == "progress":  # the chosen quarter's forms (default: the latest quarter that has started)
        today = timezone.localdate()
        forms = [q for q in fy.quarters.all() if q.needs_form]
        number = quarter or max((q.number for q in forms if q.start_date <= today),
                                default=forms[0].number if forms else 1)
        year = figures.year(fy, user=request.user, basis=basis, group=group, quarter=number)
        workbook = EXPORTS[kind](year, number)
    else:
        workbook = EXPORTS[kind](figures.year(fy, user=request.user, basis=basis, group=group, quarter=quarter))
    suffix = f"-q{quarter}" if quarter else ""
    return xlsx_response(workbook, f"tidtam-{kind}-{fy.year}{suffix}.xlsx")
