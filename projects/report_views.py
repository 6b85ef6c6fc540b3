"""Quarterly progress forms: my forms, the form itself, review and approval queues, quarter overview."""

from collections import Counter, defaultdict

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import WorkGroup
from accounts.http import safe_next
from accounts.permissions import DIRECTORS, PLANNERS, has_any, reads_final_work_only, sees_history
from accounts.offices import current_office
from plans.formatting import display_date
from plans.models import Quarter
from plans.choosing import chosen_fiscal_year

from reviews import evidence as evidence_files
from reviews import engine, queues
from reviews.http import VERSION_MISSING, invalid_form
from reviews.machine import status_for

from . import workflow
from . import history
from . import pending
from .models import Disbursement, Project, QuarterlyReport, ReportEvent, ReportEvidence
from .report_forms import ExceptionForm, ProgressForm, ReviewForm

State = QuarterlyReport.State


def _fiscal_year(request):
    return chosen_fiscal_year(request)[2]


def get_report_for_user(request, pk: int, number: int) -> QuarterlyReport:
    """The form of a project the user may see (404 otherwise). Reading writes nothing: a form nobody saved
    yet is an unsaved instance; a POST makes its record (and its lines) before acting on it."""
    project = get_object_or_404(Project.objects.visible_to(request.user).select_related("fiscal_year"), pk=pk)
    quarter = get_object_or_404(Quarter, fiscal_year=project.fiscal_year, number=number)
    report = QuarterlyReport.objects.filter(project=project, quarter=quarter).select_related("project", "quarter").first()
    if reads_final_work_only(request.user) and (
            report is None or not QuarterlyReport.objects.visible_to(request.user).filter(pk=report.pk).exists()):
        raise Http404  # what committee members read is decided where all seeing is (scoping's final_filter)
    if report is None and not quarter.needs_form:
        raise Http404  # this year asks for no form in this quarter (FiscalYear.form_quarters)
    if report is None:
        report = workflow.unsaved_report(project, quarter)
    if request.method == "POST" and (report.pk or "save" in engine.available_moves(request.user, report)):
        # The first save makes the record; later ones add lines for activities added since. A user who may
        # not fill the form gets the refusal below with nothing written.
        report = workflow.get_or_create_report(project, quarter)
    return report


@login_required
@require_GET
def my_forms(request):
    """The forms the user fills: first those returned to them (whatever fiscal year), then their projects × the
    quarters whose window has opened."""
    fy = _fiscal_year(request)
    today = timezone.localdate()
    returned = list(pending.returned_forms(request.user))
    # A returned form was sent (its timeliness is stamped): it waits for changes, it is not overdue.
    rows = [{"project": r.project, "quarter": r.quarter, "report": r, "state": r.state, "overdue": False}
            for r in returned]
    seen = {r.pk for r in returned}
    if fy is not None:
        quarters = [q for q in fy.quarters.select_related("fiscal_year") if q.window_opens() <= today and q.needs_form]
        projects = list(Project.objects.editable_by(request.user).filter(fiscal_year=fy)
                        .exclude(status=Project.Status.CANCELLED).select_related("group").order_by("code"))
        reports = {(r.project_id, r.quarter_id): r for r in
                   QuarterlyReport.objects.filter(project__in=projects, quarter__in=quarters)}
        for quarter in reversed(quarters):
            for project in projects:
                report = reports.get((project.pk, quarter.pk))
                if report is not None and report.pk in seen:
                    continue
                rows.append({"project": project, "quarter": quarter, "report": report,
                             "state": report.state if report else State.DRAFT,
                             "overdue": (report is None or report.owner_may_edit) and quarter.due_date < today})
    return render(request, "projects/my_forms.html", {"fy": fy, "rows": rows, "today": today})


def _blank_form(report) -> ProgressForm:
    """The form with the report's lines (activities in order, indicator results), unbound."""
    activity_lines, result_lines = workflow.lines_of(report)
    return ProgressForm(report=report, activity_lines=activity_lines, result_lines=result_lines)


