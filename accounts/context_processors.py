from django.conf import settings
from django.utils.functional import SimpleLazyObject

from .navigation import items_for
from .offices import current_office


def navigation(request):
    user = getattr(request, "user", None)
    signed_in = user is not None and user.is_authenticated

    def office():
        try:
            return current_office(request) if signed_in else None
        except Exception:  # an account without an office still renders pages
            return None

    return {
        "nav_items": items_for(user) if signed_in else [],
        "office": SimpleLazyObject(office),
        "tidtam_version": settings.TIDTAM_VERSION,
    }
