"""The publication setting (planning staff and the director) and the public pages (no login).

Every public answer is rate-limited per client (429 with a Thai message), rendered once per office × year ×
``content.office_version`` into the Django cache (so an approval shows at once), and sent with a short public
``Cache-Control``. The pages never touch the session or the CSRF token: nothing varies by visitor.
"""

import csv
import io
import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from config.routers import reads_from_replica
from accounts.offices import current_office
from accounts.permissions import PUBLISHERS, acts_for
from documents.responses import pdf_response

from . import content, throttle
from .models import Setting


def may_set(user, office) -> bool:
    return acts_for(user, office, *PUBLISHERS)


# ------------------------------------------------------------------------------------------ the setting

@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def settings_page(request):
    office = current_office(request)
    if office is None or not may_set(request.user, office):
        raise PermissionDenied(_("Planning staff and the director choose whether the office publishes."))
    setting = Setting.objects.filter(office=office).first()
    if request.method == "POST":
        choice = request.POST.get("publishes")
        if choice not in ("on", "off"):
            return render(request, "publication/settings.html", _settings_context(office, setting, error=_(
                "Choose whether the office publishes.")), status=400)
        with transaction.atomic():
            setting, _created = Setting.objects.select_for_update().get_or_create(office=office)
            setting.publishes = choice == "on"
            setting.updated_by = request.user
            setting.save()
        messages.success(request, _("The office now publishes its approved results.") if setting.publishes
                         else _("The office no longer publishes; its public page answers 'not found'."))
        return redirect("publication:settings")
    return render(request, "publication/settings.html", _settings_context(office, setting))


def _settings_context(office, setting, error: str = "") -> dict:
    years = content.public_years(office)
    return {"office": office, "setting": setting, "publishes": bool(setting and setting.publishes), "error": error,
            "years": years, "public_url": reverse("publication:office", args=[office.code])}


# ------------------------------------------------------------------------------------------ public pages

def _public(response, *, seconds: int | None = None):
    response["Cache-Control"] = f"public, max-age={settings.TIDTAM_PUBLIC_MAX_AGE if seconds is None else seconds}"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _too_many(request):
    with translation.override("th"):
        html = render_to_string("publication/429.html", {})
    response = HttpResponse(html, status=429)
    response["Retry-After"] = "60"
    response["Cache-Control"] = "no-store"
    return response


def public_view(view):
    """A public answer: counted against the client's limit (429 past it); "not found" as a Thai page."""
    from functools import wraps

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not throttle.allowed(request):
            return _too_many(request)
        try:
            return view(request, *args, **kwargs)
        except Http404:
            with translation.override("th"):
                html = render_to_string("publication/404.html", {})
            response = HttpResponse(html, status=404)
            response["Cache-Control"] = "no-store"  # the office may start publishing any minute
            return response
    return wrapper


def _office_or_404(code: str):
    office = content.publishing_office(code)
    if office is None:
        raise Http404
    return office


def _years(office, version: str) -> list[tuple[int, int]]:
    """(pk, year) of the years with approved data, newest first; cached with the office's version."""
    key = f"publication:years:{office.pk}:{version}"
    years = cache.get(key)
    if years is None:
        years = [(fy.pk, fy.year) for fy in content.public_years(office)]
        cache.set(key, years, settings.TIDTAM_PUBLIC_CACHE_SECONDS)
    return years


def _cached(key: str, build):
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, settings.TIDTAM_PUBLIC_CACHE_SECONDS)
    return value


@require_safe
@public_view
@reads_from_replica
def office_page(request, code: str):
    office = _office_or_404(code)
    version = content.office_version(office)
    years = _years(office, version)
    asked = request.GET.get("fy", "")
    chosen = next((y for y in years if str(y[1]) == asked), years[0] if years else None)
    key = f"publication:page:{office.pk}:{chosen[1] if chosen else 0}:{version}"
    html = _cached(key, lambda: _render_page(request, office, years, chosen))
    return _public(HttpResponse(html))


def _render_page(request, office, years, chosen) -> str:
    from plans.models import FiscalYear

    fiscal_years = {fy.pk: fy for fy in FiscalYear.objects.filter(pk__in=[pk for pk, _year in years])}
    fy = fiscal_years.get(chosen[0]) if chosen else None
    listed = [fiscal_years[pk] for pk, _year in years]
    context = {"office": office, "years": listed, "picker_years": listed, "fy": fy, "request": request}
    if fy is not None:
        year = content.year_figures(fy)
        context.update({
            "editions": content.editions(office, fy), "figures": year, "evaluation": content.evaluation(fy),
            "totals": [(q, year.totals[q.number]) for q in year.form_quarters],
            "budget_percent": (year.disbursed_total * 100 / year.budget_total) if year.budget_total else None,
        })
    with translation.override("th"):
        return render_to_string("publication/office.html", context)


@require_safe
@public_view
@reads_from_replica
def edition_pdf(request, code: str, edition_id: int):
    office = _office_or_404(code)
    report = content.downloadable_edition(office, edition_id)
    if report is None:
        raise Http404
    name = f"รายงานผลการดำเนินงาน-{report.fiscal_year.year}-{office.code}-{report.pk}.pdf"
    try:
        stored = report.file.open("rb")
    except FileNotFoundError:  # the storage lost the file: nothing to offer
        raise Http404 from None
    return _public(pdf_response(stored, name))


def _year_data(request, code: str, fy: int, kind: str):
    office = _office_or_404(code)
    version = content.office_version(office)
    found = next((pk for pk, year in _years(office, version) if year == fy), None)
    if found is None:
        raise Http404

    def build():
        from plans.models import FiscalYear

        fiscal_year = FiscalYear.objects.get(pk=found)
        payload = content.data(office, fiscal_year)
        if kind == "json":
            return json.dumps(payload, ensure_ascii=False, indent=1).encode()
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        for row in content.csv_rows(payload):
            writer.writerow([content.csv_safe(cell) for cell in row])
        return ("\ufeff" + out.getvalue()).encode("utf-8")

    return office, _cached(f"publication:{kind}:{office.pk}:{fy}:{version}", build)


@require_safe
@public_view
@reads_from_replica
def data_csv(request, code: str, fy: int):
    office, body = _year_data(request, code, fy, "csv")
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="tidtam-{office.code}-{fy}.csv"'
    return _public(response)


@require_safe
@public_view
@reads_from_replica
def data_json(request, code: str, fy: int):
    office, body = _year_data(request, code, fy, "json")
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Access-Control-Allow-Origin"] = "*"  # open data: any site may read it
    return _public(response)
