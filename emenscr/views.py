from collections import Counter, defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.permissions import EMENSCR_REPORT_READERS, has_any
from documents.responses import pdf_response, xlsx_response
from plans.choosing import chosen_fiscal_year
from projects.models import Project
from reviews.engine import available_moves
from reviews.history import with_readable_changes
from reviews.http import refused
from reviews.machine import WorkflowError, status_for

from . import exports, services
from .access import get_project, plans_stages, require_reader
from .fields import FIELDS, Book, State
from .forms import MarkKeyedForm, MonthlyPlanForm, ProjectDataForm, StageForm
from .models import ActivityPlan, Entry, ProjectData
from .workflow import EVENT_LABELS
from .stages import current_round, stages_for, window_of


def _year(request):
    office, years, fy = chosen_fiscal_year(request)
    if fy is None:
        raise Http404(_("The office has no fiscal year yet."))
    return office, fy


def _stage_and_round(request, stages, today):
    code = request.GET.get("stage") or request.POST.get("stage") or ""
    stage = next((s for s in stages if s.code == code), None) or stages[0]
    rounds = [w.round for w in stage.window_list]
    raw = request.GET.get("round") or request.POST.get("round") or ""
    round_ = int(raw) if raw.isdecimal() and int(raw) in rounds else current_round(stage, today)
    return stage, round_


@login_required
@require_GET
def project_tab(request, pk: int):
    project = get_project(request, pk)
    book = Book(project.fiscal_year, Project.objects.filter(pk=pk))
    in_scope = bool(book.projects)
    today = timezone.localdate()
    rows = []
    stages = stages_for(project.fiscal_year)
    if in_scope:
        project = book.projects[0]
        for stage in stages:
            round_ = current_round(stage, today)
            rows.append(book.status(project, stage, round_))
    data = getattr(project, "emenscr_cached", None) if in_scope else ProjectData.objects.filter(project=project).first()
    plans = {p.activity_id: p for p in ActivityPlan.objects.filter(activity__project=project)}
    from .fields import MONTH_NAMES
    return render(request, "emenscr/project_tab.html", {
        "project": project, "data": data, "rows": rows, "in_scope": in_scope, "months": MONTH_NAMES,
        "plan_rows": [(a, plans.get(a.pk)) for a in project.activities.all()],
        "can_edit": Project.objects.editable_by(request.user).filter(pk=pk).exists(),
    })


@login_required
@require_http_methods(["GET", "POST"])
def project_edit(request, pk: int):
    project = get_project(request, pk, edit=True)
    data = request.POST if request.method == "POST" else None
    instance = ProjectData.objects.filter(project=project).first() or ProjectData(project=project)
    activities = list(project.activities.order_by("order", "id"))
    plans = {p.activity_id: p for p in ActivityPlan.objects.filter(activity__in=activities)}
    form = ProjectDataForm(data, instance=instance, project=project)
    months = MonthlyPlanForm(data, activities=activities, plans=plans)
    if data is not None:
        if form.is_valid() and months.is_valid():
            services.save_project_data(project=project, data_form=form, months_form=months)
            messages.success(request, _("The eMENSCR data of %(code)s was saved.") % {"code": project.code})
            return redirect("emenscr:project", pk=project.pk)
        messages.error(request, _("Nothing was saved: correct the fields marked in red."))
    from .fields import MONTH_NAMES
    return render(request, "emenscr/project_edit.html", {"project": project, "form": form, "months": months,
                                                         "month_names": MONTH_NAMES},
                  status=400 if data is not None else 200)


