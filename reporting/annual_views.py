"""Annual report editions on the web: planning generates, the director approves or returns, audiences download."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.template.defaultfilters import floatformat
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from accounts.models import Role
from accounts.permissions import DIRECTORS, EDITION_AUDIENCES, EDITION_STAFF, MANAGERS, acts_for, has_any
from accounts.scoping import readable_office_ids
from documents.responses import pdf_response

from plans.choosing import chosen_fiscal_year
from plans.forms import ThaiDateField

from .annual import AUDIENCES
from .figures import Basis
from .models import AnnualReport, Audience

State = AnnualReport.State
# Who reads approved editions, besides the office's planning staff, director and administrators.
AUDIENCE_READERS = {Audience.PEC: Role.COMMITTEE, Audience.KTPN: Role.COMMITTEE, Audience.OBEC: Role.CENTRAL}


class GenerateForm(forms.Form):
    audience = forms.ChoiceField(label=gettext_lazy("Audience"), choices=Audience.choices)
    basis = forms.ChoiceField(label=gettext_lazy("Results from"), initial=Basis.APPROVED, choices=[
        (Basis.APPROVED, gettext_lazy("approved forms only")), (Basis.SUBMITTED, gettext_lazy("all submitted forms"))])
    thai_digits = forms.BooleanField(label=gettext_lazy("Thai digits throughout (๑๒๓)"), required=False)


class IssueForm(forms.Form):
    """How an approved edition went out: the office's letter (number, date) and to whom."""

    issued_on = ThaiDateField(label=gettext_lazy("Date of the letter"))
    issued_letter_no = forms.CharField(label=gettext_lazy("Letter number"), max_length=100,
                                       help_text=gettext_lazy("e.g. ศธ 04286/1234"))
    issued_to = forms.CharField(label=gettext_lazy("Issued to"), max_length=300)

    def clean_issued_on(self):
        day = self.cleaned_data["issued_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("The letter's date cannot be in the future."))
        return day


class ReturnForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason for returning"), widget=forms.Textarea(attrs={"rows": 3}),
                             max_length=2000)


def _staff(user, office) -> bool:
    """Planning staff, the director and administrators of the office see every edition."""
    return acts_for(user, office, *EDITION_STAFF)


def may_generate(user, office) -> bool:
    return acts_for(user, office, *MANAGERS)


def may_decide(user, office) -> bool:
    return acts_for(user, office, *DIRECTORS)


def visible_editions(user, office):
    editions = AnnualReport.objects.filter(office=office)
    if _staff(user, office):
        return editions
    if office.pk not in readable_office_ids(user):
        return editions.none()
    audiences = [audience for audience, role in AUDIENCE_READERS.items() if has_any(user, role)]
    return editions.filter(state=State.APPROVED, audience__in=audiences)


def _queue(report_id: int) -> None:
    from .tasks import generate_annual_report

    def send():
        try:  # no retries: the request does not wait for a broker that is down
            generate_annual_report.apply_async((report_id,), retry=False)
        except Exception:  # broker down: the edition waits; "generate again" re-queues it
            pass

    transaction.on_commit(send)


@login_required
@require_safe
def annual_list(request):
    office, years, fy = chosen_fiscal_year(request)
    if fy is None:
        return redirect("plans:fiscal_year_list")
    editions = visible_editions(request.user, office).filter(fiscal_year=fy).select_related("created_by",
                                                                                           "decided_by")
    if not _staff(request.user, office) and not editions.exists() and not (
            has_any(request.user, *EDITION_AUDIENCES)):
        raise PermissionDenied(_("Annual reports are for planning staff, the director and their audiences."))
    return render(request, "reporting/annual_list.html", {
        "fy": fy, "years": years, "editions": editions, "form": GenerateForm(),
        "may_generate": may_generate(request.user, office), "deadline": fy.editions_due,
        "today": timezone.localdate(),
        "audiences": _audience_status(editions, fy) if _staff(request.user, office) else [],
    })


def _audience_status(editions, fy) -> list[dict]:
    """Each audience's latest approved edition and whether it was issued: what the deadline still waits for."""
    out = []
    for value, label in Audience.choices:
        approved = [e for e in editions if e.audience == value and e.state == State.APPROVED]
        issued = next((e for e in approved if e.is_issued), None)
        out.append({"audience": value, "label": label, "approved": approved[0] if approved else None,
                    "issued": issued})
    return out


def may_issue(user, office) -> bool:
    """Planning staff, the director and administrators record how an approved edition was issued."""
    return acts_for(user, office, *EDITION_STAFF)


@login_required
@require_POST
def annual_generate(request):
    office, _years, fy = chosen_fiscal_year(request)
    if not may_generate(request.user, office):
        raise PermissionDenied(_("Planning staff generate the annual report."))
    form = GenerateForm(request.POST)
    if fy is None or not form.is_valid():
        messages.error(request, _("Choose an audience for the report."))
        return redirect("reporting:annual_list")
    with transaction.atomic():
        report = AnnualReport.objects.create(
            office=office, fiscal_year=fy, audience=form.cleaned_data["audience"],
            basis=form.cleaned_data["basis"], thai_digits=form.cleaned_data["thai_digits"], created_by=request.user)
        _queue(report.pk)
    # With eager tasks (the embedded default) the build has run by now: say what really happened.
    report.refresh_from_db()
    if report.state == State.DRAFT:
        messages.success(request, ngettext("The draft is ready: %(pages)s page, built in %(seconds)s s.",
                                           "The draft is ready: %(pages)s pages, built in %(seconds)s s.",
                                           report.pages or 0)
                         % {"pages": report.pages, "seconds": floatformat(report.build_seconds or 0, 1)}
                         + " " + _("Parts already made, reused: %(reused)s; made now: %(rendered)s")
                         % {"reused": report.parts_reused or 0, "rendered": report.parts_rendered or 0})
    elif report.state == State.FAILED:
        messages.error(request, _("Generation failed."))
    else:
        messages.success(request, _("The draft is being generated; this page shows its progress."))
    return redirect("reporting:annual_detail", pk=report.pk)


