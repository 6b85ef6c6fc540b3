"""Mail screens: what Tidtam sent me (and the digest switch), the administrators' log, the reminder rules."""

from datetime import timedelta
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.http import safe_next
from accounts.permissions import ADMINS, DIRECTORS, MANAGERS, acts_for, has_any
from accounts.offices import current_office
from plans.models import FiscalYear
from plans.choosing import current_year_redirect
from plans.services import holiday_dates

from . import outbox
from .digest import DIGEST_ROLES
from .forms import DigestForm, RuleFormSet
from .models import Message, ReminderRule
from .sweep import rule_day, rules_for

PAGE_SIZE = 50
RESENDABLE = (Message.State.FAILED, Message.State.RETRY)


def _is_admin(user) -> bool:
    """An administrator of some office (a superuser of all): the mail screens show them the sending details."""
    return has_any(user, *ADMINS)


def _administers(user, office) -> bool:
    """Administrators read and resend the mail of their own office; superusers of every office."""
    return acts_for(user, office, *ADMINS)


def _administered_office(request):
    """The office the request works in, when the user administers it (403 otherwise: an administrator who
    also reads other offices as a central viewer does not administer them)."""
    office = current_office(request)
    if not _administers(request.user, office):
        raise PermissionDenied(_("The mail log is for administrators."))
    return office


@login_required
@require_http_methods(["GET", "POST"])
def my_mail(request):
    user = request.user
    gets_digest = has_any(user, *DIGEST_ROLES)
    form = DigestForm(initial={"wants_digest": user.wants_digest})
    if request.method == "POST":
        form = DigestForm(request.POST)
        if form.is_valid():
            user.wants_digest = form.cleaned_data["wants_digest"]
            user.save(update_fields=["wants_digest"])
            messages.success(request, _("You will receive the weekly digest.") if user.wants_digest
                             else _("The weekly digest is turned off for you."))
            return redirect("reminders:mine")
    page = Paginator(Message.objects.filter(recipient=user).defer("body_text", "body_html"), PAGE_SIZE) \
        .get_page(request.GET.get("page"))
    return render(request, "reminders/my_mail.html", {"page": page, "form": form, "gets_digest": gets_digest})


def _visible_message(request, pk: int) -> Message:
    """A message the user may read: their own, or any of the office's for an administrator."""
    message = get_object_or_404(Message.objects.select_related("recipient"), pk=pk)
    if message.recipient_id == request.user.pk:
        return message
    if _administers(request.user, message.office_id):
        return message
    raise PermissionDenied(_("This e-mail was sent to someone else."))


@login_required
def message_detail(request, pk: int):
    message = _visible_message(request, pk)
    reminders = message.reminders.select_related("project", "quarter__fiscal_year")
    return render(request, "reminders/message_detail.html", {
        "message": message, "reminders": reminders, "is_admin": _is_admin(request.user),
        "resendable": message.may_send_again,
    })


@login_required
def mail_log(request):
    if not _is_admin(request.user):
        raise PermissionDenied(_("The mail log is for administrators."))
    office = _administered_office(request)
    rows = Message.objects.filter(office=office).select_related("recipient").defer("body_text", "body_html")
    counts = dict(rows.values_list("state").annotate(n=Count("id")).values_list("state", "n"))
    state, kind, query = request.GET.get("state", ""), request.GET.get("kind", ""), request.GET.get("q", "").strip()
    if state in Message.State.values:
        rows = rows.filter(state=state)
    if kind in Message.Kind.values:
        rows = rows.filter(kind=kind)
    if query:
        rows = rows.filter(Q(to_email__icontains=query) | Q(subject__icontains=query)
                           | Q(recipient__full_name__icontains=query) | Q(to_name__icontains=query))
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "reminders/mail_log.html", {
        "page": page, "state_counts": [(v, label, counts.get(v, 0)) for v, label in Message.State.choices],
        "states": Message.State.choices, "kinds": Message.Kind.choices,
        "state": state, "kind": kind, "q": query,
        "filters": urlencode({k: v for k, v in (("state", state), ("kind", kind), ("q", query)) if v}),
    })


@login_required
@require_POST
def send_now(request, pk: int):
    """Send one failed (or waiting, or stuck) e-mail again, now: one more attempt."""
    if not _is_admin(request.user):
        raise PermissionDenied(_("Only administrators may send an e-mail again."))
    office = _administered_office(request)
    with transaction.atomic():
        changed = Message.objects.filter(Message.resendable(), pk=pk, office=office).update(
            state=Message.State.QUEUED, claimed_at=None)
        if changed:
            transaction.on_commit(lambda: outbox.queue_sending(pk))
    if not changed:
        get_object_or_404(Message, pk=pk, office=office)
        messages.warning(request, _("This e-mail is not waiting to be sent again (it was sent, or is being sent)."))
    else:
        message = Message.objects.get(pk=pk)
        if message.state == Message.State.SENT:
            messages.success(request, _("Sent to %(to)s.") % {"to": message.to_email})
        elif message.state in RESENDABLE:
            messages.error(request, _("Sending failed again: %(error)s") % {"error": message.last_error})
        else:
            messages.success(request, _("Queued for sending to %(to)s.") % {"to": message.to_email})
    return redirect(safe_next(request, reverse("reminders:log")))


@login_required
def rules_current(request):
    return current_year_redirect(request, "reminders:rules")


@login_required
@require_http_methods(["GET", "POST"])
def rules(request, year: int):
    office = current_office(request)
    fy = get_object_or_404(FiscalYear.objects.visible_to(request.user), office=office, year=year)
    may_edit = acts_for(request.user, office, *MANAGERS)
    if not (may_edit or has_any(request.user, *DIRECTORS)):
        raise PermissionDenied(_("Reminder rules are set by planning staff and administrators."))
    rules_for(fy)  # a year without rules gets the defaults, shown here to edit
    rules_for(fy, ReminderRule.Source.CALENDAR)
    queryset = ReminderRule.objects.filter(fiscal_year=fy).order_by("-source", "-anchor", "offset", "audience")
    formset = RuleFormSet(queryset=queryset)
    if request.method == "POST":
        if not may_edit:
            raise PermissionDenied(_("Reminder rules are set by planning staff and administrators."))
        formset = RuleFormSet(request.POST, queryset=queryset)
        if formset.is_valid():
            with transaction.atomic():
                for rule in formset.save(commit=False):
                    rule.fiscal_year = fy
                    if rule.anchor == ReminderRule.Anchor.WINDOW:
                        rule.offset = 0
                    rule.save()
                for rule in formset.deleted_objects:
                    rule.delete()
            messages.success(request, _("Reminder rules saved. They apply from the next sweep."))
            return redirect("reminders:rules", year=fy.year)
    quarters = list(fy.quarters.order_by("number"))
    holidays = holiday_dates(office, fy.start, fy.end + timedelta(days=60))
    schedule = [{"rule": rule, "days": [rule_day(rule, q, holidays) if q.needs_form else None for q in quarters]}
                for rule in queryset if rule.source == ReminderRule.Source.FORM]
    calendar = [{"activity": activity, "span": activity.span()}
                for activity in fy.calendar_activities.select_related("responsible_group") if activity.span()]
    calendar_rules = [rule for rule in queryset if rule.source == ReminderRule.Source.CALENDAR]
    years = FiscalYear.objects.visible_to(request.user).filter(office=office).order_by("-year")
    return render(request, "reminders/rules.html", {
        "fy": fy, "formset": formset, "may_edit": may_edit, "quarters": quarters, "schedule": schedule,
        "years": years, "calendar": calendar, "calendar_rules": calendar_rules,
    })
