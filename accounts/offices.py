"""Which office a request works in.

A user works in their own area office. A central viewer (or a superuser) may choose another office they can
read; the choice is kept in the session and on the account (``User.chosen_office``), so it survives logging
out and in. A central viewer whose own office is not an area office (OBEC, a region) has no office to work in
until they choose one: ``current_office`` raises ``OfficeNotChosen`` and ``OfficeChoiceMiddleware`` sends them
to the list of offices to choose from (then back to the page they asked for).

Their home page is the roll-up of the offices beneath theirs (``reporting:rollup``). Each of its rows opens that
office's dashboard with ``?office=<id>`` (``look_into``): for that one request only, read-only, without choosing
the office — the session's and the account's choice stay as they were. Working in the office (the other pages)
still goes through the chooser.
"""

from django.http import Http404

from .models import Office, Role
from .scoping import readable_office_ids

SESSION_KEY = "tidtam_office_id"


class OfficeNotChosen(Exception):
    """The user reads several offices, has no area office of their own and has not chosen one yet."""


def current_office(request) -> Office:
    """The office the user is looking at: the one they chose (if they may still read it), else their own."""
    user = request.user
    cached = getattr(request, "_tidtam_office", None)
    if cached is not None:
        return cached
    chosen = request.session.get(SESSION_KEY) or user.chosen_office_id
    if user.office_id and user.office.is_area_office and not (chosen and chosen != user.office_id):
        office = user.office  # the common case, without asking which offices the user reads
    else:
        readable = readable_office_ids(user)
        if chosen and chosen in readable:
            office = user.office if chosen == user.office_id else Office.objects.get(pk=chosen)
        elif user.office_id and (user.office.is_area_office or len(readable) < 2):
            office = user.office
        elif readable:
            raise OfficeNotChosen
        else:
            raise Http404("This account belongs to no office.")
    request._tidtam_office = office
    return office


def choose_office(request, office_id: int) -> bool:
    """Work in ``office_id`` from now on, in this session and the next ones; False if the user may not read it."""
    user = request.user
    if office_id not in readable_office_ids(user):
        return False
    request.session[SESSION_KEY] = office_id
    request._tidtam_office = None
    if user.chosen_office_id != office_id:
        user.chosen_office_id = office_id
        user.save(update_fields=["chosen_office"])
    return True


def switchable_offices(user):
    ids = readable_office_ids(user)
    if len(ids) < 2:
        return Office.objects.none()
    return Office.objects.filter(pk__in=ids).order_by("path")


def look_into(request) -> Office | None:
    """``?office=<id>``, on a page opened from the roll-up: that area office for this request only (nothing is
    saved), if the user is a central viewer (or a superuser) who reads it; 404 otherwise. None when the request
    names no office, or the user's own one."""
    wanted = request.GET.get("office", "")
    if not wanted:
        return None
    user = request.user
    if wanted == str(user.office_id) and not (user.is_superuser or user.has_role(Role.CENTRAL)):
        return None
    if not wanted.isdecimal() or not (user.is_superuser or user.has_role(Role.CENTRAL)):
        raise Http404("Not an office this account opens from the roll-up.")
    office_id = int(wanted)
    if office_id not in readable_office_ids(user):
        raise Http404("Not an office beneath this account's.")
    office = Office.objects.filter(pk=office_id, kind__in=(Office.Kind.PRIMARY, Office.Kind.SECONDARY)).first()
    if office is None:
        raise Http404("Not an area office.")
    request._tidtam_office = office
    return office
