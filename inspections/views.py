"""Inspection screens: rounds, issues (report, recommendations, actions), follow-up actions, my actions, board."""

from django.contrib import messages
from django.db.models import Count
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from accounts.models import Role
from accounts.permissions import REPORT_READERS, has_any
from plans.choosing import chosen_fiscal_year
from reviews import evidence as evidence_files
from reviews.http import VERSION_MISSING, invalid_form
from reviews.machine import WorkflowError, parse_id

from . import workflow
from ._common import get_action, get_issue, get_result, refused, review_context
from .forms import (ActionForm, AnalysisForm, BodyForm, DecisionForm, FollowUpForm, IssueForm, ReasonForm,
                    RecommendationForm, ReportForm, RoundForm)
from .models import (ActionEvidence, FollowUpAction, InspectingBody, InspectionIssue, InspectionRound, IssueEvidence,
                     MeetingFile, MonitoringRound, Recommendation, ResultEvidence)

BOARD_ROLES = (Role.PLANNING, Role.DIRECTOR, Role.ADMIN, Role.GROUP_HEAD, Role.COMMITTEE)


@login_required
@require_http_methods(["GET", "POST"])
def round_list(request):
    office, years, fy = chosen_fiscal_year(request)
    if fy is None:
        return redirect("plans:fiscal_year_list")
    may_manage = workflow.may_manage(request.user, office.pk)
    form = RoundForm(initial={"number": InspectionRound.objects.filter(fiscal_year=fy).count() + 1}, office=office)
    if request.method == "POST":
        if not may_manage:
            raise PermissionDenied(_("Planning staff record inspection rounds."))
        form = RoundForm(request.POST, office=office)
        form.instance.fiscal_year, form.instance.created_by = fy, request.user
        if form.is_valid():
            inspection_round = form.save()
            messages.success(request, _("Round recorded. Add its inspection issues."))
            return redirect("inspections:round", pk=inspection_round.pk)
    rounds = InspectionRound.objects.visible_to(request.user).filter(fiscal_year=fy).select_related("body")
    return render(request, "inspections/round_list.html", {
        "fy": fy, "years": years, "rounds": rounds, "form": form if may_manage else None,
    }, status=400 if request.method == "POST" else 200)


@login_required
@require_http_methods(["GET", "POST"])
def round_detail(request, pk: int):
    inspection_round = get_object_or_404(InspectionRound.objects.visible_to(request.user).select_related(
        "fiscal_year", "body"), pk=pk)
    may_manage = workflow.may_manage(request.user, inspection_round.office_id)
    form = IssueForm(round=inspection_round)
    if request.method == "POST":
        if not may_manage:
            raise PermissionDenied(_("Planning staff record inspection issues."))
        form = IssueForm(request.POST, round=inspection_round)
        if form.is_valid():
            issue = form.save()
            messages.success(request, _("Issue %(code)s recorded; %(name)s writes the office's report.")
                             % {"code": issue.code, "name": issue.responsible.full_name})
            return redirect("inspections:round", pk=pk)
    issues = (InspectionIssue.objects.visible_to(request.user).filter(round=inspection_round)
              .select_related("group", "responsible"))
    return render(request, "inspections/round_detail.html", {
        "round": inspection_round, "issues": issues, "form": form if may_manage else None,
    }, status=400 if request.method == "POST" else 200)


@login_required
@require_http_methods(["GET", "POST"])
def issue_detail(request, pk: int):
    issue = get_issue(request, pk)
    office_id = issue.round.office_id
    forms = {"report": ReportForm(issue=issue), "recommendation": RecommendationForm(
        initial={"number": issue.recommendations.count() + 1}), "reason": ReasonForm(initial={"version": issue.version})}
    status = 200
    if request.method == "POST":
        op = request.POST.get("op", "")
        try:
            done = _issue_post(request, issue, op, forms)
        except WorkflowError as error:
            done, status = False, refused(request, error)
        if done:
            return redirect("inspections:issue", pk=pk)
        status = status if status != 200 else 400
        issue = get_issue(request, pk)
    recommendations = list(issue.recommendations.prefetch_related("actions__owner", "actions__group"))
    return render(request, "inspections/issue_detail.html", {
        "issue": issue, "forms": forms, "recommendations": recommendations, **review_context(request.user, issue),
        "may_manage": workflow.may_manage(request.user, office_id),
        "is_planning": workflow.is_planning(request.user, office_id),
        "is_director": workflow.is_director(request.user, office_id),
        "action_form": ActionForm(office=issue.round.office, initial={"group": issue.group_id}),
        "projects": issue.projects.all(), "indicators": issue.indicators.all(),
    }, status=status)


def _version_missing(request) -> bool:
    messages.error(request, str(VERSION_MISSING))
    return False


