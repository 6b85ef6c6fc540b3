from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from accounts.offices import current_office
from accounts.permissions import DIRECTORS, GROUP_HEADS, MANAGERS, acts_for

from . import services
from .choosing import current_year_redirect
from .forms import (
    ActionPlanForm,
    CalendarActivityForm,
    CopyTreeForm,
    DayOffForm,
    DisbursementTargetsForm,
    FiscalYearCreateForm,
    FiscalYearSettingsForm,
    IndicatorForm,
    PlanItemForm,
    WorkingDayForm,
)
from .lib.fiscal import fiscal_months, fiscal_year_of
from .models import ActionPlan, CalendarActivity, FiscalYear, Indicator, PlanItem


def get_fiscal_year_for_user(request, year: int) -> FiscalYear:
    """The fiscal year of the office the user works in, or 404."""
    office = current_office(request)
    return get_object_or_404(FiscalYear.objects.visible_to(request.user).select_related("office"),
                             office=office, year=year)



def _require_manager(request, fy: FiscalYear) -> None:
    if not acts_for(request.user, fy.office_id, *MANAGERS):
        raise PermissionDenied(_("Only planning staff and administrators of the office may change this."))


@login_required
def fiscal_year_list(request):
    office = current_office(request)
    years = FiscalYear.objects.visible_to(request.user).filter(office=office).prefetch_related("quarters")
    can_manage = acts_for(request.user, office, *MANAGERS)
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
    can_manage = acts_for(request.user, fy.office_id, *MANAGERS)
    settings_form = FiscalYearSettingsForm(instance=fy) if can_manage else None
    activities = list(fy.calendar_activities.select_related("responsible_group", "fiscal_year"))
    months = fiscal_months(fy.year)
    quarters = list(fy.quarters.all())
    due_months = {(q.due_date.year, q.due_date.month): q for q in quarters if q.needs_form}
    calendar_rows = [
        {"activity": a, "cells": [a.active_in(y, m) for (y, m) in months], "may_mark": _may_mark_done(request, a),
         "open_run": a.open_run(timezone.localdate())}
        for a in activities
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
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect("plans:fiscal_year_detail", year=fy.year)



@login_required
def holidays_current(request):
    return current_year_redirect(request, "plans:holidays")


@login_required
def plan_current(request):
    return current_year_redirect(request, "projects:plan")


@login_required
def holidays(request, year: int):
    fy = get_fiscal_year_for_user(request, year)
    can_manage = acts_for(request.user, fy.office_id, *MANAGERS)
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


# --- Action plan: settings, status, policy tree, targets ----------------------------------
# (The plan's page, with the projects under each strategy, is projects.plan.plan_overview.)


@login_required
@require_POST
def plan_settings(request, year: int):
    fy = get_fiscal_year_for_user(request, year)
    _require_manager(request, fy)
    plan = services.ensure_action_plan(fy)
    form = ActionPlanForm(request.POST, instance=plan)
    if form.is_valid():
        form.save()
        messages.success(request, _("The action plan was saved."))
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect("projects:plan", year=fy.year)


@login_required
@require_POST
def plan_targets(request, year: int):
    fy = get_fiscal_year_for_user(request, year)
    _require_manager(request, fy)
    form = DisbursementTargetsForm(request.POST, fiscal_year=fy)
    if form.is_valid():
        with transaction.atomic():
            form.save()
        messages.success(request, _("The disbursement targets were saved."))
    else:
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            for error in errors:
                messages.error(request, f"{label}: {error}" if label else error)
    return redirect("projects:plan", year=fy.year)


@login_required
@require_POST
def plan_status(request, year: int):
    """Director approves the plan or sends it back to draft; planning staff or the director close it."""
    fy = get_fiscal_year_for_user(request, year)
    plan = services.ensure_action_plan(fy)
    action = request.POST.get("action")
    user = request.user
    is_director = acts_for(user, fy.office_id, *DIRECTORS)
    Status = ActionPlan.Status
    if action == "approve" and is_director and plan.status == Status.DRAFT:
        plan.status, plan.approved_by, plan.approved_at = Status.APPROVED, user, timezone.now()
        messages.success(request, _("The action plan was approved."))
    elif action == "reopen" and is_director and plan.status in (Status.APPROVED, Status.CLOSED):
        plan.status = Status.DRAFT
        messages.success(request, _("The action plan is a draft again."))
    elif (action == "close" and acts_for(user, fy.office_id, *DIRECTORS, *MANAGERS)
          and plan.status == Status.APPROVED):
        plan.status = Status.CLOSED
        messages.success(request, _("The action plan was closed."))
    else:
        raise PermissionDenied(_("That change of the plan's status is not allowed."))
    plan.save()
    return redirect("projects:plan", year=fy.year)


@login_required
@require_POST
def plan_copy_tree(request, year: int):
    fy = get_fiscal_year_for_user(request, year)
    _require_manager(request, fy)
    years = list(FiscalYear.objects.filter(office=fy.office).exclude(pk=fy.pk).values_list("year", flat=True))
    form = CopyTreeForm(request.POST, years=years)
    if form.is_valid():
        target = FiscalYear.objects.get(office=fy.office, year=form.cleaned_data["target"])
        created = services.copy_policy_tree(source=fy, target=target)
        messages.success(request, _("%(count)s items were copied into fiscal year %(year)s.")
                         % {"count": created, "year": target.year})
        return redirect("projects:plan", year=target.year)
    messages.error(request, _("Choose a fiscal year to copy into."))
    return redirect("projects:plan", year=fy.year)


def _edit_page(request, *, fy, form, title, success_url, delete_url=None):
    """Save a valid POST and go to ``success_url``; otherwise show the form (400 after a bad POST)."""
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Saved."))
        return redirect(success_url)
    return render(request, "plans/item_form.html", {"fy": fy, "form": form, "title": title, "delete_url": delete_url},
                  status=400 if request.method == "POST" else 200)


@login_required
@require_http_methods(["GET", "POST"])
def plan_item_edit(request, year: int, pk: int | None = None):
    fy = get_fiscal_year_for_user(request, year)
    _require_manager(request, fy)
    item = get_object_or_404(PlanItem, pk=pk, fiscal_year=fy) if pk else None
    form = PlanItemForm(request.POST or None, instance=item, fiscal_year=fy)
    title = _("Edit %(name)s") % {"name": item} if item else _("New policy, focus point or strategy")
    return _edit_page(request, fy=fy, form=form, title=title, success_url=reverse("projects:plan", args=[fy.year]),
                      delete_url=reverse("plans:plan_item_delete", args=[fy.year, item.pk]) if item else None)


@login_required
@require_POST
def plan_item_delete(request, year: int, pk: int):
    fy = get_fiscal_year_for_user(request, year)
    _require_manager(request, fy)
    item = get_object_or_404(PlanItem, pk=pk, fiscal_year=fy)
    if item.children.exists() or item.indicators.exists():
        messages.error(request, _("Move or delete what is beneath %(name)s first.") % {"name": item})
        return redirect("projects:plan", year=fy.year)
    item.delete()
    messages.success(request, _("Deleted."))
    return redirect("projects:plan", year=fy.year)


@login_required
@require_http_methods(["GET", "POST"])
def indicator_edit(request, year: int, pk: int | None = None):
    fy = get_fiscal_year_for_user(request, year)
    _require_manager(request, fy)
    indicator = get_object_or_404(Indicator, pk=pk, fiscal_year=fy) if pk else None
    form = IndicatorForm(request.POST or None, instance=indicator, fiscal_year=fy)
    title = _("Edit indicator %(code)s") % {"code": indicator.code} if indicator else _("New indicator")
    return _edit_page(request, fy=fy, form=form, title=title, success_url=reverse("projects:plan", args=[fy.year]),
                      delete_url=reverse("plans:indicator_delete", args=[fy.year, indicator.pk]) if indicator else None)


@login_required
@require_POST
def indicator_delete(request, year: int, pk: int):
    fy = get_fiscal_year_for_user(request, year)
    _require_manager(request, fy)
    indicator = get_object_or_404(Indicator, pk=pk, fiscal_year=fy)
    if indicator.project_targets.exists():
        messages.error(request, _("Projects use indicator %(code)s; remove it from them first.")
                       % {"code": indicator.code})
    else:
        indicator.delete()
        messages.success(request, _("Deleted."))
    return redirect("projects:plan", year=fy.year)


@login_required
@require_http_methods(["GET", "POST"])
def calendar_activity_edit(request, year: int, pk: int | None = None):
    fy = get_fiscal_year_for_user(request, year)
    _require_manager(request, fy)
    activity = get_object_or_404(CalendarActivity, pk=pk, fiscal_year=fy) if pk else None
    form = CalendarActivityForm(request.POST or None, instance=activity, fiscal_year=fy)
    title = _("Edit calendar activity") if activity else _("New calendar activity")
    return _edit_page(request, fy=fy, form=form, title=title,
                      success_url=reverse("plans:fiscal_year_detail", args=[fy.year]) + "#calendar",
                      delete_url=reverse("plans:calendar_delete", args=[fy.year, activity.pk]) if activity else None)


@login_required
@require_POST
def calendar_activity_delete(request, year: int, pk: int):
    fy = get_fiscal_year_for_user(request, year)
    _require_manager(request, fy)
    get_object_or_404(CalendarActivity, pk=pk, fiscal_year=fy).delete()
    messages.success(request, _("Deleted."))
    return redirect(reverse("plans:fiscal_year_detail", args=[fy.year]) + "#calendar")


def _may_mark_done(request, activity: CalendarActivity) -> bool:
    """Planning staff and administrators, or the head of the activity's responsible group, record it done."""
    office = activity.fiscal_year.office_id
    if acts_for(request.user, office, *MANAGERS):
        return True
    return (activity.responsible_group_id is not None and acts_for(request.user, office, *GROUP_HEADS)
            and request.user.work_groups.filter(pk=activity.responsible_group_id).exists())


@login_required
@require_POST
def calendar_activity_done(request, year: int, pk: int):
    """Record a calendar activity done (its overdue reminders stop), or take that back."""
    fy = get_fiscal_year_for_user(request, year)
    activity = get_object_or_404(CalendarActivity, pk=pk, fiscal_year=fy)
    if not _may_mark_done(request, activity):
        raise PermissionDenied(_("Only planning staff or the head of the responsible group may record this."))
    if request.POST.get("done") == "1":
        activity.done_on = timezone.localdate()
        messages.success(request, _("Recorded as done: reminders about it stop."))
    else:
        activity.done_on = None
        messages.success(request, _("Marked as not done yet."))
    activity.save(update_fields=["done_on"])
    return redirect(reverse("plans:fiscal_year_detail", args=[fy.year]) + "#calendar")
