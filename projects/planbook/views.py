"""The plan workbook on the web: import a filled workbook, download the template or the export."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from documents.responses import xlsx_response
from plans.views import get_fiscal_year_for_user
from projects.models import Project

from .columns import INSTRUCTIONS_SHEET
from .forms import PlanImportForm
from .save import can_import_plan, import_plan
from .writer import build_template, export_plan


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def plan_import(request, year: int):
    fy = get_fiscal_year_for_user(request, year)
    can_import = can_import_plan(request.user, fy)
    if request.method == "POST" and not can_import:
        raise PermissionDenied(_("Only planning staff and administrators of the office may import the plan."))
    form = PlanImportForm() if can_import else None
    problems = []
    status = 200
    if request.method == "POST":
        form = PlanImportForm(request.POST, request.FILES)
        if form.is_valid():
            result = import_plan(form.cleaned_data["file"], fiscal_year=fy, user=request.user,
                                 dry_run=form.cleaned_data["dry_run"])
            if result.ok:
                messages.success(request, result.summary())
                return redirect("planbook:import", year=fy.year)
            for issue in result.errors:
                if issue.sheet:
                    problems.append(issue)
                else:
                    form.add_error("file", issue.message)
        status = 400
    return render(request, "projects/planbook/import.html", {
        "fy": fy, "form": form, "can_import": can_import, "problems": problems,
        "instructions_sheet": INSTRUCTIONS_SHEET,
    }, status=status)


@login_required
@require_safe
def plan_template(request, year: int):
    fy = get_fiscal_year_for_user(request, year)
    return xlsx_response(build_template(fy.office, fiscal_year=fy), f"plan-template-{fy.year}.xlsx")


@login_required
@require_safe
def plan_export(request, year: int):
    fy = get_fiscal_year_for_user(request, year)
    projects = Project.objects.visible_to(request.user)
    return xlsx_response(export_plan(fy, projects), f"plan-{fy.year}.xlsx")
