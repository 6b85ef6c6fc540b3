"""The quarterly form workflow: an explicit state machine with history and optimistic locking.

    draft ──submit──▶ submitted ──verify──▶ verified ──approve──▶ approved
      ▲                  │  ▲                  │                    │
      └──── returned ◀───┴──┼──── return ◀─────┘      reopen ◀──────┘
               │            │
               └──submit────┘

Every function takes the version of the form the user was looking at; if someone else changed
the form since, nothing is written and :class:`ConflictError` says so. The moves table below is run by
:mod:`reviews.engine`, like every other reviewed record's.
"""

from datetime import date, datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.permissions import DIRECTORS, FINANCE, MANAGERS, PLANNERS, REOPENERS, RETURNERS, acts_for
from plans.formatting import display_date
from reminders.outbox import enqueue, site_url
from reviews import engine
from reviews.engine import Kind, Move
from reviews.machine import (  # noqa: F401 (re-exported: views and tests catch them from here)
    BadInput,
    ConflictError,
    NotAllowed,
    Transition,
    WorkflowError,
    note_change,
)
from .models import (
    ActivityProgress,
    Disbursement,
    IndicatorResult,
    LockException,
    Project,
    QuarterlyReport,
    ReportEvent,
)

State = QuarterlyReport.State
Action = ReportEvent.Action



# --- who may do what -------------------------------------------------------------------------


def _office(report) -> int:
    return report.project.office_id


def can_fill(user, report) -> bool:
    """Owners (and editors of the project: group head, planning) fill the form."""
    return Project.objects.editable_by(user).filter(pk=report.project_id).exists()


def can_review(user, report) -> bool:
    return acts_for(user, _office(report), *PLANNERS)


def can_approve(user, report) -> bool:
    return acts_for(user, _office(report), *DIRECTORS)


def can_return(user, report) -> bool:
    return acts_for(user, _office(report), *RETURNERS)


def can_reopen(user, report) -> bool:
    return acts_for(user, _office(report), *REOPENERS)


def can_grant_exception(user, report) -> bool:
    return acts_for(user, _office(report), *MANAGERS)


def may_edit(user, report) -> bool:
    return report.owner_may_edit and can_fill(user, report)


def allowed_actions(user, report) -> list[str]:
    """The moves the user may make on the form now (saving is ``may_edit``)."""
    return [name for name in engine.available_moves(user, report) if name != "save"]


def why_not_editable(report) -> str:
    """The sentence the form shows when the owner cannot edit it."""
    if report.state == State.SUBMITTED:
        return _("Submitted on %(date)s — contact the planning group if it needs changing.") % {
            "date": display_date(timezone.localtime(report.submitted_at))}
    if report.state == State.VERIFIED:
        return _("Verified by the planning group on %(date)s — the planning group can return it to you.") % {
            "date": display_date(timezone.localtime(report.verified_at))}
    if report.state == State.APPROVED:
        return _("Approved by the director on %(date)s and locked — only the planning group can reopen it, "
                 "with a reason.") % {"date": display_date(timezone.localtime(report.approved_at))}
    return ""


# --- creating and reading --------------------------------------------------------------------


def unsaved_report(project: Project, quarter) -> QuarterlyReport:
    """The form as it stands before anyone saved it: nothing is written (GET never writes)."""
    return QuarterlyReport(project=project, quarter=quarter)


def lines_of(report) -> tuple[list, list]:
    """The form's activity lines (in the activities' order) and indicator-result lines: the saved ones, and an
    unsaved blank line for each activity or target the form has no line for yet (none is written)."""
    project = report.project
    saved_activities, saved_results = {}, {}
    if report.pk:
        saved_activities = {line.activity_id: line for line in report.activity_progress.select_related("activity")}
        saved_results = {line.target_id: line for line in report.indicator_results.select_related("target__indicator")}
    activity_lines = [saved_activities.get(a.pk) or ActivityProgress(activity=a)
                      for a in project.activities.order_by("order", "pk")]
    result_lines = [saved_results.get(t.pk) or IndicatorResult(target=t)
                    for t in project.indicator_targets.select_related("indicator").order_by("pk")]
    return activity_lines, result_lines


