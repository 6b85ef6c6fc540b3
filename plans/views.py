from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.offices import current_office

from . import services
from .forms import DayOffForm, FiscalYearCreateForm, FiscalYearSettingsForm, WorkingDayForm
from .lib.fiscal import fiscal_months, fiscal_year_of
from .models import FiscalYear


def get_fiscal_year_for_user(request, year: int) -> FiscalYear:
    """The fiscal year of the office the user works in, or 404."""
    office = current_office(request)
    return get_object_or_404(FiscalYear.objects.visible_to(request.user), office=office, year=year)


def _require_manager(request, fy: FiscalYear | None = None) -> None:
    user = request.user
    if not user.manages_office or (fy is not None and not user.is_superuser and fy.office_id != user.office_id):
        raise PermissionDenied(_("Only planning staff and administrators of the office may change this."))


@login_required
def fiscal_year_list(request):
    office = current_office(request)
    years = FiscalYear.objects.visible_to(request.user).filter(office=office).prefetch_related("quarters")
    can_manage = request.user.manages_office and (request.user.is_superuser or office.pk == request.user.office_id)
    form = None
    if can_manage:
        form = FiscalYearCreateForm(request.POST or None, office=office)
        if request.method == "POST" and form.is_valid():
            fy, _created = services.get_or_create_fiscal_year(office, form.cleaned_data["year"])
            messages.success(request, _("Fiscal year %(year)s was created with its four quarters.") % {"year": fy.year})
            return redirect("plans:fiscal_year_detail", year=fy.year)
    elif request.method == "POST":
        raise PermissionDenied
    return render(request, "plans/fiscal_year_list.html", {
        "office": office, "years": years, "form": form, "current_year": fiscal_year_of(timezone.localdate()),
    })


@login_required
def fiscal_year_detail(request, year: int):
    fy = get_fiscal_year_for_user(request, year)
    can_manage = request.user.manages_office and (request.user.is_superuser or fy.office_id == request.user.office_id)
    settings_form = FiscalYearSettingsForm(instance=fy) if can_manage else None
    activities = list(fy.calendar_activities.select_related("responsible_group"))
    months = fiscal_months(fy.year)
    quarters = list(fy.quarters.all())
    due_months = {(q.due_date.year, q.due_date.month): q for q in quarters}
    calendar_rows = [
        {"activity": a, "cells": [a.active_in(y, m) for (y, m) in months]} for a in activities
    ]
    return render(request, "plans/fiscal_year_detail.html", {
        "fy": fy, "quarters": quarters, "months": months, "calendar_rows": calendar_rows,
        "due_cells": [due_months.get(ym) for ym in months], "settings_form": settings_form,
        "can_manage": can_manage, "today": timezone.localdate(),
    })


@login_required
@require_POST
def fiscal_year_settings(request, year: int):
    fy = get_fiscal_year_for_user(request, year)
    _require_manager(request, fy)
    form = FiscalYearSettingsForm(request.POST, instance=fy)
    if form.is_valid():
        with transaction.atomic():
            form.save()
            moved = services.recompute_open_due_dates(fy.office)
        messages.success(request, _("Saved. %(count)s open due date(s) moved.") % {"count": len(moved)})
    else:
        for error in form.errors.get("report_working_days", []):
            messages.error(request, error)
    return redirect("plans:fiscal_year_detail", year=fy.year)


@login_required
def holidays_current(request):
    office = current_office(request)
    today_fy = fiscal_year_of(timezone.localdate())
    fy = (
        FiscalYear.objects.visible_to(request.user).filter(office=office, year=today_fy).first()
        or FiscalYear.objects.visible_to(request.user).filter(office=office).order_by("-year").first()
    )
    if fy is None:
        messages.info(request, _("Create a fiscal year first."))
        return redirect("plans:fiscal_year_list")
    return redirect("plans:holidays", year=fy.year)


@login_required
def holidays(request, year: int):
    fy = get_fiscal_year_for_user(request, year)
    can_manage = request.user.manages_office and (request.user.is_superuser or fy.office_id == request.user.office_id)
    day_off_form = DayOffForm(prefix="off")
    if request.method == "POST":
        _require_manager(request, fy)
        action = request.POST.get("action")
        try:
            if action == "declare":
                day_off_form = DayOffForm(request.POST, prefix="off")
                if day_off_form.is_valid():
                    data = day_off_form.cleaned_data
                    services.declare_day_off(fiscal_year=fy, day=data["date"], name=data["name"],
                                             note=data["note"], by=request.user)
                    messages.success(request, _("Day off added; open due dates were recalculated."))
                    return redirect("plans:holidays", year=fy.year)
            elif action == "remove":
                working_form = WorkingDayForm(request.POST, prefix="work")
                if working_form.is_valid():
                    data = working_form.cleaned_data
                    services.make_working_day(fiscal_year=fy, day=data["date"], note=data["note"], by=request.user)
                    messages.success(request, _("The day is now a working day; open due dates were recalculated."))
                    return redirect("plans:holidays", year=fy.year)
                for errors in working_form.errors.values():
                    for error in errors:
                        messages.error(request, error)
            else:
                messages.error(request, _("Unknown action."))
        except services.CalendarError as error:
            messages.error(request, str(error))
    start, end = fy.start, fy.end
    rows = services.office_calendar(fy.office, start, end)
    status = 400 if request.method == "POST" else 200
    return render(request, "plans/holidays.html", {
        "fy": fy, "rows": rows, "quarters": fy.quarters.all(), "can_manage": can_manage,
        "day_off_form": day_off_form,
    }, status=status)
