"""Who may *act*: the one vocabulary of role sets and the one check that every view and service uses.

Seeing is decided in :mod:`accounts.scoping` (``Model.objects.visible_to(user)``); acting is decided
here. A superuser acts everywhere; anybody else acts only in their own office and only through one
of the roles named. Write ``acts_for(user, office, *PLANNERS)``, never ``user.is_superuser or
user.has_role(...)`` by hand.
"""

from .models import Role

# Planning staff run the M&E work: review forms and reports, manage rounds, plans and calendars.
PLANNERS = (Role.PLANNING,)
# The director approves.
DIRECTORS = (Role.DIRECTOR,)
# Office settings (holidays, calendars, reminder rules, inspection rounds): planning and administrators.
MANAGERS = (Role.PLANNING, Role.ADMIN)
# Reopen an approved record (with a reason).
REOPENERS = (Role.PLANNING, Role.ADMIN)
# Return a submitted or verified record with a reason.
RETURNERS = (Role.PLANNING, Role.DIRECTOR)
# Finance records disbursements.
FINANCE = (Role.FINANCE,)
# Administrators: users, mail log.
ADMINS = (Role.ADMIN,)
# Read compiled reports and their exports (the round report, the monitoring form, annual editions).
REPORT_READERS = (Role.PLANNING, Role.DIRECTOR, Role.ADMIN, Role.COMMITTEE, Role.CENTRAL)
# Change any project of their office (owners change their own, group heads their groups').
PROJECT_EDITORS = (Role.PLANNING, Role.ADMIN, Role.DIRECTOR)
# Add projects to a fiscal year (group heads within their own groups).
PROJECT_CREATORS = (Role.PLANNING, Role.ADMIN, Role.DIRECTOR, Role.GROUP_HEAD)
# See every annual-report edition of their office, drafts and returned ones included.
EDITION_STAFF = (Role.PLANNING, Role.DIRECTOR, Role.ADMIN)
# Read the annual plan evaluation's results, invitations and summary before it is approved.
EVALUATION_STAFF = (Role.PLANNING, Role.DIRECTOR, Role.ADMIN)
# Read the approved annual-report editions addressed to them (committee, OBEC/region).
EDITION_AUDIENCES = (Role.COMMITTEE, Role.CENTRAL)
# Read the fiscal-year dashboard.
DASHBOARD_READERS = (Role.PLANNING, Role.DIRECTOR, Role.GROUP_HEAD, Role.COMMITTEE, Role.FINANCE, Role.ADMIN,
                     Role.CENTRAL)
# Follow the quarter overview (every group's forms of one quarter).
OVERVIEW_READERS = (Role.PLANNING, Role.DIRECTOR, Role.GROUP_HEAD, Role.COMMITTEE, Role.FINANCE, Role.ADMIN)
# See the disbursement page.
DISBURSEMENT_READERS = (Role.FINANCE, Role.PLANNING, Role.DIRECTOR, Role.ADMIN)
# Read how well the M&E work runs, year after year (the office's own; central viewers read the offices below).
HEALTH_READERS = (Role.PLANNING, Role.DIRECTOR, Role.CENTRAL)
# Read the results of the users' satisfaction questionnaire.
SURVEY_READERS = (Role.PLANNING, Role.DIRECTOR)
# Fill forms and do inspection work of their own.
OWNERS = (Role.OWNER, Role.GROUP_HEAD)
GROUP_HEADS = (Role.GROUP_HEAD,)
# eMENSCR: read the tracking board, the copy views and the ready-to-key sheets (owners their own projects).
EMENSCR_READERS = (Role.PLANNING, Role.DIRECTOR, Role.ADMIN, Role.OWNER, Role.GROUP_HEAD, Role.CENTRAL)
# eMENSCR: the data-entry summary report, addressed to the director.
EMENSCR_REPORT_READERS = (Role.PLANNING, Role.DIRECTOR, Role.ADMIN, Role.CENTRAL)
# Read the roll-up of every area office beneath theirs (region, OBEC); it is their home page.
ROLLUP_READERS = (Role.CENTRAL,)
# Choose whether the office publishes its approved results to the public (/public/<code>/).
PUBLISHERS = (Role.PLANNING, Role.DIRECTOR)
# Roles above any one office: only a superuser grants them or manages their holders.
ABOVE_OFFICE_ROLES = (Role.CENTRAL,)


# Roles of people who work in the office (anything they hold beyond reading).
OFFICE_WORK_ROLES = (Role.PLANNING, Role.OWNER, Role.GROUP_HEAD, Role.FINANCE, Role.DIRECTOR, Role.ADMIN)


def reads_final_work_only(user) -> bool:
    """Committee members (กศจ./ก.ต.ป.น.) sit outside the office: of reviewed work they read only what is finished
    (approved forms and reports, closed actions), never drafts, returns, histories or evidence of unfinished work.
    A committee member who also works in the office reads as their office role allows."""
    if not user.is_authenticated or user.is_superuser:
        return False
    return user.has_role(Role.COMMITTEE) and not user.has_role(*OFFICE_WORK_ROLES, Role.CENTRAL)


def sees_history(user) -> bool:
    """Who reads a reviewed record's history (its saves, returns and reasons): everyone who may read the record,
    except readers from outside the office."""
    return user.is_authenticated and not reads_final_work_only(user)


def _office_id(office) -> int | None:
    if office is None:
        return None
    return office if isinstance(office, int) else office.pk


def has_any(user, *roles: str) -> bool:
    """The user holds one of ``roles`` (a superuser holds them all), wherever the office."""
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or user.has_role(*roles)


def acts_for(user, office, *roles: str) -> bool:
    """May ``user`` act in ``office`` (an Office or its id) through one of ``roles``?

    Superusers act everywhere. Others act in their own office only, and only with one of the roles.
    With no roles named, any member of the office acts (e.g. an owner checked separately).
    """
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    if user.office_id is None or user.office_id != _office_id(office):
        return False
    return not roles or user.has_role(*roles)


def uses_admin_site(user) -> bool:
    """Superusers, and staff accounts of planning staff or administrators (their own office's users)."""
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or (user.is_staff and user.has_role(*MANAGERS))


def manages_deployment(user) -> bool:
    """The deployment's administrators: superusers. They alone see what holds every office's data at once
    (the backups page); an office's administrator (Role.ADMIN) manages only their own office."""
    return user.is_authenticated and user.is_active and user.is_superuser