def _form_context(request, report, form=None, review=None, exception_form=None):
    form = form or _blank_form(report)
    activity_lines, result_lines = form.activity_lines, form.result_lines
    moves = engine.available_moves(request.user, report)
    can_edit = "save" in moves
    grants = workflow.can_grant_exception(request.user, report)
    activities, results = form.rows()
    disbursed = Disbursement.objects.filter(project_id=report.project_id, quarter_id=report.quarter_id).first()
    return {
        "report": report, "project": report.project, "quarter": report.quarter, "form": form,
        "activities": activities, "results": results, "can_edit": can_edit,
        "why_not": "" if can_edit else workflow.why_not_editable(report),
        "review_actions": [name for name in moves if name not in ("save", "submit")],
        "review": review or ReviewForm(initial={"version": report.version}),
        "history": history.describe(
            report.events.select_related("actor"),
            activities={line.activity_id: line.activity.order for line in activity_lines},
            indicators={line.target_id: line.target.indicator.code for line in result_lines},
            revisions=history.outside_changes(report.pk)) if report.pk and sees_history(request.user) else [],
        "show_history": sees_history(request.user),
        # Shown to people: how many times the content was saved; ``version`` (bumped by every move) stays hidden.
        "content_saves": report.events.filter(action__in=[ReportEvent.Action.SAVED, ReportEvent.Action.EDITED])
        .count() if report.pk else 0,
        "evidence": form.evidence_items,
        "max_file_mb": evidence_files.megabytes(settings.TIDTAM_EVIDENCE_MAX_FILE_BYTES),
        "cumulative": workflow.cumulative_spent(report),
        "disbursed": disbursed,
        "submission_open": workflow.submission_open_for(request.user, report),
        "window_closed": timezone.localdate() > report.quarter.window_closes(),
        "my_exception": report.project.lock_exceptions.filter(quarter=report.quarter, user=request.user,
                                                              until__gte=timezone.localdate()).first(),
        "exceptions": (report.project.lock_exceptions.filter(quarter=report.quarter)
                       .select_related("user", "granted_by") if grants else None),
        "exception_form": exception_form or (ExceptionForm(project=report.project) if grants else None),
    }


@login_required
@require_http_methods(["GET", "POST"])
def report_form(request, pk: int, number: int):
    report = get_report_for_user(request, pk, number)
    if request.method == "GET":
        return render(request, "projects/report_form.html", _form_context(request, report))
    action = request.POST.get("action", "save")
    if report.pk is None:  # nobody saved this form and this user may not: nothing to act on, nothing written
        messages.error(request, _("You may not change this form.") if action in ("save", "submit", "exception")
                       else _("This form has not been saved or sent yet; there is nothing to review."))
        status = 403 if action in ("save", "submit", "exception") else 400
        return render(request, "projects/report_form.html", _form_context(request, report), status=status)
    if action in ("save", "submit"):
        return _save_or_submit(request, report, action)
    if action in ("verify", "return", "approve", "reopen"):
        return _review(request, report, action)
    if action == "exception":
        return _grant_exception(request, report)
    messages.error(request, _("Unknown action."))
    return redirect(request.path)


def _save_or_submit(request, report, action):
    blank = _blank_form(report)
    form = ProgressForm(request.POST, request.FILES, report=report, activity_lines=blank.activity_lines,
                        result_lines=blank.result_lines, evidence_items=blank.evidence_items)
    if not form.is_valid():
        invalid_form(request, form)
        return render(request, "projects/report_form.html", _form_context(request, report, form), status=400)
    try:
        report = workflow.save_form(report.pk, by=request.user, **form.payload())
        if action == "submit":
            report = workflow.submit(report.pk, by=request.user, expected_version=report.version)
            messages.success(request, _("The form was sent to the planning group (%(timeliness)s).")
                             % {"timeliness": report.get_timeliness_display()})
        else:
            messages.success(request, _("Draft saved."))
    except workflow.IncompleteError as error:
        report.refresh_from_db()
        messages.warning(request, _("The draft was saved, but it cannot be sent yet: complete the fields marked "
                                    "in red."))
        data = request.POST.copy()
        for name in ("evidence_links", "remove_evidence"):  # already saved with the draft
            data.pop(name, None)
        form = ProgressForm(data, report=report, activity_lines=form.activity_lines,
                            result_lines=form.result_lines)
        form.data["version"] = report.version
        form.is_valid()
        form.add_problems(error.problems)
        return render(request, "projects/report_form.html", _form_context(request, report, form), status=400)
    except workflow.ConflictError as error:  # the page is stale: keep what the user typed, to copy
        messages.error(request, str(error))
        return render(request, "projects/report_form.html", _form_context(request, report, form), status=409)
    except workflow.WorkflowError as error:  # not allowed 403; window closed or not open, bad input 400
        messages.error(request, str(error))
        report.refresh_from_db()
        return render(request, "projects/report_form.html", _form_context(request, report),
                      status=status_for(error))
    return redirect(request.path)


