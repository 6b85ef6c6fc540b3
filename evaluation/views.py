"""The evaluation's pages for the office: the year's overview, the form, the projects and their invitations,
the results and roll-ups, the summary with its lessons, and the lessons taken up on the next year's plan."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.permissions import reads_final_work_only, sees_history
from plans.choosing import chosen_fiscal_year
from plans.models import FiscalYear
from projects.models import Project
from reviews.history import with_readable_changes
from reviews.http import refused
from reviews.machine import BadInput, NotAllowed, WorkflowError, parse_id

from . import links, results, scoring, services, workflow
from .forms import CriterionForm, FormSettingsForm, InviteOutsideForm, InviteUserForm, LessonForm, SummaryForm
from .models import EvaluationForm, Invitation, Lesson, Summary


def _year(request):
    office, years, fy = chosen_fiscal_year(request)
    if fy is None:
        return None, None, None
    return office, years, fy


def _must_read(request, office_id):
    if not workflow.reads(request.user, office_id):
        raise PermissionDenied(_("The planning group, the director and administrators read the evaluation."))


@login_required
@require_http_methods(["GET", "POST"])
def index(request):
    office, years, fy = _year(request)
    if fy is None:
        return redirect("plans:fiscal_year_list")
    user = request.user
    reads, runs = workflow.reads(user, fy.office_id), workflow.runs(user, fy.office_id)
    status = 200
    if request.method == "POST":
        if not runs:
            raise PermissionDenied(_("The planning group builds the evaluation and invites the evaluators."))
        op = request.POST.get("op", "")
        try:
            if op == "create":
                form = services.create_form(fy, by=user)
            elif op == "copy":
                raw = request.POST.get("source_year", "")
                if not raw.isdecimal():
                    raise BadInput(_("Choose the year to copy from."))
                form = services.copy_form(fy, by=user, source_year=int(raw))
            else:
                raise BadInput(_("Unknown action."))
            messages.success(request, _("The evaluation form is ready; check its criteria."))
            return redirect("evaluation:form", pk=form.pk)
        except WorkflowError as error:
            status = refused(request, error)
    form = services.current_form(fy)
    counts = {}
    if reads:
        counts = Invitation.objects.filter(evaluation__project__fiscal_year=fy).aggregate(
            invited=Count("pk"), answered=Count("pk", filter=Q(answered_at__isnull=False)))
        counts["projects"] = Project.objects.filter(fiscal_year=fy).exclude(status=Project.Status.CANCELLED).count()
    summary = Summary.objects.visible_to(user).filter(fiscal_year=fy).first()
    if summary is not None and not reads and summary.state != Summary.State.APPROVED:
        summary = None
    mine = (Invitation.objects.filter(user=user).select_related("evaluation__project__fiscal_year")
            .order_by("-evaluation__project__fiscal_year__year", "evaluation__project__code"))
    copy_years = []
    if runs and form is None:
        copy_years = list(EvaluationForm.objects.filter(office_id=fy.office_id).exclude(fiscal_year=fy)
                          .values_list("fiscal_year__year", flat=True).distinct().order_by("-fiscal_year__year"))
    return render(request, "evaluation/index.html", {
        "fy": fy, "years": years, "form": form, "reads": reads, "runs": runs, "counts": counts,
        "summary": summary, "mine": mine, "copy_years": copy_years,
        "closed": fy.end < timezone.localdate(),
    }, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def form_detail(request, pk: int):
    form = get_object_or_404(EvaluationForm.objects.visible_to(request.user).select_related("fiscal_year"), pk=pk)
    _must_read(request, form.office_id)
    runs = workflow.runs(request.user, form.office_id)
    settings_form = FormSettingsForm(instance=form, locked=form.locked)
    criterion_form = CriterionForm(initial={"weight": 1, "scale_max": 5, "kind": "rated"})
    status = 200
    if request.method == "POST":
        if not runs:
            raise PermissionDenied(_("The planning group builds the evaluation form."))
        op = request.POST.get("op", "")
        try:
            if op == "settings":
                settings_form = FormSettingsForm(request.POST, instance=EvaluationForm.objects.get(pk=form.pk),
                                                 locked=form.locked)
                if not settings_form.is_valid():
                    raise BadInput(_("Nothing was saved: correct the fields marked in red."))
                services.update_form(form, by=request.user, cleaned=settings_form.cleaned_data)
                messages.success(request, _("Saved."))
            elif op == "add":
                criterion_form = CriterionForm(request.POST)
                if not criterion_form.is_valid():
                    raise BadInput(_("Nothing was saved: correct the fields marked in red."))
                services.add_criterion(form, by=request.user, criterion=criterion_form.build())
                messages.success(request, _("Criterion added."))
            elif op == "remove":
                services.remove_criterion(form, by=request.user, criterion_id=parse_id(request.POST.get("criterion")))
                messages.success(request, _("Criterion removed."))
            elif op == "version":
                form = services.new_version(form, by=request.user)
                messages.success(request, _("A new version of the form was made; change it before new answers "
                                            "arrive."))
            else:
                raise BadInput(_("Unknown action."))
            return redirect("evaluation:form", pk=form.pk)
        except WorkflowError as error:
            status = refused(request, error)
    current = services.current_form(form.fiscal_year)
    return render(request, "evaluation/form.html", {
        "eform": form, "fy": form.fiscal_year, "criteria": form.criteria.all(), "runs": runs,
        "settings_form": settings_form, "criterion_form": criterion_form, "is_current": current.pk == form.pk,
        "versions": form.fiscal_year.evaluation_forms.order_by("-version"),
    }, status=status)


@login_required
@require_safe
def project_list(request):
    office, years, fy = _year(request)
    if fy is None:
        return redirect("plans:fiscal_year_list")
    _must_read(request, fy.office_id)
    form, found, tables = services.year_results(fy, projects=Project.objects.visible_to(request.user))
    return render(request, "evaluation/projects.html", {"fy": fy, "years": years, "eform": form, "results": found})


def _project_for(request, pk: int) -> Project:
    project = get_object_or_404(Project.objects.visible_to(request.user).select_related("fiscal_year", "group"),
                                pk=pk)
    _must_read(request, project.office_id)
    return project


@login_required
@require_http_methods(["GET", "POST"])
def project_detail(request, pk: int):
    project = _project_for(request, pk)
    fy = project.fiscal_year
    runs = workflow.runs(request.user, project.office_id)
    user_form, outside_form = InviteUserForm(office=project.office), InviteOutsideForm()
    status = 200
    if request.method == "POST":
        if not runs:
            raise PermissionDenied(_("The planning group invites the evaluators."))
        op = request.POST.get("op", "")
        try:
            if op == "invite_user":
                user_form = InviteUserForm(request.POST, office=project.office)
                if not user_form.is_valid():
                    raise BadInput(_("Choose a person of this office."))
                invitation = services.invite(project, by=request.user, user=user_form.cleaned_data["user"])
                messages.success(request, _("%(name)s is invited.") % {"name": invitation.name})
            elif op == "invite_outside":
                outside_form = InviteOutsideForm(request.POST)
                if not outside_form.is_valid():
                    raise BadInput(_("Nothing was saved: correct the fields marked in red."))
                invitation = services.invite(project, by=request.user, **outside_form.cleaned_data)
                messages.success(request, _("%(name)s is invited; print or send the link.") % {"name": invitation.name})
                return redirect("evaluation:invitation_link", pk=invitation.pk)
            elif op in ("withdraw", "renew", "send_link"):
                invitation = get_object_or_404(Invitation, pk=parse_id(request.POST.get("invitation")),
                                               evaluation__project=project)
                if op == "send_link":
                    with transaction.atomic():
                        sent = services.send_link(invitation, by=request.user)
                    if sent is None:
                        messages.info(request, _("This link was e-mailed already; make a new link to send it "
                                                 "again."))
                    else:
                        messages.success(request, _("The link was e-mailed to %(name)s.") % {"name": invitation.name})
                elif op == "withdraw":
                    services.withdraw(invitation, by=request.user)
                    messages.success(request, _("Invitation withdrawn."))
                else:
                    services.renew_link(invitation, by=request.user)
                    messages.success(request, _("A new link was made; the old one no longer works."))
                    return redirect("evaluation:invitation_link", pk=invitation.pk)
            else:
                raise BadInput(_("Unknown action."))
            return redirect("evaluation:project", pk=pk)
        except WorkflowError as error:
            status = refused(request, error)
    form, found, _tables = services.year_results(fy, projects=Project.objects.filter(pk=project.pk))
    invitations = (Invitation.objects.filter(evaluation__project=project).select_related("user", "form")
                   .order_by("id"))
    return render(request, "evaluation/project.html", {
        "project": project, "fy": fy, "eform": form, "result": found[0] if found else None,
        "invitations": invitations, "runs": runs and form is not None, "user_form": user_form,
        "outside_form": outside_form,
    }, status=status)


@login_required
@require_safe
def invitation_link(request, pk: int):
    invitation = get_object_or_404(Invitation.objects.visible_to(request.user).select_related(
        "evaluation__project__fiscal_year"), pk=pk, user__isnull=True)
    _must_read(request, invitation.evaluation.office_id)
    project = invitation.evaluation.project
    form = services.current_form(project.fiscal_year)
    return render(request, "evaluation/invitation_link.html", {
        "invitation": invitation, "project": project, "eform": form,
        "url": request.build_absolute_uri(links.path_for(invitation)),
    })


@login_required
@require_safe
def results_page(request):
    office, years, fy = _year(request)
    if fy is None:
        return redirect("plans:fiscal_year_list")
    _must_read(request, fy.office_id)
    form, found, tables = services.year_results(fy, projects=Project.objects.visible_to(request.user))
    rows = {}
    if form is not None:
        rows = {"rows_plan": [results.rollup_row(tables["plan"], form)],
                "groups": [results.rollup_row(r, form) for r in tables["groups"]],
                "strategies": [results.rollup_row(r, form) for r in tables["strategies"]]}
    return render(request, "evaluation/results.html", {
        "fy": fy, "years": years, "eform": form, "results": found, **rows,
        "not_achieved": [r for r in found if r.level == scoring.NOT_ACHIEVED],
        "level_th": scoring.LEVEL_TH,
    })


@login_required
@require_http_methods(["GET", "POST"])
def summary_page(request):
    office, years, fy = _year(request)
    if fy is None:
        return redirect("plans:fiscal_year_list")
    user = request.user
    summary = Summary.objects.visible_to(user).filter(fiscal_year=fy).first()
    reads = workflow.reads(user, fy.office_id)
    if not reads and (summary is None or summary.state != Summary.State.APPROVED):
        raise Http404  # the others (committee members among them) read the approved summary only
    runs = workflow.runs(user, fy.office_id)
    status = 200
    if request.method == "POST":
        try:
            done = _summary_post(request, fy, summary, runs)
        except WorkflowError as error:
            done, status = False, refused(request, error)
        if done:
            return redirect(f"{request.path}?fy={fy.year}")
    item = summary or Summary(fiscal_year=fy, office_id=fy.office_id)
    moves = [m for m in workflow.engine.available_moves(user, item) if m != "save"] if summary else []
    may_write = workflow.engine.may_save(user, item)
    lessons = Lesson.objects.filter(fiscal_year=fy).select_related("plan_item", "taken_up_by")
    frozen = summary is not None and summary.state == Summary.State.APPROVED
    context = {"fy": fy, "years": years, "summary": summary, "item": item, "moves": moves,
               "may_write": may_write and reads, "runs": runs, "lessons": lessons, "frozen": frozen,
               "reads": reads, "level_th": scoring.LEVEL_TH,
               "summary_form": SummaryForm(initial={"version": item.version, "overview": item.overview}),
               "lesson_form": LessonForm(fiscal_year=fy) if runs and not frozen else None,
               "show_history": summary is not None and sees_history(user) and not reads_final_work_only(user),
               "events": with_readable_changes(summary.events.select_related("actor"), Summary) if summary else [],
               "event_labels": workflow.EVENT_LABELS, "state_labels": workflow.STATE_LABELS}
    if frozen:
        context["data"] = summary.snapshot
    elif reads and services.current_form(fy) is not None:
        context["data"] = services.build_snapshot(fy)
    return render(request, "evaluation/summary.html", context, status=status)


def _summary_post(request, fy, summary, runs) -> bool:
    op = request.POST.get("op", "")
    user = request.user
    if op == "save":
        if not runs:
            raise PermissionDenied(_("The planning group writes the summary."))
        overview = request.POST.get("overview", "")
        if summary is None:
            if not overview.strip():
                raise BadInput(_("Write the summary of the evaluation."))
            Summary.objects.create(fiscal_year=fy, overview=overview.strip())
        else:
            workflow.save_summary(summary.pk, by=user, expected_version=request.POST.get("version"),
                                  overview=overview)
        messages.success(request, _("Saved."))
        return True
    if op == "lesson":
        if not runs:
            raise PermissionDenied(_("The planning group writes the lessons."))
        lesson_form = LessonForm(request.POST, fiscal_year=fy)
        if not lesson_form.is_valid():
            raise BadInput(_("Write the lesson."))
        services.add_lesson(fy, by=user, text=lesson_form.cleaned_data["text"],
                            plan_item=lesson_form.cleaned_data["plan_item"])
        messages.success(request, _("Lesson added."))
        return True
    if op == "remove_lesson":
        lesson = get_object_or_404(Lesson, pk=parse_id(request.POST.get("lesson")), fiscal_year=fy)
        services.remove_lesson(lesson, by=user)
        messages.success(request, _("Lesson removed."))
        return True
    if op in workflow.SUMMARY_MOVES:
        if summary is None:
            raise BadInput(_("Write the summary of the evaluation."))
        workflow.move_summary(summary.pk, op, by=user, expected_version=request.POST.get("version"),
                              reason=request.POST.get("reason", ""))
        messages.success(request, {"propose": _("Proposed to the director."), "return": _("Returned to planning."),
                                   "approve": _("Approved; the figures are frozen.")}[op])
        return True
    raise BadInput(_("Unknown action."))


@login_required
@require_POST
def take_up(request, pk: int):
    lesson = get_object_or_404(Lesson.objects.visible_to(request.user).select_related("fiscal_year"), pk=pk)
    next_year = get_object_or_404(FiscalYear, office_id=lesson.office_id, year=lesson.fiscal_year.year + 1)
    raw = request.POST.get("project", "")
    project = None
    if raw:
        project = Project.objects.filter(pk=int(raw) if raw.isdecimal() else 0, fiscal_year=next_year).first()
        if project is None:
            messages.error(request, _("Choose a project of the next year's plan."))
            return redirect("projects:plan", year=next_year.year)
    try:
        services.take_up(lesson, by=request.user, project=project)
    except NotAllowed as error:
        raise PermissionDenied(str(error)) from None
    except WorkflowError as error:
        refused(request, error)
        return redirect("projects:plan", year=next_year.year)
    messages.success(request, _("Saved."))
    return redirect("projects:plan", year=next_year.year)

