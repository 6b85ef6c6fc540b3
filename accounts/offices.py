"""Which office a request works in."""

from django.http import Http404

from .models import Office
from .scoping import readable_office_ids

SESSION_KEY = "tidtam_office_id"


def current_office(request) -> Office:
    """The office the user is looking at: their own, or one a central viewer picked."""
    user = request.user
    chosen = request.session.get(SESSION_KEY)
    if chosen and chosen != user.office_id and chosen in readable_office_ids(user):
        return Office.objects.get(pk=chosen)
    if user.office_id:
        return user.office
    readable = readable_office_ids(user)
    if readable:
        return Office.objects.get(pk=readable[0])
    raise Http404("This account belongs to no office.")


def switchable_offices(user):
    ids = readable_office_ids(user)
    if len(ids) < 2:
        return Office.objects.none()
    return Office.objects.filter(pk__in=ids).order_by("path")
