"""The home page: what waits for the user (whatever fiscal year it belongs to), the office's current fiscal
year and its next due date, and what each of the user's roles does."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone

from accounts.models import Role
from accounts.offices import current_office, switchable_offices
from accounts.views import role_cards

from . import pending
from .lib.fiscal import fiscal_year_of
from .models import FiscalYear


@login_required
def home(request):
    user = request.user
    if user.has_role(Role.CENTRAL) and not (user.office_id and user.office.is_area_office):
        # a region's or OBEC's viewer starts from the offices beneath theirs (the office chooser stays a click
        # away, on the roll-up and in the navigation bar)
        return redirect("reporting:rollup")
    office = current_office(request)
    today = timezone.localdate()
    fy = FiscalYear.objects.filter(office=office, year=fiscal_year_of(today)).first()
    quarters = list(fy.quarters.all()) if fy else []
    next_due = next((q for q in quarters if q.due_date >= today and q.needs_form), None)
    cards = role_cards(user)
    return render(request, "accounts/home.html", {
        "office": office,
        "fiscal_year": fy,
        "quarters": quarters,
        "next_due": next_due,
        "today": today,
        "cards": cards,
        "pending": pending.for_user(user, office=office, today=today) if office is not None else [],
        "offices": switchable_offices(user),
        "groups": user.work_groups.all(),
    })