@transaction.atomic
def get_or_create_report(project: Project, quarter) -> QuarterlyReport:
    """The project's form for a quarter, with a line per activity and per indicator target (writes: POST only)."""
    report, _created = QuarterlyReport.objects.get_or_create(project=project, quarter=quarter)
    have = set(report.activity_progress.values_list("activity_id", flat=True))
    ActivityProgress.objects.bulk_create([
        ActivityProgress(report=report, activity=a) for a in project.activities.all() if a.pk not in have
    ])
    have = set(report.indicator_results.values_list("target_id", flat=True))
    IndicatorResult.objects.bulk_create([
        IndicatorResult(report=report, target=t) for t in project.indicator_targets.all() if t.pk not in have
    ])
    return report


def cumulative_spent(report) -> Decimal:
    """The owner's spent figure up to and including this quarter."""
    total = QuarterlyReport.objects.filter(
        project_id=report.project_id, quarter__fiscal_year_id=report.quarter.fiscal_year_id,
        quarter__number__lte=report.quarter.number,
    ).aggregate(total=Sum("spent_this_quarter"))["total"]
    return total or Decimal("0")


def submission_open_for(user, report, today: date | None = None) -> bool:
    today = today or timezone.localdate()
    quarter = report.quarter
    if quarter.window_opens() > today:
        return False
    if today <= quarter.window_closes():
        return True
    return LockException.objects.filter(project_id=report.project_id, quarter=quarter, user=user,
                                        until__gte=today).exists()


# --- writing ------------------------------------------------------------------------------------


def _tell_owners(report, *, kind: str) -> None:
    """E-mail each owner that the form came back to them, with the reason (sent after commit, once)."""
    event = report.last_event
    link = site_url(reverse("projects:report", args=[report.project_id, report.quarter.number]))
    for owner in report.project.owners.filter(is_active=True):
        enqueue(key=f"{kind}:event:{event.pk}:user:{owner.pk}", kind=kind, recipient=owner,
                office=report.project.office, template="form_returned",
                context={"report": report, "project": report.project, "quarter": report.quarter, "event": event,
                         "link": link, "reopened": kind == "reopened"})


def _apply(line, new: dict, attrs, label: str, changes: dict) -> None:
    """Copy the posted values onto one form line, noting what changed, and save it if anything did."""
    changed = []
    for attr in attrs:
        if attr in new and getattr(line, attr) != new[attr]:
            changes[f"{label} {attr}"] = [str(getattr(line, attr) or ""), str(new[attr] or "")]
            setattr(line, attr, new[attr])
            changed.append(attr)
    if changed:
        line.save(update_fields=changed)


FORM_FIELDS = ("spent_this_quarter", "outputs", "outcomes", "problems", "suggestions")


def save_form(report_id: int, *, by, expected_version, fields: dict, activities: dict,
              results: dict, evidence: dict | None = None) -> QuarterlyReport:
    """Save what the owner typed (no completeness check: drafts may be partial).

    ``activities`` maps ActivityProgress ids to {status, percent, description};
    ``results`` maps IndicatorResult ids to {value, text};
    ``evidence`` has ``files`` (checked uploads with their kind), ``links`` and ``remove`` (ids).
    Files are written before the transaction commits and removed again if it does not.
    """
    def lines(report, changes):
        for line in report.activity_progress.filter(pk__in=activities):
            _apply(line, activities[line.pk], ("status", "percent", "description"),
                   f"activity {line.activity_id}", changes)
        for line in report.indicator_results.filter(pk__in=results):
            _apply(line, results[line.pk], ("value", "text"), f"indicator {line.target_id}", changes)

    return engine.save_with_evidence(QuarterlyReport, report_id, by=by, expected_version=expected_version,
                                     values={name: fields[name] for name in FORM_FIELDS if name in fields},
                                     lines=lines, evidence=evidence or {})


