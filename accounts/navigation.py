"""The navigation: each role sees what it can do."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .models import Role

ANY = None


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    icon: str
    roles: frozenset | None = ANY  # None: everybody signed in
    staff_only: bool = False

    def allowed(self, user) -> bool:
        if self.staff_only and not (user.is_staff or user.is_superuser):
            return False
        return self.roles is ANY or user.is_superuser or bool(user.role_set & self.roles)


NAV_ITEMS = (
    NavItem(_("Home"), "home", "house"),
    NavItem(_("Action plan"), "plans:plan_current", "diagram-3"),
    NavItem(_("Projects"), "projects:list", "kanban"),
    NavItem(_("My forms"), "projects:my_forms", "ui-checks", frozenset({Role.OWNER, Role.GROUP_HEAD})),
    NavItem(_("Review"), "projects:review_queue", "clipboard-check", frozenset({Role.PLANNING})),
    NavItem(_("Approvals"), "projects:approval_queue", "patch-check", frozenset({Role.DIRECTOR})),
    NavItem(_("Quarter overview"), "projects:quarter_overview", "grid-3x3",
            frozenset({Role.PLANNING, Role.DIRECTOR, Role.GROUP_HEAD, Role.COMMITTEE, Role.FINANCE, Role.ADMIN})),
    NavItem(_("Disbursements"), "projects:disbursements", "cash-coin",
            frozenset({Role.FINANCE, Role.PLANNING, Role.DIRECTOR, Role.ADMIN})),
    NavItem(_("Fiscal years"), "plans:fiscal_year_list", "calendar3"),
    NavItem(_("Holidays"), "plans:holidays_current", "calendar-x", frozenset({Role.PLANNING, Role.ADMIN})),
    NavItem(_("Administration"), "admin:index", "gear", staff_only=True),
)


def items_for(user) -> list[dict]:
    if not user.is_authenticated:
        return []
    return [
        {"label": item.label, "url": reverse(item.url_name), "icon": item.icon, "url_name": item.url_name}
        for item in NAV_ITEMS
        if item.allowed(user)
    ]
