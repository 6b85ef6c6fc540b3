"""The roll-up page for central viewers and its Excel export (the figures: ``reporting.rollup``)."""

from types import SimpleNamespace
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from config.routers import reads_from_replica
from accounts.models import Office
from accounts.permissions import ROLLUP_READERS, has_any

from . import rollup
from .figures import Basis

# (sort key, header, numeric)
COLUMNS = (
    ("office", gettext_lazy("Office"), False),
    ("province", gettext_lazy("Province"), False),
    ("projects", gettext_lazy("Projects"), True),
    ("on_time", gettext_lazy("On time"), True),
    ("late", gettext_lazy("Late"), True),
    ("missing", gettext_lazy("Missing"), True),
    ("sent", gettext_lazy("Sent (%)"), True),
    ("budget", gettext_lazy("Budget (baht)"), True),
    ("disbursed", gettext_lazy("Disbursed (baht)"), True),
    ("percent", gettext_lazy("Disbursed (%)"), True),
    ("target", gettext_lazy("Target (%)"), True),
    ("met", gettext_lazy("Indicators met"), True),
    ("open", gettext_lazy("Open actions"), True),
    ("overdue", gettext_lazy("Overdue actions"), True),
    ("editions", gettext_lazy("Approved editions"), True),
)


def _readers_only(request):
    if not has_any(request.user, *ROLLUP_READERS):
        raise PermissionDenied


def _filters(request) -> dict:
    """The filters asked for, each limited to what the viewer reads; nonsense is ignored."""
    user = request.user
    get = request.GET
    year = get.get("fy", "")
    quarter = get.get("q", "")
    kind = get.get("kind", "")
    region_id = get.get("region", "")
    region = rollup.regions(user).filter(pk=int(region_id)).first() if region_id.isdecimal() else None
    province = get.get("province", "").strip()
    sort = get.get("sort", "office")
    descending = sort.startswith("-")
    sort = sort.lstrip("-")
    if sort not in rollup.SORTS:
        sort, descending = "office", False
    return {
        "year": int(year) if year.isdecimal() and len(year) == 4 else None,
        "quarter": int(quarter) if quarter in ("1", "2", "3", "4") else None,
        "kind": kind if kind in rollup.AREA_KINDS else "",
        "province": province if province in rollup.provinces(user) else "",
        "region": region, "sort": sort, "descending": descending,
        "basis": Basis.of(get.get("basis")),
    }


def _figures(request, chosen: dict) -> rollup.Rollup:
    offices = rollup.scope(request.user, kind=chosen["kind"], province=chosen["province"], region=chosen["region"])
    return rollup.build(offices, year=chosen["year"], quarter=chosen["quarter"], basis=chosen["basis"],
                        sort=chosen["sort"], descending=chosen["descending"])


def _query(chosen: dict, data: rollup.Rollup, **changes) -> dict:
    query = {"fy": data.year, "q": data.quarter, "kind": chosen["kind"], "province": chosen["province"],
             "region": chosen["region"].pk if chosen["region"] else "",
             "sort": ("-" if chosen["descending"] else "") + chosen["sort"],
             "basis": chosen["basis"] if chosen["basis"] != Basis.SUBMITTED else ""}
    query.update(changes)
    return {key: value for key, value in query.items() if value not in ("", None)}


