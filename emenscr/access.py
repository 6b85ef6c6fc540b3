"""Who may see and act on eMENSCR pages (the role sets live in accounts.permissions)."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from accounts.permissions import EMENSCR_READERS, MANAGERS, PLANNERS, acts_for, has_any
from projects.models import Project


def sees_emenscr(user, project=None) -> bool:
    return has_any(user, *EMENSCR_READERS)


def require_reader(user):
    if not sees_emenscr(user):
        raise PermissionDenied(_("Your role does not use the eMENSCR pages."))


def get_project(request, pk: int, *, edit: bool = False) -> Project:
    """The project if the user may see it (404) and use these pages (403); with ``edit`` that they may change it."""
    project = get_object_or_404(Project.objects.visible_to(request.user).select_related("fiscal_year", "group",
                                                                                       "office"), pk=pk)
    require_reader(request.user)
    if edit and not Project.objects.editable_by(request.user).filter(pk=pk).exists():
        raise PermissionDenied(_("You may read this project but not change it."))
    return project


def manages_lists(user, office) -> bool:
    return acts_for(user, office, *MANAGERS)


def plans_stages(user, office) -> bool:
    return acts_for(user, office, *PLANNERS)
