"""Policy and indicator monitoring: responsible persons per policy/focus/indicator, monitoring rounds,
results reported, verified and approved, and the compiled monitoring form (Excel and PDF)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from accounts.http import safe_next
from accounts.models import User
from accounts.permissions import REPORT_READERS, has_any
from plans.forms import ThaiDateField
from plans.models import Indicator, PlanItem
from documents.text import keep_terms_together
from plans.choosing import chosen_fiscal_year
from documents.pdf import render as pdf_render
from documents.responses import pdf_response, xlsx_response
from reviews.forms import EvidenceForm, IndicatorValueField
from reviews.http import invalid_form
from reviews.machine import WorkflowError

from documents.responses import zip_response

from . import meetings, sending, workflow
from ._common import get_result, refused, review_context
from .forms import MeetingForm, SendingForm
from .models import Assignment, MonitoringMeeting, MonitoringResult, MonitoringRound, RoundSending


class RoundForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=300, widget=forms.TextInput(
        attrs={"class": "form-control"}))
    due_date = ThaiDateField(label=gettext_lazy("Due date"))


class ResultForm(EvidenceForm):
    value = IndicatorValueField(label=gettext_lazy("Result"))
    narrative = forms.CharField(label=gettext_lazy("What was done and achieved"), required=False,
                                widget=forms.Textarea(attrs={"rows": 5, "class": "form-control"}))
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, result, **kwargs):
        super().__init__(*args, **kwargs)
        self.set_evidence(result.evidence.all())
        self.fields["value"].indicator = result.indicator
        self.initial.update({"value": result.value, "narrative": result.narrative, "version": result.version})


def _office_people(office):
    return list(User.objects.filter(office=office, is_active=True).prefetch_related("work_groups")
                .order_by("full_name"))


@login_required
@require_http_methods(["GET", "POST"])
def monitoring(request):
    """The year's responsible persons (a table to fill), its monitoring rounds, and opening a round."""
    office, years, fy = chosen_fiscal_year(request)
    if fy is None:
        return redirect("plans:fiscal_year_list")
    may_manage = workflow.may_manage(request.user, office.pk)
    items = list(PlanItem.objects.filter(fiscal_year=fy, kind__in=[PlanItem.Kind.POLICY, PlanItem.Kind.FOCUS])
                 .order_by("kind", "order", "code"))
    indicators = list(Indicator.objects.filter(fiscal_year=fy).order_by("order", "code"))
    assigned = {(a.plan_item_id, a.indicator_id): a for a in Assignment.objects.filter(fiscal_year=fy)
                .select_related("responsible", "group")}
    people = _office_people(office)
    round_form = RoundForm()
    if request.method == "POST":
        if not may_manage:
            raise PermissionDenied(_("Planning staff assign responsible persons and open monitoring rounds."))
        if request.POST.get("op") == "assign":
            return _save_assignments(request, fy, items, indicators, assigned, people)
        round_form = RoundForm(request.POST)
        if round_form.is_valid():
            try:
                monitoring_round = workflow.open_monitoring_round(fy, by=request.user, **round_form.cleaned_data)
            except WorkflowError as error:
                messages.error(request, str(error))
            else:
                messages.success(request, _("Round opened: each responsible person now has a result to report."))
                return redirect("inspections:monitoring_round", pk=monitoring_round.pk)
    rows = ([("item", item, assigned.get((item.pk, None))) for item in items]
            + [("ind", indicator, assigned.get((None, indicator.pk))) for indicator in indicators])
    return render(request, "inspections/monitoring.html", {
        "fy": fy, "years": years, "rows": rows, "people": people, "may_manage": may_manage,
        "rounds": MonitoringRound.objects.filter(fiscal_year=fy), "round_form": round_form,
    }, status=400 if request.method == "POST" else 200)