def _review(request, report, action):
    review = ReviewForm(request.POST)
    if not review.is_valid():  # no version (or not a number): nothing is done without the stale-page check
        messages.error(request, str(VERSION_MISSING))
        return render(request, "projects/report_form.html", _form_context(request, report), status=400)
    version, reason = review.cleaned_data["version"], review.cleaned_data["reason"]
    call = {
        "verify": lambda: workflow.verify(report.pk, by=request.user, expected_version=version),
        "approve": lambda: workflow.approve(report.pk, by=request.user, expected_version=version),
        "return": lambda: workflow.return_report(report.pk, by=request.user, expected_version=version, reason=reason),
        "reopen": lambda: workflow.reopen(report.pk, by=request.user, expected_version=version, reason=reason),
    }[action]
    try:
        report = call()
    except workflow.WorkflowError as error:
        messages.error(request, str(error))
        return render(request, "projects/report_form.html", _form_context(request, report, review=review),
                      status=status_for(error))
    messages.success(request, _("The form is now: %(state)s.") % {"state": report.get_state_display()})
    return redirect(safe_next(request, request.path))


@login_required
@require_GET
def evidence_download(request, pk: int):
    """A form's evidence file, for anyone who may see the project; 404 for everyone else."""
    item = get_object_or_404(ReportEvidence.objects.visible_to(request.user), pk=pk, kind=ReportEvidence.Kind.FILE)
    return evidence_files.download_response(item)


def _grant_exception(request, report):
    if not workflow.can_grant_exception(request.user, report):
        raise PermissionDenied(_("Only the planning group grants exceptions."))
    form = ExceptionForm(request.POST, project=report.project)
    if form.is_valid():
        try:
            exception = workflow.grant_exception(report.pk, by=request.user, user=form.cleaned_data["user"],
                                                 until=form.cleaned_data["until"], reason=form.cleaned_data["reason"])
        except workflow.WorkflowError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("%(name)s may send this form until %(date)s.")
                             % {"name": exception.user.full_name, "date": display_date(exception.until)})
            return redirect(request.path)
    messages.error(request, _("The exception was not granted: correct the fields marked in red."))
    return render(request, "projects/report_form.html", _form_context(request, report, exception_form=form),
                  status=400)


# --- queues and overview ---------------------------------------------------------------------------


def _queue(request, *, state, title, bulk_action, allowed):
    if not allowed(request.user):
        raise PermissionDenied(_("This queue is for the planning group and the director."))
    # What waits is listed whatever fiscal year it belongs to (labelled by year), unless a year is asked for.
    fy = _fiscal_year(request) if request.GET.get("fy") else None
    office = current_office(request)
    reports = (QuarterlyReport.objects.visible_to(request.user)
               .filter(project__office=office)
               .select_related("project__group", "quarter__fiscal_year", "submitted_by")
               .order_by("quarter__fiscal_year__year", "quarter__number", "project__code"))
    if fy is not None:
        reports = reports.filter(project__fiscal_year=fy)
    number = request.GET.get("q")
    if number in ("1", "2", "3", "4"):
        reports = reports.filter(quarter__number=int(number))
    group = request.GET.get("group")
    if group and group.isdecimal():
        reports = reports.filter(project__group_id=int(group))
    chosen_state = request.GET.get("state", state)
    if chosen_state in State.values:
        reports = reports.filter(state=chosen_state)
    # Other reviewed records (inspection reports, indicator results…) wait in the same queues; their apps
    # register them with reviews.queues and they are reviewed on their own pages.
    waiting = State.SUBMITTED if bulk_action == "verify" else State.VERIFIED
    other_items = queues.waiting(request.user, office=office, fiscal_year=fy, state=waiting)
    return render(request, "projects/report_queue.html", {
        "other_items": other_items,
        "fy": fy, "reports": reports, "title": title, "bulk_action": bulk_action, "state": chosen_state,
        "states": State.choices, "groups": WorkGroup.objects.filter(office=office, is_active=True),
        "quarter_number": number or "", "group_id": group or "",
    })


def _is_planning(user):
    return has_any(user, *PLANNERS)


def _is_director(user):
    return has_any(user, *DIRECTORS)


@login_required
@require_GET
def review_queue(request):
    return _queue(request, state=State.SUBMITTED, title=_("Forms to review"), bulk_action="verify",
                  allowed=_is_planning)


