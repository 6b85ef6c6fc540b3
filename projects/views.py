from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.models import Role
from accounts.offices import current_office
from accounts.permissions import reads_final_work_only, PROJECT_CREATORS, acts_for
from plans.lib.fiscal import fiscal_year_of
from plans.models import FiscalYear

from . import services
from .forms import ActivityFormSet, IndicatorFormSet, ProjectFilterForm, ProjectForm
from .models import Activity, Project, ProjectIndicator
from .timeline import timeline

PAGE_SIZE = 25


def get_project_for_user(request, pk: int, *, edit: bool = False) -> Project:
    """The project if the user may see it (404 otherwise); with ``edit`` also that they may change it (403)."""
    project = get_object_or_404(Project.objects.visible_to(request.user).select_related("fiscal_year", "group"), pk=pk)
    if edit and not Project.objects.editable_by(request.user).filter(pk=pk).exists():
        raise PermissionDenied(_("You may read this project but not change it."))
    return project


def _office_years(request):
    office = current_office(request)
    return office, list(FiscalYear.objects.visible_to(request.user).filter(office=office).order_by("-year"))


@login_required
@require_GET
def project_list(request):
    office, years = _office_years(request)
    year_numbers = [fy.year for fy in years]
    default_year = fiscal_year_of(timezone.localdate())
    if default_year not in year_numbers and year_numbers:
        default_year = year_numbers[0]
    form = ProjectFilterForm(request.GET or None, office=office, years=year_numbers)
    filters = form.cleaned_data if form.is_valid() else {}
    year = filters.get("fy") or default_year
    projects = (
        Project.objects.visible_to(request.user)
        .filter(office=office, fiscal_year__year=year)
        .select_related("group")
        .prefetch_related("owners")
        .with_budget()
        .order_by("code")
    )
    if filters.get("group"):
        projects = projects.filter(group=filters["group"])
    if filters.get("source"):
        projects = projects.filter(source=filters["source"])
    if filters.get("status"):
        projects = projects.filter(status=filters["status"])
    if filters.get("q"):
        projects = projects.filter(Q(name__icontains=filters["q"]) | Q(code__icontains=filters["q"]))
    page = Paginator(projects, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    fy = next((f for f in years if f.year == year), None)
    context = {
        "form": form, "page": page, "year": year, "fy": fy, "query": query.urlencode(),
        "can_create": fy is not None and acts_for(request.user, office, *PROJECT_CREATORS),
    }
    template = "projects/project_list.html#results" if request.htmx else "projects/project_list.html"
    return render(request, template, context)


@login_required
@require_GET
def project_detail(request, pk: int):
    project = get_project_for_user(request, pk)
    project = (
        Project.objects.filter(pk=project.pk)
        .select_related("fiscal_year", "group")
        .prefetch_related(
            "owners", "strategies",
            Prefetch("activities", queryset=Activity.objects.select_related("responsible")),
            Prefetch("indicator_targets", queryset=ProjectIndicator.objects.select_related("indicator")),
        )
        .get()
    )
    can_edit = Project.objects.editable_by(request.user).filter(pk=pk).exists()
    return render(request, "projects/project_detail.html", {"project": project, "can_edit": can_edit,
                                                            "timeline": timeline(project, request.user),
                                                            "final_only": reads_final_work_only(request.user)})


def _project_form_page(request, *, fiscal_year, project=None):
    office = fiscal_year.office
    instance = project or Project(fiscal_year=fiscal_year, office=office)
    data = request.POST if request.method == "POST" else None
    form = ProjectForm(data, instance=instance, fiscal_year=fiscal_year, user=request.user)
    budget = None
    if data is not None and form.is_valid():
        budget = form.instance.total_budget
    activities = ActivityFormSet(data, instance=instance, prefix="activities", project_budget=budget,
                                 form_kwargs={"office": office})
    indicators = IndicatorFormSet(data, instance=instance, prefix="indicators",
                                  form_kwargs={"fiscal_year": fiscal_year})
    if data is not None:
        if form.is_valid() and activities.is_valid() and indicators.is_valid():
            saved = services.save_project(form=form, activities=activities, indicators=indicators)
            if project is None and request.user.has_role(Role.OWNER) and not saved.owners.exists():
                saved.owners.add(request.user)
            messages.success(request, _("Project %(code)s was saved.") % {"code": saved.code})
            return redirect("projects:detail", pk=saved.pk)
        messages.error(request, _("The project was not saved: correct the fields marked in red."))
    return render(request, "projects/project_form.html", {
        "form": form, "activities": activities, "indicators": indicators, "fy": fiscal_year, "project": project,
    }, status=400 if data is not None else 200)


@login_required
@require_http_methods(["GET", "POST"])
def project_create(request, year: int):
    office = current_office(request)
    fiscal_year = get_object_or_404(FiscalYear.objects.visible_to(request.user), office=office, year=year)
    if not acts_for(request.user, office, *PROJECT_CREATORS):
        raise PermissionDenied(_("Only planning staff, the director and group heads add projects."))
    return _project_form_page(request, fiscal_year=fiscal_year)


@login_required
@require_http_methods(["GET", "POST"])
def project_edit(request, pk: int):
    project = get_project_for_user(request, pk, edit=True)
    return _project_form_page(request, fiscal_year=project.fiscal_year, project=project)