def _issue_post(request, issue, op: str, forms: dict) -> bool:
    office_id = issue.round.office_id
    if op == "save":
        form = forms["report"] = ReportForm(request.POST, request.FILES, issue=issue)
        if not form.is_valid():
            invalid_form(request, form)
            return False
        saved = workflow.save_report(issue.pk, by=request.user, expected_version=form.cleaned_data["version"],
                                     text=form.cleaned_data["report"], **form.evidence_payload())
        if request.POST.get("then") == "submit":
            workflow.move_issue(issue.pk, "submit", by=request.user, expected_version=saved.version)
            messages.success(request, _("Report submitted to the planning group."))
        else:
            messages.success(request, _("Report saved."))
        return True
    if op in workflow.ISSUE_MOVES:
        form = forms["reason"] = ReasonForm(request.POST)
        if not form.is_valid():
            return _version_missing(request)
        workflow.move_issue(issue.pk, op, by=request.user, expected_version=form.cleaned_data["version"],
                            reason=form.cleaned_data["reason"])
        messages.success(request, _("Done: the report is now %(state)s.")
                         % {"state": InspectionIssue.objects.get(pk=issue.pk).get_state_display()})
        return True
    if op == "add_recommendation":
        if not workflow.may_manage(request.user, office_id):
            raise PermissionDenied(_("Planning staff record the inspectors' recommendations."))
        form = forms["recommendation"] = RecommendationForm(request.POST)
        form.instance.issue, form.instance.created_by = issue, request.user
        if not form.is_valid():
            return False
        form.save()
        messages.success(request, _("Recommendation recorded."))
        return True
    if op not in ("analyse", "decide", "assign"):
        raise Http404
    recommendation = get_object_or_404(Recommendation, pk=parse_id(request.POST.get("recommendation")), issue=issue)
    if op == "analyse":
        form = AnalysisForm(request.POST)
        if not form.is_valid():
            if "version" in form.errors:
                return _version_missing(request)
            messages.error(request, _("Write the analysis."))
            return False
        workflow.analyse(recommendation.pk, by=request.user, expected_version=form.cleaned_data["version"],
                         analysis=form.cleaned_data["analysis"])
        messages.success(request, _("Analysis saved."))
        return True
    if op == "decide":
        form = DecisionForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Write the decision."))
            return False
        workflow.decide(recommendation.pk, by=request.user, decision=form.cleaned_data["decision"])
        return True
    if op == "assign":
        form = ActionForm(request.POST, office=issue.round.office)
        if not form.is_valid():
            messages.error(request, "; ".join(f"{form.fields[k].label}: {' '.join(v)}" for k, v in form.errors.items()))
            return False
        data = form.cleaned_data
        action = workflow.assign_action(recommendation.pk, by=request.user, title=data["title"], group=data["group"],
                                        owner=data["owner"], due_date=data["due_date"])
        messages.success(request, _("Action assigned to %(name)s.") % {"name": action.owner.full_name})
        return True
    raise Http404


@login_required
@require_http_methods(["GET", "POST"])
def action_detail(request, pk: int):
    action = get_action(request, pk)
    form, reason = FollowUpForm(action=action), ReasonForm(initial={"version": action.version})
    status = 200
    if request.method == "POST":
        op = request.POST.get("op", "")
        try:
            if op == "save":
                form = FollowUpForm(request.POST, request.FILES, action=action)
                if form.is_valid():
                    workflow.follow_up(action.pk, by=request.user, expected_version=form.cleaned_data["version"],
                                       text=form.cleaned_data["progress"], **form.evidence_payload())
                    messages.success(request, _("Follow-up saved."))
                    return redirect("inspections:action", pk=pk)
                invalid_form(request, form)
                status = 400
            elif op in workflow.ACTION_MOVES:
                reason = ReasonForm(request.POST)
                if not reason.is_valid():
                    _version_missing(request)
                else:
                    action = workflow.move_action(action.pk, op, by=request.user,
                                                  expected_version=reason.cleaned_data["version"],
                                                  reason=reason.cleaned_data["reason"])
                    messages.success(request, _("Done: the action is now %(state)s.")
                                     % {"state": action.get_state_display()})
                    return redirect("inspections:action", pk=pk)
                status = 400
            else:
                raise Http404
        except WorkflowError as error:
            status = refused(request, error)
        action = get_action(request, pk)
    context = review_context(request.user, action)
    return render(request, "inspections/action_detail.html", {
        "action": action, "form": form, "reason": reason, **context, "may_follow_up": context["may_write"],
        "today": timezone.localdate(),
    }, status=status)