def missing_for_submission(report) -> list[tuple[str, str]]:
    """What must be filled before the form can be sent, as (field key, message); empty: complete.

    Field keys match the form: ``spent_this_quarter``, ``act-<activity id>-description``,
    ``act-<activity id>-percent``, ``ind-<target id>-value`` and ``ind-<target id>-text``.
    """
    problems = []
    if report.spent_this_quarter is None:
        problems.append(("spent_this_quarter", _("Enter the budget spent this quarter (0 if nothing was spent).")))
    for line in report.activity_progress.select_related("activity"):
        if line.status != ActivityProgress.Status.NOT_STARTED and not line.description.strip():
            problems.append((f"act-{line.activity_id}-description",
                             _("Activity %(no)s: say what was done.") % {"no": line.activity.order}))
        if line.status == ActivityProgress.Status.IN_PROGRESS and line.percent is None:
            problems.append((f"act-{line.activity_id}-percent",
                             _("Activity %(no)s: give the percentage complete.") % {"no": line.activity.order}))
    for line in report.indicator_results.select_related("target__indicator"):
        indicator = line.target.indicator
        if indicator.is_qualitative and not line.text.strip():
            problems.append((f"ind-{line.target_id}-text",
                             _("Indicator %(code)s: describe the result.") % {"code": indicator.code}))
        if not indicator.is_qualitative and line.value is None:
            problems.append((f"ind-{line.target_id}-value",
                             _("Indicator %(code)s: enter the result.") % {"code": indicator.code}))
    return problems


class IncompleteError(WorkflowError):
    """The form lacks what submission needs; ``problems`` holds (field key, message) pairs."""

    def __init__(self, problems):
        self.problems = problems
        super().__init__(" ".join(message for _key, message in problems))


def _window_and_completeness(report, *, by, now):
    today = timezone.localdate(now)
    if not submission_open_for(by, report, today):
        quarter = report.quarter
        if quarter.window_opens() > today:
            raise WorkflowError(_("The form opens on %(date)s.") % {"date": display_date(quarter.window_opens())})
        raise WorkflowError(_("The reporting window closed on %(date)s. Ask the planning group for an exception.")
                            % {"date": display_date(quarter.window_closes())})
    problems = missing_for_submission(report)
    if problems:
        raise IncompleteError(problems)


def _stamp_submit(report, *, by, now, reason):
    report.submitted_at, report.submitted_by = now, by
    fields = ["submitted_at", "submitted_by"]
    if report.first_submitted_at is None:
        report.first_submitted_at = now
        report.timeliness = (QuarterlyReport.Timeliness.LATE if now > report.quarter.due_at()
                             else QuarterlyReport.Timeliness.ON_TIME)
        fields += ["first_submitted_at", "timeliness"]
    return fields


def _stamp_return(report, *, by, now, reason):
    report.return_reason = reason
    report.verified_at = report.verified_by = None
    return ["return_reason", "verified_at", "verified_by"]


def _stamp_verify(report, *, by, now, reason):
    report.verified_at, report.verified_by = now, by
    return ["verified_at", "verified_by"]


def _stamp_approve(report, *, by, now, reason):
    report.approved_at, report.approved_by = now, by
    return ["approved_at", "approved_by"]


def _stamp_reopen(report, *, by, now, reason):
    report.return_reason = reason
    report.approved_at = report.approved_by = report.verified_at = report.verified_by = None
    return ["return_reason", "approved_at", "approved_by", "verified_at", "verified_by"]


MOVES = {
    "submit": Move(Action.SUBMITTED, frozenset({State.DRAFT, State.RETURNED}), State.SUBMITTED, who=can_fill,
                   label=Action.SUBMITTED.label, ready=_window_and_completeness, stamp=_stamp_submit),
    "return": Move(Action.RETURNED, frozenset({State.SUBMITTED, State.VERIFIED}), State.RETURNED, who=can_return,
                   label=Action.RETURNED.label, stamp=_stamp_return,
                   needs_reason=gettext_lazy("Say why the form is returned; the owner will read it.")),
    "verify": Move(Action.VERIFIED, frozenset({State.SUBMITTED}), State.VERIFIED, who=can_review,
                   label=Action.VERIFIED.label, stamp=_stamp_verify),
    "approve": Move(Action.APPROVED, frozenset({State.VERIFIED}), State.APPROVED, who=can_approve,
                    label=Action.APPROVED.label, stamp=_stamp_approve),
    "reopen": Move(Action.REOPENED, frozenset({State.APPROVED}), State.RETURNED, who=can_reopen,
                   label=Action.REOPENED.label, stamp=_stamp_reopen,
                   needs_reason=gettext_lazy("Reopening an approved form needs a reason; it is kept in the "
                                             "history.")),
}
TRANSITIONS = {name: move.transition for name, move in MOVES.items()}