@login_required
@require_safe
@reads_from_replica
def rollup_page(request):
    _readers_only(request)
    chosen = _filters(request)
    data = _figures(request, chosen)
    headers = []
    for key, label, numeric in COLUMNS:
        active = chosen["sort"] == key
        # the first click sorts numbers largest first (the most late forms on top), names A–Z
        descending = not chosen["descending"] if active else numeric
        headers.append({
            "key": key, "label": label, "numeric": numeric, "active": active,
            "aria": ("descending" if chosen["descending"] else "ascending") if active else "",
            "url": "?" + urlencode(_query(chosen, data, sort=("-" if descending else "") + key)),
        })
    years = [SimpleNamespace(pk=y, year=y) for y in data.years]
    return render(request, "reporting/rollup.html", {
        # the rendered table, kept as long as its figures (their key and time of computing are in its key): the
        # same for every viewer of the scope and query
        "rollup_seconds": settings.TIDTAM_ROLLUP_CACHE_SECONDS,
        "table_key": f"{data.key}|{data.computed_at.isoformat()}|{urlencode(_query(chosen, data))}|{get_language()}",
        "rollup_minutes": max(1, settings.TIDTAM_ROLLUP_CACHE_SECONDS // 60) if settings.TIDTAM_ROLLUP_CACHE_SECONDS else 0,
        "data": data, "rows": data.rows, "totals": data.totals, "headers": headers, "chosen": chosen,
        "years": years, "fy": SimpleNamespace(pk=data.year, year=data.year),
        "regions": list(rollup.regions(request.user)), "provinces": rollup.provinces(request.user),
        "kinds": [(k, Office.Kind(k).label) for k in rollup.AREA_KINDS],
        "query_string": urlencode(_query(chosen, data)),
        # the drill-in's way back: this page with its filters and order (reporting.dashboard.rollup_query)
        "drill_query": urlencode({"q": data.quarter, **(
            {"basis": data.basis} if data.basis != Basis.SUBMITTED else {}), "rollup": urlencode(_query(chosen, data))}),
    })


@login_required
@require_safe
@reads_from_replica
def rollup_xlsx(request):
    """The roll-up's rows, with the same filters and order, as a workbook."""
    from openpyxl import Workbook

    from documents.excel.sheet import MONEY, Sheet
    from documents.responses import xlsx_response

    _readers_only(request)
    chosen = _filters(request)
    data = _figures(request, chosen)
    viewer = request.user.office or Office(name=_("All offices"))
    workbook = Workbook(write_only=True)
    basis = _("approved forms only") if data.basis == Basis.APPROVED else _("all submitted forms")
    notes = [_("quarter %(n)s") % {"n": data.quarter}, f"{_('results from')} {basis}"]
    for label, value in ((_("Kind"), Office.Kind(chosen["kind"]).label if chosen["kind"] else ""),
                         (_("Province"), chosen["province"]),
                         (_("Region"), chosen["region"].name if chosen["region"] else "")):
        if value:
            notes.append(f"{label}: {value}")
    sheet = Sheet(workbook, _("Roll-up"), _("Offices beneath %(office)s") % {"office": viewer.name},
                  fiscal_year=SimpleNamespace(office=viewer, year=data.year), notes=notes, columns=[
                      (_("Office code"), 12, ""), (_("Office"), 45, ""), (_("Province"), 16, ""),
                      (_("Projects"), 10, ""), (_("On time"), 10, ""), (_("Late"), 10, ""), (_("Missing"), 10, ""),
                      (_("Not due yet"), 10, ""), (_("Budget (baht)"), 18, MONEY),
                      (_("Disbursed (baht)"), 18, MONEY), (_("Disbursed (%)"), 12, "0.00"),
                      (_("Target (%)"), 12, "0.00"), (_("Indicators met"), 10, ""),
                      (_("Indicators not yet met"), 10, ""), (_("Indicators"), 10, ""), (_("Open actions"), 10, ""),
                      (_("Overdue actions"), 10, ""), (_("Approved editions"), 10, "")])
    for row in [*data.rows, data.totals]:
        is_total = row is data.totals
        sheet.row([
            "" if is_total else row.office.code, _("All offices") if is_total else row.office.name,
            "" if is_total else row.office.province, row.projects, row.forms.on_time, row.forms.late,
            row.forms.missing, row.forms.not_due, row.budget, row.disbursed, row.disbursed_percent,
            None if is_total else row.target_percent, row.met, row.not_yet, row.indicators, row.open_actions,
            row.overdue_actions, row.editions])
    return xlsx_response(workbook, f"tidtam-rollup-{data.year}-q{data.quarter}.xlsx")