@transaction.atomic
def _save_assignments(request, fy, items, indicators, assigned, people):
    by_pk = {user.pk: user for user in people}
    changed = 0
    for kind, objects in (("item", items), ("ind", indicators)):
        for obj in objects:
            raw = request.POST.get(f"resp-{kind}-{obj.pk}", "")
            key = (obj.pk, None) if kind == "item" else (None, obj.pk)
            current = assigned.get(key)
            if not raw:
                if current is not None:
                    current.delete()
                    changed += 1
                continue
            user = by_pk.get(int(raw)) if raw.isdecimal() else None
            if user is None:
                transaction.set_rollback(True)
                messages.error(request, _("Choose a person of this office; nothing was saved."))
                return redirect(f"{request.path}?fy={fy.year}")
            group = next(iter(user.work_groups.all()), None) or getattr(obj, "owner_group", None)
            if group is None:
                transaction.set_rollback(True)
                messages.error(request, _("%(name)s belongs to no group; add them to one first. Nothing was saved.")
                               % {"name": user.full_name})
                return redirect(f"{request.path}?fy={fy.year}")
            if current is None:
                Assignment.objects.create(fiscal_year=fy, plan_item=obj if kind == "item" else None,
                                          indicator=obj if kind == "ind" else None, responsible=user, group=group,
                                          assigned_by=request.user)
                changed += 1
            elif current.responsible_id != user.pk:
                current.responsible, current.group, current.assigned_by = user, group, request.user
                current.save()
                changed += 1
    messages.success(request, _("Responsible persons saved (%(n)s changed).") % {"n": changed})
    return redirect(f"{request.path}?fy={fy.year}")


@login_required
@require_safe
def appointments_pdf(request):
    """The appointment list (คำสั่งผู้รับผิดชอบ) to print and sign."""
    office, years, fy = chosen_fiscal_year(request)
    if fy is None:
        raise Http404
    assignments = (Assignment.objects.visible_to(request.user).filter(fiscal_year=fy)
                   .select_related("plan_item", "indicator", "responsible", "group"))
    with translation.override("th"):
        html = keep_terms_together(render_to_string("inspections/appointments_pdf.html", {
            "fy": fy, "office": office, "assignments": assignments, "faces": pdf_render.font_faces(),
            "today": timezone.localdate()}))
    rendered = pdf_render.render(html)
    content = pdf_render.stamp(rendered.pdf, pdf_render.page_numbers(rendered.pages))
    return pdf_response(content, f"appointments-{fy.year}.pdf")


def _round(request, pk: int) -> MonitoringRound:
    return get_object_or_404(MonitoringRound.objects.visible_to(request.user).select_related("fiscal_year__office"),
                             pk=pk)


@login_required
@require_safe
def monitoring_round(request, pk: int):
    return _round_page(request, _round(request, pk))


def _round_page(request, monitoring_round, status: int = 200):
    """The round's page: results, meetings, the sending to OBEC (with ``status`` when a POST was refused)."""
    office_id = monitoring_round.fiscal_year.office_id
    results = (MonitoringResult.objects.visible_to(request.user).filter(round=monitoring_round)
               .select_related("indicator", "responsible", "group").prefetch_related("evidence"))
    may_manage = workflow.may_manage(request.user, office_id)
    sending_record = RoundSending.objects.filter(round=monitoring_round).select_related("sent_by").first()
    may_export = has_any(request.user, *REPORT_READERS)
    sending_form = None
    if may_manage:
        initial = ({"sent_on": sending_record.sent_on, "letter_number": sending_record.letter_number,
                    "sent_by": sending_record.sent_by_id} if sending_record
                   else {"sent_on": timezone.localdate(), "sent_by": request.user.pk})
        sending_form = SendingForm(request.POST if request.method == "POST" else None, initial=initial,
                                   office=monitoring_round.fiscal_year.office)
    return render(request, "inspections/monitoring_round.html", {
        "round": monitoring_round, "results": results, "may_export": may_export, "may_manage": may_manage,
        "meetings": monitoring_round.meetings.prefetch_related("evidence"),
        "sending": sending_record, "sending_form": sending_form,
        "corrections": sending_record.corrections.select_related("by") if sending_record else [],
        "not_ready": sending.not_ready_reason(monitoring_round) if (may_export or may_manage) else "",
    }, status=status)