engine.register(Kind(
    model=QuarterlyReport, moves=MOVES, may_write=may_edit, related=("quarter__fiscal_year", "project"),
    write_refusal=lambda report: why_not_editable(report) or _("You may not change this form."),
    saved_action=lambda report: Action.SAVED if report.state in (State.DRAFT, State.RETURNED) else Action.EDITED))


def submit(report_id: int, *, by, expected_version, now: datetime | None = None) -> QuarterlyReport:
    return engine.move(QuarterlyReport, report_id, "submit", by=by, expected_version=expected_version, now=now)


@transaction.atomic
def return_report(report_id: int, *, by, expected_version, reason: str) -> QuarterlyReport:
    report = engine.move(QuarterlyReport, report_id, "return", by=by, expected_version=expected_version,
                         reason=reason)
    _tell_owners(report, kind="returned")
    return report


def verify(report_id: int, *, by, expected_version) -> QuarterlyReport:
    return engine.move(QuarterlyReport, report_id, "verify", by=by, expected_version=expected_version)


def approve(report_id: int, *, by, expected_version) -> QuarterlyReport:
    return engine.move(QuarterlyReport, report_id, "approve", by=by, expected_version=expected_version)


@transaction.atomic
def reopen(report_id: int, *, by, expected_version, reason: str) -> QuarterlyReport:
    report = engine.move(QuarterlyReport, report_id, "reopen", by=by, expected_version=expected_version,
                         reason=reason)
    _tell_owners(report, kind="reopened")
    return report


@transaction.atomic
def grant_exception(report_id: int, *, by, user, until: date, reason: str) -> LockException:
    report = QuarterlyReport.objects.select_related("quarter", "project").get(pk=report_id)
    if not can_grant_exception(by, report):
        raise NotAllowed(_("Only the planning group grants exceptions."))
    if not reason.strip():
        raise WorkflowError(_("Give the reason for the exception."))
    if until < timezone.localdate():
        raise WorkflowError(_("The exception must end today or later."))
    if not report.project.owners.filter(pk=user.pk).exists():
        raise WorkflowError(_("%(name)s does not own this project.") % {"name": user})
    exception = LockException.objects.create(project=report.project, quarter=report.quarter, user=user,
                                             until=until, reason=reason.strip(), granted_by=by)
    ReportEvent.objects.create(report=report, actor=by, action=Action.EXCEPTION, from_state=report.state,
                               to_state=report.state, reason=reason.strip(),
                               changes={"user": user.email, "until": until.isoformat()})
    return exception


@transaction.atomic
def record_disbursement(*, project: Project, quarter, amount, by) -> Disbursement:
    """Finance records what the accounting system disbursed; the change is kept in the form's history."""
    if not acts_for(by, project.office_id, *FINANCE):
        raise WorkflowError(_("Only the finance group records disbursements."))
    if amount is None or amount < 0:
        raise WorkflowError(_("The amount cannot be negative."))
    existing = Disbursement.objects.select_for_update().filter(project=project, quarter=quarter).first()
    old = existing.amount if existing else None
    disbursement, _created = Disbursement.objects.update_or_create(
        project=project, quarter=quarter, defaults={"amount": amount, "entered_by": by})
    report = get_or_create_report(project, quarter)
    ReportEvent.objects.create(report=report, actor=by, action=Action.DISBURSEMENT, from_state=report.state,
                               to_state=report.state, changes={"disbursed": [str(old or ""), str(amount)]})
    return disbursement