def _edition(request, pk: int) -> AnnualReport:
    report = get_object_or_404(AnnualReport.objects.select_related("fiscal_year", "office"), pk=pk)
    if not visible_editions(request.user, report.office).filter(pk=pk).exists():
        raise Http404
    return report


@login_required
@require_safe
def annual_detail(request, pk: int):
    report = _edition(request, pk)
    template = "reporting/_annual_status.html" if request.headers.get("HX-Request") else "reporting/annual_detail.html"
    return render(request, template, {
        "report": report, "may_decide": may_decide(request.user, report.office) and report.state == State.DRAFT,
        "may_generate": may_generate(request.user, report.office), "return_form": ReturnForm(),
        **_issue_context(request, report),
    })


def _issue_context(request, report, form=None) -> dict:
    may = report.state == State.APPROVED and may_issue(request.user, report.office)
    if may and form is None:
        form = IssueForm(initial={
            "issued_on": report.issued_on or timezone.localdate(), "issued_letter_no": report.issued_letter_no,
            "issued_to": report.issued_to or AUDIENCES[report.audience]["addressee"]})
    return {"may_issue": may, "issue_form": form if may else None}


@login_required
@require_POST
def annual_issue(request, pk: int):
    """Record when and how an approved edition was issued (letter number, date, to whom)."""
    report = _edition(request, pk)
    if not may_issue(request.user, report.office):
        raise PermissionDenied(_("Planning staff and the director record how an edition was issued."))
    if report.state != State.APPROVED:
        return render(request, "reporting/annual_detail.html", {
            "report": report, "may_decide": False, "return_form": ReturnForm(),
            "may_generate": may_generate(request.user, report.office),
            "issue_error": _("Only an approved edition is issued."), **_issue_context(request, report)}, status=409)
    form = IssueForm(request.POST)
    if not form.is_valid():
        return render(request, "reporting/annual_detail.html", {
            "report": report, "may_decide": False, "return_form": ReturnForm(),
            "may_generate": may_generate(request.user, report.office),
            **_issue_context(request, report, form)}, status=400)
    AnnualReport.objects.filter(pk=pk, state=State.APPROVED).update(issued_by=request.user, **form.cleaned_data)
    messages.success(request, _("Recorded how this edition was issued."))
    return redirect("reporting:annual_detail", pk=pk)


@login_required
@require_POST
def annual_decide(request, pk: int):
    report = _edition(request, pk)
    if not may_decide(request.user, report.office):
        raise PermissionDenied(_("The director approves or returns the annual report."))
    action = request.POST.get("action")
    now = timezone.now()
    if action == "approve":
        done = AnnualReport.objects.filter(pk=pk, state=State.DRAFT).update(
            state=State.APPROVED, decided_by=request.user, decided_at=now)
        message = _("Approved. This edition is now frozen and its audience can download it.")
    elif action == "return":
        form = ReturnForm(request.POST)
        if not form.is_valid():
            return render(request, "reporting/annual_detail.html", {
                "report": report, "may_decide": report.state == State.DRAFT, "return_form": form,
                "may_generate": may_generate(request.user, report.office)}, status=400)
        done = AnnualReport.objects.filter(pk=pk, state=State.DRAFT).update(
            state=State.RETURNED, decided_by=request.user, decided_at=now, return_reason=form.cleaned_data["reason"])
        message = _("Returned to planning staff with your reason.")
    else:
        raise PermissionDenied(_("Unknown action."))
    if done:
        messages.success(request, message)
    else:
        messages.warning(request, _("Only a draft can be approved or returned; this edition is %(state)s.")
                         % {"state": report.get_state_display()})
    return redirect("reporting:annual_detail", pk=pk)


@login_required
@require_POST
def annual_retry(request, pk: int):
    """Queue a failed edition (or one the broker never received, or whose build went silent) again."""
    report = _edition(request, pk)
    if not may_generate(request.user, report.office):
        raise PermissionDenied(_("Planning staff generate the annual report."))
    from django.db.models import Q

    from .tasks import stale_before

    with transaction.atomic():
        waiting = Q(state__in=[State.FAILED, State.QUEUED]) | Q(state=State.GENERATING, updated_at__lt=stale_before())
        queued = AnnualReport.objects.filter(waiting, pk=pk).update(state=State.QUEUED, progress=0)
        if queued:
            _queue(pk)
    if not queued and report.state == State.GENERATING:
        messages.info(request, _("It is still being generated: its worker gave a sign of life less than a "
                                 "minute ago."))
    return redirect("reporting:annual_detail", pk=pk)


@login_required
@require_safe
def annual_download(request, pk: int):
    report = _edition(request, pk)
    if not report.file:
        raise Http404
    name = f"รายงานผลการดำเนินงาน-{report.fiscal_year.year}-{report.audience}-{report.pk}.pdf"
    return pdf_response(report.file.open("rb"), name)
