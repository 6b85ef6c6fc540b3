"""The navigation: each role sees what it can do."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from . import permissions as can
from .permissions import has_any

ANY = None


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    icon: str
    roles: tuple | None = ANY  # a role set of accounts.permissions; None: everybody signed in
    staff_only: bool = False
    deployment_only: bool = False  # the deployment's administrators only (permissions.manages_deployment)
    menu: str = ""  # the drop-down it sits in ("" = the bar itself)

    def allowed(self, user) -> bool:
        if self.staff_only and not (user.is_staff or user.is_superuser):
            return False
        if self.deployment_only and not can.manages_deployment(user):
            return False
        return self.roles is ANY or has_any(user, *self.roles)


FOLLOW_UP = "follow-up"
SETTINGS = "settings"
MENUS = {FOLLOW_UP: (_("Follow-up"), "clipboard-data"), SETTINGS: (_("Settings"), "sliders")}

NAV_ITEMS = (
    NavItem(_("Home"), "home", "house"),
    NavItem(_("Offices roll-up"), "reporting:rollup", "table", can.ROLLUP_READERS),
    NavItem(_("Action plan"), "plans:plan_current", "diagram-3"),
    NavItem(_("Projects"), "projects:list", "kanban"),
    NavItem(_("Dashboard"), "reporting:dashboard", "speedometer2", can.DASHBOARD_READERS, menu=FOLLOW_UP),
    NavItem(_("My forms"), "projects:my_forms", "ui-checks", can.OWNERS),
    NavItem(_("Annual report"), "reporting:annual_list", "file-earmark-pdf", can.REPORT_READERS, menu=FOLLOW_UP),
    NavItem(_("Inspections"), "inspections:rounds", "search", menu=FOLLOW_UP),
    NavItem(_("Policy monitoring"), "inspections:monitoring", "bullseye", menu=FOLLOW_UP),
    NavItem(_("Plan evaluation"), "evaluation:index", "clipboard2-pulse", menu=FOLLOW_UP),
    NavItem(_("My inspection work"), "inspections:mine", "person-check", can.OWNERS, menu=FOLLOW_UP),
    NavItem(_("Review"), "projects:review_queue", "clipboard-check", can.PLANNERS, menu=FOLLOW_UP),
    NavItem(_("Approvals"), "projects:approval_queue", "patch-check", can.DIRECTORS, menu=FOLLOW_UP),
    NavItem(_("Quarter overview"), "projects:quarter_overview", "grid-3x3", can.OVERVIEW_READERS, menu=FOLLOW_UP),
    NavItem(_("M&E health"), "reporting:health", "heart-pulse", can.HEALTH_READERS, menu=FOLLOW_UP),
    NavItem(_("Disbursements"), "projects:disbursements", "cash-coin", can.DISBURSEMENT_READERS, menu=FOLLOW_UP),
    NavItem(_("eMENSCR"), "emenscr:board", "cloud-upload", can.EMENSCR_READERS, menu=FOLLOW_UP),
    NavItem(_("Fiscal years"), "plans:fiscal_year_list", "calendar3", menu=SETTINGS),
    NavItem(_("Holidays"), "plans:holidays_current", "calendar-x", can.MANAGERS, menu=SETTINGS),
    NavItem(_("Reminder rules"), "reminders:rules_current", "alarm", can.MANAGERS, menu=SETTINGS),
    NavItem(_("Publication"), "publication:settings", "globe", can.PUBLISHERS, menu=SETTINGS),
    NavItem(_("Mail log"), "reminders:log", "envelope-exclamation", can.ADMINS, menu=SETTINGS),
    NavItem(_("My e-mails"), "reminders:mine", "envelope", menu=SETTINGS),
    NavItem(_("Rate your satisfaction"), "feedback:answer", "emoji-smile", menu=SETTINGS),
    NavItem(_("Backups"), "backups:runs", "archive", deployment_only=True, menu=SETTINGS),
    NavItem(_("Administration"), "admin:index", "gear", staff_only=True, menu=SETTINGS),
)


def items_for(user) -> list[dict]:
    """The bar's entries; a menu with one allowed item shows as that item, with several as a drop-down."""
    if not user.is_authenticated:
        return []
    entries, menus = [], {}
    for item in NAV_ITEMS:
        if not item.allowed(user):
            continue
        entry = {"label": item.label, "url": reverse(item.url_name), "icon": item.icon, "url_name": item.url_name}
        if not item.menu:
            entries.append(entry)
            continue
        if item.menu not in menus:
            label, icon = MENUS[item.menu]
            menus[item.menu] = {"label": label, "icon": icon, "children": []}
            entries.append(menus[item.menu])
        menus[item.menu]["children"].append(entry)
    return [entry["children"][0] if len(entry.get("children", ())) == 1 else entry for entry in entries]


def flat(entries) -> list[dict]:
    """Every link of the bar, drop-downs opened."""
    return [child for entry in entries for child in entry.get("children", [entry])]