@login_required
@require_http_methods(["POST"])
def record_sending(request, pk: int):
    """Record that the round was sent to OBEC (once), or correct the record with a reason."""
    monitoring_round = _round(request, pk)
    form = SendingForm(request.POST, office=monitoring_round.fiscal_year.office)
    if not workflow.may_manage(request.user, monitoring_round.fiscal_year.office_id):
        raise PermissionDenied(_("Planning staff record the sending to OBEC."))
    if not form.is_valid():
        messages.error(request, "; ".join(f"{form.fields[k].label}: {' '.join(v)}" for k, v in form.errors.items()))
        return _round_page(request, monitoring_round, 400)
    data = form.cleaned_data
    try:
        sending.record(monitoring_round, by=request.user, sent_on=data["sent_on"],
                       letter_number=data["letter_number"], sent_by=data["sent_by"], reason=data["reason"])
    except WorkflowError as error:
        return _round_page(request, monitoring_round, refused(request, error))
    messages.success(request, _("The sending to OBEC is recorded."))
    return redirect(reverse("inspections:monitoring_round", args=[pk]) + "#sending")


@login_required
@require_safe
def obec_bundle(request, pk: int):
    """The ZIP for OBEC: the compiled form PDF, an index sheet and every result's evidence (streamed)."""
    monitoring_round = _round(request, pk)
    if not has_any(request.user, *REPORT_READERS):
        raise PermissionDenied(_("The compiled form is for planning staff, the director and committees."))
    problem = sending.not_ready_reason(monitoring_round)
    if problem:
        messages.error(request, problem)
        return _round_page(request, monitoring_round, 409)
    return zip_response(sending.bundle(monitoring_round), sending.zip_name(monitoring_round))


# --- the round's meetings ----------------------------------------------------------------------------


def _meeting(request, pk: int) -> MonitoringMeeting:
    return get_object_or_404(MonitoringMeeting.objects.visible_to(request.user)
                             .select_related("round__fiscal_year__office", "recorded_by"), pk=pk)


def _save_meeting_from(request, monitoring_round, form, meeting=None):
    """Save the posted meeting; returns the meeting, or None with the reason on the page."""
    if not form.is_valid():
        invalid_form(request, form)
        return None
    values = {name: form.cleaned_data[name] for name in meetings.FIELDS}
    try:
        return meetings.save_meeting(monitoring_round, by=request.user, values=values, meeting=meeting,
                                     **form.evidence_payload())
    except WorkflowError as error:
        request.refusal_status = refused(request, error)
        return None


@login_required
@require_http_methods(["GET", "POST"])
def meeting_new(request, pk: int):
    monitoring_round = _round(request, pk)
    if not workflow.may_manage(request.user, monitoring_round.fiscal_year.office_id):
        raise PermissionDenied(_("Planning staff record the monitoring meetings."))
    form = MeetingForm(initial={"date": timezone.localdate()})
    if request.method == "POST":
        form = MeetingForm(request.POST, request.FILES)
        meeting = _save_meeting_from(request, monitoring_round, form)
        if meeting is not None:
            messages.success(request, _("Meeting recorded."))
            return redirect("inspections:meeting", pk=meeting.pk)
    return render(request, "inspections/meeting_form.html", {"round": monitoring_round, "form": form},
                  status=getattr(request, "refusal_status", 400) if request.method == "POST" else 200)


@login_required
@require_http_methods(["GET", "POST"])
def meeting_detail(request, pk: int):
    meeting = _meeting(request, pk)
    may_manage = workflow.may_manage(request.user, meeting.round.fiscal_year.office_id)
    form = MeetingForm(meeting=meeting) if may_manage else None
    status = 200
    if request.method == "POST":
        if not may_manage:
            raise PermissionDenied(_("Planning staff record the monitoring meetings."))
        form = MeetingForm(request.POST, request.FILES, meeting=meeting)
        saved = _save_meeting_from(request, meeting.round, form, meeting)
        if saved is not None:
            messages.success(request, _("Meeting saved."))
            return redirect("inspections:meeting", pk=pk)
        status = getattr(request, "refusal_status", 400)
        meeting = _meeting(request, pk)
    return render(request, "inspections/meeting_detail.html", {
        "meeting": meeting, "round": meeting.round, "files": meeting.evidence.all(), "form": form,
    }, status=status)


