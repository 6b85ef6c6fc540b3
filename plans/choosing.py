"""Which fiscal year a page shows: the one asked for with ``?fy=``, else the current one, else the newest."""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.offices import current_office

from .lib.fiscal import fiscal_year_of
from .models import FiscalYear


def chosen_fiscal_year(request):
    """(office, the office's fiscal years the user may see, newest first, the year asked for with ``?fy=``
    — else the current one, else the newest; None when the office has no year yet)."""
    cached = getattr(request, "_tidtam_years", None)  # the view and the year picker ask once per request
    if cached is None:
        office = current_office(request)
        cached = request._tidtam_years = (office, list(
            FiscalYear.objects.visible_to(request.user).filter(office=office).order_by("-year")))
    office, years = cached
    wanted = request.GET.get("fy", "")
    fy = next((y for y in years if str(y.year) == wanted), None) or next(
        (y for y in years if y.year == fiscal_year_of(timezone.localdate())), None) or (years[0] if years else None)
    return office, years, fy


def current_year_redirect(request, view_name: str):
    """Open ``view_name`` for the year asked for with ``?fy=`` (the year picker of pages whose URL holds the
    year submits here), else the current fiscal year (or the latest one the office has)."""
    office = current_office(request)
    years = FiscalYear.objects.visible_to(request.user).filter(office=office)
    wanted = request.GET.get("fy", "")
    fy = (years.filter(year=int(wanted)).first() if wanted.isdecimal() else None) or years.filter(
        year=fiscal_year_of(timezone.localdate())).first() or years.order_by("-year").first()
    if fy is None:
        messages.info(request, _("Create a fiscal year first."))
        return redirect("plans:fiscal_year_list")
    return redirect(view_name, year=fy.year)