@login_required
@require_GET
def board(request):
    require_reader(request.user)
    office, fy = _year(request)
    today = timezone.localdate()
    stages = stages_for(fy)
    stage, round_ = _stage_and_round(request, stages, today)
    book = Book(fy, Project.objects.visible_to(request.user).filter(office=office))
    statuses = book.statuses(stage, round_)
    counts = defaultdict(Counter)
    for status in statuses:
        counts[status.project.group][status.state] += 1
        counts[status.project.group]["all"] += 1
    group, state = request.GET.get("group", ""), request.GET.get("state", "")
    shown = [s for s in statuses if (not group.isdecimal() or s.project.group_id == int(group))
             and (state not in State.LABELS or s.state == state)]
    totals = Counter(s.state for s in statuses)
    return render(request, "emenscr/board.html", {
        "fy": fy, "stages": stages, "stage": stage, "round": round_, "window": window_of(stage, round_),
        "rounds": stage.window_list, "statuses": shown,
        "groups": sorted(counts.items(), key=lambda item: (item[0].order, item[0].code)),
        "states": [(key, State.LABELS[key], totals[key]) for key in State.ORDER], "group": group, "state": state,
        "may_mark": any(services.may_mark(request.user, s.project, stage) for s in shown),
        "form": MarkKeyedForm(), "can_see_summary": has_any(request.user, *EMENSCR_REPORT_READERS),
        "can_edit_stages": plans_stages(request.user, office),
    })


@login_required
@require_POST
def mark(request):
    require_reader(request.user)
    office, fy = _year(request)
    stage_code = request.POST.get("stage", "")
    raw_round = request.POST.get("round", "")
    ids = [int(v) for v in request.POST.getlist("project") if v.isdecimal()]
    back = reverse("emenscr:board") + f"?fy={fy.year}&stage={stage_code}&round={raw_round}"
    form = MarkKeyedForm(request.POST)
    projects = list(Project.objects.visible_to(request.user).filter(office=office, fiscal_year=fy, pk__in=ids))
    if not ids or len(projects) != len(set(ids)):
        return _refuse(request, _("Choose the projects to mark keyed."), back)
    if not form.is_valid() or not raw_round.isdecimal():
        return _refuse(request, _("Give the eMENSCR reference or screen number."), back)
    versions = {pk: request.POST.get(f"version-{pk}") for pk in ids}
    try:
        entries = services.mark_keyed(user=request.user, fiscal_year=fy, stage_code=stage_code,
                                      round_=int(raw_round), projects=projects,
                                      reference=form.cleaned_data["reference"], note=form.cleaned_data["note"],
                                      confirm_missing=form.cleaned_data["confirm_missing"], versions=versions)
    except PermissionError:
        raise PermissionDenied(_("You may not mark these projects keyed.")) from None
    except services.NotReady as not_ready:
        return render(request, "emenscr/confirm_mark.html", {
            "fy": fy, "stage_code": stage_code, "round": raw_round, "statuses": not_ready.statuses,
            "chosen": [(p, versions.get(p.pk)) for p in projects], "form": form, "back": back}, status=409)
    except services.EmenscrError as problem:
        return _refuse(request, str(problem), back)
    except WorkflowError as error:
        return _refuse(request, str(error), back, status=status_for(error))
    messages.success(request, _("%(count)s project(s) marked keyed with reference %(ref)s.") % {
        "count": len(entries), "ref": form.cleaned_data["reference"]})
    return redirect(back)


def _entry_for(request, pk: int):
    """The entry if the user may see its project (404) and use these pages (403)."""
    entry = get_object_or_404(Entry.objects.visible_to(request.user).select_related(
        "project__group", "project__fiscal_year", "stage", "keyed_by"), pk=pk)
    require_reader(request.user)
    return entry


@login_required
@require_GET
def entry(request, pk: int):
    """An entry: what was keyed, its history (every move: who, when, reference, confirmed missing fields), and
    correcting or taking back the mark."""
    return _entry_page(request, _entry_for(request, pk))


def _entry_page(request, entry, *, status=200, posted=None):
    events = with_readable_changes(entry.events.select_related("actor"), Entry)
    for event in events:
        event.label = EVENT_LABELS.get(event.action, event.action)
    moves = [name for name in available_moves(request.user, entry) if name in ("correct", "unkey")]
    return render(request, "emenscr/entry.html", {"entry": entry, "events": events, "moves": moves,
                                                  "project": entry.project, "posted": posted or {}}, status=status)


@login_required
@require_POST
def entry_move(request, pk: int):
    entry = _entry_for(request, pk)
    name = request.POST.get("move", "")
    try:
        services.move_entry(entry.pk, name, by=request.user, expected_version=request.POST.get("version"),
                            reason=request.POST.get("reason", ""), reference=request.POST.get("reference"),
                            note=request.POST.get("note"))
    except WorkflowError as error:
        return _entry_page(request, entry, status=refused(request, error), posted=request.POST)
    messages.success(request, _("The entry was corrected.") if name == "correct"
                     else _("The mark was taken back: the project is not keyed for this round."))
    return redirect("emenscr:entry", pk=entry.pk)