@login_required
@require_safe
def my_actions(request):
    actions = (FollowUpAction.objects.filter(owner=request.user).select_related(
        "recommendation__issue__round", "group").order_by("state", "due_date"))
    issues = (InspectionIssue.objects.filter(responsible=request.user).exclude(state=InspectionIssue.State.APPROVED)
              .select_related("round"))
    from .models import MonitoringResult

    results = (MonitoringResult.objects.filter(responsible=request.user)
               .exclude(state=MonitoringResult.State.APPROVED).select_related("round", "indicator"))
    return render(request, "inspections/my_actions.html", {
        "actions": actions, "issues": issues, "results": results, "today": timezone.localdate()})


@login_required
@require_safe
def board(request):
    """Planning staff's follow-up board: every visible action by state, earliest due first."""
    if not has_any(request.user, *BOARD_ROLES):
        raise PermissionDenied(_("The follow-up board is for planning staff, the director and group heads."))
    office, years, fy = chosen_fiscal_year(request)
    if fy is None:
        return redirect("plans:fiscal_year_list")
    actions = (FollowUpAction.objects.visible_to(request.user)
               .filter(recommendation__issue__round__fiscal_year=fy)
               .select_related("recommendation__issue__round", "group", "owner").order_by("due_date", "id"))
    columns = {state: [] for state, _label in FollowUpAction.State.choices}
    for action in actions:
        columns[action.state].append(action)
    today = timezone.localdate()
    return render(request, "inspections/board.html", {
        "fy": fy, "years": years, "today": today,
        "columns": [(state, label, columns[state]) for state, label in FollowUpAction.State.choices],
        "overdue": sum(1 for a in actions if a.is_overdue(today)),
    })


@login_required
@require_safe
def round_report(request, pk: int, fmt: str):
    """The round's inspection report and follow-up status, as PDF or Excel."""
    from documents.responses import pdf_response, xlsx_response

    from . import report

    inspection_round = get_object_or_404(InspectionRound.objects.visible_to(request.user).select_related(
        "fiscal_year", "office", "body"), pk=pk)
    if not has_any(request.user, *REPORT_READERS):
        raise PermissionDenied(_("The round's report is for planning staff, the director and committees."))
    name = f"inspection-{inspection_round.fiscal_year.year}-{inspection_round.pk}"
    if fmt == "xlsx":
        return xlsx_response(report.workbook(inspection_round, reader=request.user), f"{name}.xlsx")
    if fmt != "pdf":
        raise Http404
    content, _pages = report.pdf(inspection_round, reader=request.user)
    return pdf_response(content, f"{name}.pdf")


@login_required
@require_safe
def evidence_download(request, which: str, pk: int):
    if which == "issue":
        item = get_object_or_404(IssueEvidence, pk=pk)
        get_issue(request, item.issue_id)  # 404 unless the user may see the issue
    elif which == "action":
        item = get_object_or_404(ActionEvidence, pk=pk)
        get_action(request, item.action_item_id)
    elif which == "result":
        item = get_object_or_404(ResultEvidence, pk=pk)
        get_result(request, item.result_id)
    elif which == "meeting":
        item = get_object_or_404(MeetingFile.objects.filter(
            meeting__round__in=MonitoringRound.objects.visible_to(request.user)), pk=pk)
    else:
        raise Http404
    if item.kind != item.Kind.FILE:
        return redirect(item.url)
    return evidence_files.download_response(item)



@login_required
@require_http_methods(["GET", "POST"])
def bodies(request):
    """The office's inspecting bodies (หน่วยตรวจราชการ) and their report layouts; planning adds and edits them."""
    from accounts.offices import current_office

    office = current_office(request)
    if office is None:
        raise Http404
    may_manage = workflow.may_manage(request.user, office.pk)
    editing = None
    if request.GET.get("edit", "").isdecimal():
        editing = get_object_or_404(InspectingBody.objects.visible_to(request.user), pk=int(request.GET["edit"]),
                                    office=office)
    form = BodyForm(instance=editing, office=office) if may_manage else None
    if request.method == "POST":
        if not may_manage:
            raise PermissionDenied(_("Planning staff keep the list of inspecting bodies."))
        target = None
        if request.POST.get("pk", "").isdecimal():
            target = get_object_or_404(InspectingBody.objects.visible_to(request.user), pk=int(request.POST["pk"]),
                                       office=office)
        form = BodyForm(request.POST, instance=target, office=office)
        if form.is_valid():
            form.save()
            messages.success(request, _("Inspecting body saved."))
            return redirect("inspections:bodies")
        editing = target
    rows = (InspectingBody.objects.visible_to(request.user).filter(office=office)
            .annotate(round_count=Count("rounds")))
    return render(request, "inspections/bodies.html", {
        "bodies": rows, "form": form, "editing": editing,
    }, status=400 if request.method == "POST" else 200)