@login_required
@require_safe
def meeting_pdf(request, pk: int):
    meeting = _meeting(request, pk)
    return pdf_response(meetings.pdf(meeting), f"meeting-{meeting.round.fiscal_year.year}-{meeting.pk}.pdf")


@login_required
@require_http_methods(["GET", "POST"])
def result_detail(request, pk: int):
    result = get_result(request, pk)
    form, status = ResultForm(result=result), 200
    if request.method == "POST":
        op = request.POST.get("op", "")
        try:
            if op == "save":
                form = ResultForm(request.POST, request.FILES, result=result)
                if form.is_valid():
                    result = workflow.save_result(result.pk, by=request.user,
                                                  expected_version=form.cleaned_data["version"],
                                                  value=form.cleaned_data["value"],
                                                  narrative=form.cleaned_data["narrative"], **form.evidence_payload())
                    if request.POST.get("then") == "submit":
                        workflow.move_result(result.pk, "submit", by=request.user, expected_version=result.version)
                        messages.success(request, _("Result submitted to the planning group."))
                    else:
                        messages.success(request, _("Result saved."))
                    return redirect("inspections:result", pk=pk)
                invalid_form(request, form)
                status = 400
            elif op in workflow.RESULT_MOVES:
                # A missing or non-numeric version is refused (400) by the engine: no move without the check.
                workflow.move_result(result.pk, op, by=request.user, expected_version=request.POST.get("version"),
                                     reason=request.POST.get("reason", ""))
                messages.success(request, _("Done."))
                return redirect(safe_next(request, reverse("inspections:result", args=[pk])))
            else:
                raise Http404
        except WorkflowError as error:
            status = refused(request, error)
        result = get_result(request, pk)
    return render(request, "inspections/result_detail.html", {
        "result": result, "form": form, **review_context(request.user, result),
    }, status=status)


@login_required
@require_safe
def monitoring_export(request, pk: int, fmt: str):
    """The compiled monitoring form, in OBEC's layout: indicator, target, result, achieved or not, evidence."""
    monitoring_round = _round(request, pk)
    if not has_any(request.user, *REPORT_READERS):
        raise PermissionDenied(_("The compiled form is for planning staff, the director and committees."))
    results = list(MonitoringResult.objects.visible_to(request.user).filter(round=monitoring_round)
                   .select_related("indicator__plan_item", "responsible", "group").prefetch_related("evidence"))
    name = f"monitoring-{monitoring_round.fiscal_year.year}-{monitoring_round.pk}"
    if fmt == "xlsx":
        return xlsx_response(_workbook(monitoring_round, results), f"{name}.xlsx")
    if fmt != "pdf":
        raise Http404
    return pdf_response(sending.compiled_pdf(monitoring_round, results), f"{name}.pdf")


def _workbook(monitoring_round, results):
    from openpyxl import Workbook

    from documents.excel.sheet import NUMBER, Sheet

    book = Workbook(write_only=True)
    sheet = Sheet(book, _("Monitoring form"), monitoring_round.title, fiscal_year=monitoring_round.fiscal_year,
                  columns=[
        (_("Code"), 10, ""), (_("Indicator"), 50, ""), (_("Policy / strategy"), 30, ""), (_("Target"), 12, NUMBER),
        (_("Result"), 12, NUMBER), (_("Achieved"), 12, ""), (_("What was done and achieved"), 50, ""),
        (_("Evidence"), 40, ""), (_("Responsible"), 24, ""), (_("State"), 16, "")])
    for result in results:
        achieved = result.achieved
        sheet.row([result.indicator.code, result.indicator.name,
                   result.indicator.plan_item.name if result.indicator.plan_item else "",
                   result.indicator.target_value, result.value,
                   "" if achieved is None else (_("achieved") if achieved else _("not achieved")), result.narrative,
                   ", ".join(item.title for item in result.evidence.all()), result.responsible.full_name,
                   result.get_state_display()])
    return book
