from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

# The home page lives in plans.home: it shows the fiscal year, and accounts imports no higher app.

from .forms import GuardedPasswordChangeForm
from .http import safe_next
from .models import Role
from .offices import OfficeNotChosen, choose_office, current_office, switchable_offices

LANGUAGES = {"th", "en"}



@require_POST
def set_language(request):
    """Switch between Thai and English; remembered on the account when signed in."""
    language = request.POST.get("language", "th")
    if language not in LANGUAGES:
        language = "th"
    translation.activate(language)
    if request.user.is_authenticated and request.user.language != language:
        request.user.language = language
        request.user.save(update_fields=["language"])
    response = redirect(safe_next(request, reverse("home"), referer=True))
    response.set_cookie("django_language", language, max_age=365 * 24 * 3600, samesite="Lax")
    return response


@login_required
def switch_office(request):
    """GET: the offices the user may read, to choose the one to work in. POST: work in the chosen office from
    now on (kept on the account across logins), then go back to ``next``."""
    if request.method == "POST":
        try:
            office_id = int(request.POST.get("office", ""))
        except ValueError:
            office_id = None
        if office_id is not None and choose_office(request, office_id):
            return redirect(safe_next(request, reverse("home"), referer=True))
        messages.error(request, _("You cannot read that office's data."))
        status = 400
    else:
        status = 200
    offices = list(switchable_offices(request.user).select_related("parent"))
    if not offices:  # someone who reads one office only has nothing to choose
        return redirect("home")
    try:
        current = current_office(request)
    except OfficeNotChosen:
        current = None
    return render(request, "accounts/choose_office.html", {
        "offices": offices,
        "current": current,
        "next": safe_next(request, reverse("home")),
    }, status=status)


def role_cards(user) -> list[dict]:
    """What each of the user's roles does in Tidtam, as cards on the home page."""
    text = {
        Role.PLANNING: _("Set up the fiscal year, its holidays and monitoring calendar; chase, review and "
                         "compile the quarterly forms; build the reports."),
        Role.OWNER: _("Fill the quarterly progress form of your projects, attach evidence and answer returns."),
        Role.GROUP_HEAD: _("See and countersign your group's reports; receive escalations."),
        Role.FINANCE: _("Enter the budget disbursed per project per quarter."),
        Role.DIRECTOR: _("Approve quarterly compilations and the annual reports; see everything."),
        Role.COMMITTEE: _("Read the dashboards and the reports addressed to the committee."),
        Role.ADMIN: _("Manage users, groups, roles, holidays and the reminder schedule."),
        Role.CENTRAL: _("Read the dashboards and reports of every office under yours."),
    }
    roles = sorted(user.role_set) if not user.is_superuser or user.role_set else [Role.ADMIN]
    return [{"role": Role(r).label, "code": r, "text": text[Role(r)]} for r in roles]


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's page, with wrong old passwords counted towards the log-in lock-out."""

    form_class = GuardedPasswordChangeForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}