@login_required
@require_GET
def approval_queue(request):
    return _queue(request, state=State.VERIFIED, title=_("Forms to approve"), bulk_action="approve",
                  allowed=_is_director)


@login_required
@require_POST
def bulk_action(request):
    """Verify (planning) or approve (director) the ticked forms; each is checked on its own."""
    action = request.POST.get("action")
    if action not in ("verify", "approve"):
        raise PermissionDenied
    if not (_is_planning if action == "verify" else _is_director)(request.user):
        raise PermissionDenied(_("This queue is for the planning group and the director."))
    function = workflow.verify if action == "verify" else workflow.approve
    done, failed = 0, []
    for value in request.POST.getlist("report"):
        pk, _sep, version = value.partition(":")
        if not (pk.isdecimal() and version.isdecimal()):  # never a move without the stale-page check
            failed.append(_("A ticked form was not understood (no version); reload the page and try again."))
            continue
        report = QuarterlyReport.objects.visible_to(request.user).filter(pk=int(pk)).select_related("project").first()
        if report is None:
            continue
        try:
            function(report.pk, by=request.user, expected_version=int(version))
            done += 1
        except workflow.WorkflowError as error:
            failed.append(f"{report.project.code}: {error}")
    if done:
        messages.success(request, _("%(count)s form(s) done.") % {"count": done})
    for failure in failed:
        messages.error(request, failure)
    target = "projects:review_queue" if action == "verify" else "projects:approval_queue"
    return redirect(reverse(target) + ("?" + request.POST.get("query", "") if request.POST.get("query") else ""))


def _overdue_everywhere(projects, quarters, group: str) -> list[dict]:
    """Forms never sent, of every quarter whose due date has passed (two queries)."""
    sent = set(QuarterlyReport.objects.filter(project__in=projects, quarter__in=quarters,
                                              first_submitted_at__isnull=False).values_list("project_id", "quarter_id"))
    reports = {(r.project_id, r.quarter_id): r for r in
               QuarterlyReport.objects.filter(project__in=projects, quarter__in=quarters)}
    return [{"project": project, "report": reports.get((project.pk, q.pk)), "sent": False, "quarter": q,
             "overdue": True}
            for q in quarters for project in projects
            if (project.pk, q.pk) not in sent and not (group.isdecimal() and project.group_id != int(group))]


@login_required
@require_GET
def quarter_overview(request):
    """Every visible project × quarter state, with counts per group: submitted, on time, late, missing."""
    fy = _fiscal_year(request)
    office = current_office(request)
    today = timezone.localdate()
    quarters = [q for q in fy.quarters.all() if q.needs_form] if fy else []
    number = request.GET.get("q")
    quarter = next((q for q in quarters if str(q.number) == number), None) or next(
        (q for q in reversed(quarters) if q.window_opens() <= today), quarters[0] if quarters else None)
    projects = (Project.objects.visible_to(request.user).filter(office=office, fiscal_year=fy)
                .exclude(status=Project.Status.CANCELLED).select_related("group").order_by("group__order", "code"))
    reports = {r.project_id: r for r in QuarterlyReport.objects.filter(quarter=quarter, project__in=projects)}
    group, show = request.GET.get("group", ""), request.GET.get("show", "")
    by_group = defaultdict(Counter)
    rows = []
    for project in projects:
        report = reports.get(project.pk)
        sent = report is not None and report.first_submitted_at is not None
        counts = by_group[project.group]
        counts["projects"] += 1
        if sent:
            counts["submitted"] += 1
            counts[report.timeliness] += 1
        else:
            counts["missing"] += 1
        row = {"project": project, "report": report, "sent": sent, "quarter": quarter,
               "overdue": not sent and quarter is not None and quarter.due_date < today}
        # The dashboard's cells link here with a group and what they count.
        if group.isdecimal() and project.group_id != int(group):
            continue
        if show in ("on_time", "late") and not (sent and report.timeliness == show):
            continue
        if show == "missing" and not row["overdue"]:
            continue
        rows.append(row)
    if show == "missing" and not number:  # "all overdue forms": every quarter already due
        rows = _overdue_everywhere(projects, [q for q in quarters if q.due_date < today], group)
    return render(request, "projects/quarter_overview.html", {"final_only": reads_final_work_only(request.user),
        "fy": fy, "quarters": quarters, "quarter": quarter, "rows": rows, "all_quarters": show == "missing"
        and not number,
        "groups": sorted(by_group.items(), key=lambda item: item[0].order), "today": today,
        "show": show, "group_id": group,
    })