def _refuse(request, message, back, status=400):
    return render(request, "emenscr/refused.html", {"message": message, "back": back}, status=status)


@login_required
@require_GET
def copy_view(request, pk: int, code: str):
    project = get_project(request, pk)
    stages = stages_for(project.fiscal_year)
    stage = next((s for s in stages if s.code == code), None)
    if stage is None:
        raise Http404(_("Unknown stage."))
    book = Book(project.fiscal_year, Project.objects.filter(pk=pk))
    if not book.projects:
        raise Http404(_("This project is outside the national system's scope."))
    raw = request.GET.get("round", "")
    rounds = [w.round for w in stage.window_list]
    round_ = int(raw) if raw.isdecimal() and int(raw) in rounds else current_round(stage, timezone.localdate())
    status = book.status(book.projects[0], stage, round_)
    rows = [(FIELDS[key], status.texts.get(key, "")) for key in stage.fields if key in FIELDS]
    data = getattr(book.projects[0], "emenscr_cached", None)
    return render(request, "emenscr/copy_view.html", {"project": project, "stage": stage, "round": round_,
                                                      "status": status, "rows": rows, "stages": stages,
                                                      "emenscr_id": data.emenscr_id if data else ""})


@login_required
@require_GET
def stages(request):
    require_reader(request.user)
    office, fy = _year(request)
    return render(request, "emenscr/stages.html", {"fy": fy, "stages": stages_for(fy), "fields": FIELDS,
                                                   "can_edit": plans_stages(request.user, office)})


@login_required
@require_http_methods(["GET", "POST"])
def stage_edit(request, code: str):
    require_reader(request.user)
    office, fy = _year(request)
    if not plans_stages(request.user, office):
        raise PermissionDenied(_("Only planning staff change the stages."))
    stage = next((s for s in stages_for(fy) if s.code == code), None)
    if stage is None:
        raise Http404(_("Unknown stage."))
    data = request.POST if request.method == "POST" else None
    form = StageForm(data, stage=stage, initial={"name": stage.name, "fields_needed": stage.fields,
                                                 "progress_needs": stage.progress_needs,
                                                 "owners_may_mark": stage.owners_may_mark})
    if data is not None:
        if form.is_valid():
            services.save_stage(fiscal_year=fy, code=code, form=form)
            messages.success(request, _("Stage %(code)s was saved.") % {"code": code})
            return redirect(reverse("emenscr:stages") + f"?fy={fy.year}")
        messages.error(request, _("Nothing was saved: correct the fields marked in red."))
    return render(request, "emenscr/stage_form.html", {"fy": fy, "stage": stage, "form": form},
                  status=400 if data is not None else 200)


@login_required
@require_GET
def export_sheet(request):
    require_reader(request.user)
    office, fy = _year(request)
    stages_ = stages_for(fy)
    stage, round_ = _stage_and_round(request, stages_, timezone.localdate())
    book = Book(fy, Project.objects.visible_to(request.user).filter(office=office))
    workbook = exports.stage_workbook(book, stage, round_)
    return xlsx_response(workbook, exports.sheet_filename(fy, stage, round_))


@login_required
@require_GET
def summary(request, fmt: str):
    require_reader(request.user)
    if not has_any(request.user, *EMENSCR_REPORT_READERS):
        raise PermissionDenied(_("The summary report is for planning staff and the director."))
    if fmt not in ("pdf", "xlsx"):
        raise Http404
    office, fy = _year(request)
    book = Book(fy, Project.objects.visible_to(request.user).filter(office=office))
    report = exports.summary(book, stages_for(fy), timezone.localdate())
    if fmt == "xlsx":
        return xlsx_response(exports.summary_workbook(report, fy), f"emenscr-summary-{fy.year}.xlsx")
    return pdf_response(exports.summary_pdf(report, fy, request), f"emenscr-summary-{fy.year}.pdf")
