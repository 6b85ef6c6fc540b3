"""Who may do what with inspection issues, recommendations and follow-up actions, and the moves themselves.

Issue report:  draft ──submit──▶ submitted ──verify──▶ verified ──approve──▶ approved
                 ▲                   │                    │
                 └──── returned ◀────┴──── return ◀───────┘
Action:        open ──start──▶ in progress ──done──▶ done ──close──▶ closed
                                    ▲                 │
                                    └─ returned ◀─────┘ (return, with a reason)
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Role
from projects import evidence as evidence_files
from projects.statemachine import NotAllowed, Transition, WorkflowError, check, lock, note_change, record

from .models import FollowUpAction, InspectionIssue, Recommendation

IssueState = InspectionIssue.State
ActionState = FollowUpAction.State

ISSUE_MOVES = {
    "submit": Transition("submitted", frozenset({IssueState.DRAFT, IssueState.RETURNED}), IssueState.SUBMITTED),
    "return": Transition("returned", frozenset({IssueState.SUBMITTED, IssueState.VERIFIED}), IssueState.RETURNED),
    "verify": Transition("verified", frozenset({IssueState.SUBMITTED}), IssueState.VERIFIED),
    "approve": Transition("approved", frozenset({IssueState.VERIFIED}), IssueState.APPROVED),
}
ACTION_MOVES = {
    "start": Transition("started", frozenset({ActionState.OPEN}), ActionState.IN_PROGRESS),
    "done": Transition("done", frozenset({ActionState.OPEN, ActionState.IN_PROGRESS, ActionState.RETURNED}),
                       ActionState.DONE),
    "return": Transition("returned", frozenset({ActionState.DONE}), ActionState.RETURNED),
    "close": Transition("closed", frozenset({ActionState.DONE}), ActionState.CLOSED),
}
# How the history names what happened, and the states it moved between.
EVENT_LABELS = {"saved": gettext_lazy("Saved"), "submitted": gettext_lazy("Submitted"),
                "returned": gettext_lazy("Returned"), "verified": gettext_lazy("Verified"),
                "approved": gettext_lazy("Approved"), "assigned": gettext_lazy("Assigned"),
                "started": gettext_lazy("Started"), "done": gettext_lazy("Marked done"),
                "closed": gettext_lazy("Verified and closed")}
STATE_LABELS = {**dict(InspectionIssue.State.choices), **dict(FollowUpAction.State.choices)}
ACTION_LABELS = {"submit": gettext_lazy("submitted"), "return": gettext_lazy("returned"),
                 "verify": gettext_lazy("verified"), "approve": gettext_lazy("approved"),
                 "start": gettext_lazy("started"), "done": gettext_lazy("marked done"), "close": gettext_lazy("closed")}


# --- who may do what -------------------------------------------------------------------------------


def _of_office(user, office_id: int) -> bool:
    return user.is_superuser or user.office_id == office_id


def is_planning(user, office_id: int) -> bool:
    return _of_office(user, office_id) and (user.is_superuser or user.has_role(Role.PLANNING))


def is_director(user, office_id: int) -> bool:
    return _of_office(user, office_id) and (user.is_superuser or user.has_role(Role.DIRECTOR))


def may_manage(user, office_id: int) -> bool:
    """Record rounds, issues, recommendations and actions: planning staff and administrators."""
    return _of_office(user, office_id) and (user.is_superuser or user.has_role(Role.PLANNING, Role.ADMIN))


def may_write_report(user, issue) -> bool:
    editable = issue.state in (IssueState.DRAFT, IssueState.RETURNED)
    return editable and (issue.responsible_id == user.pk or may_manage(user, issue.round.office_id))


def may_follow_up(user, action) -> bool:
    editable = action.state in (ActionState.OPEN, ActionState.IN_PROGRESS, ActionState.RETURNED)
    return editable and (action.owner_id == user.pk
                         or (user.has_role(Role.GROUP_HEAD) and action.group_id in user.group_ids
                             and _of_office(user, action.group.office_id)))


def issue_actions(user, issue) -> list[str]:
    office = issue.round.office_id
    allowed = {
        "submit": may_write_report(user, issue),
        "verify": is_planning(user, office),
        "return": is_planning(user, office) or is_director(user, office),
        "approve": is_director(user, office),
    }
    return [name for name, ok in allowed.items() if ok and issue.state in ISSUE_MOVES[name].sources]


def action_moves(user, action) -> list[str]:
    office = action.group.office_id
    allowed = {
        "start": may_follow_up(user, action), "done": may_follow_up(user, action),
        "return": is_planning(user, office), "close": is_planning(user, office),
    }
    return [name for name, ok in allowed.items() if ok and action.state in ACTION_MOVES[name].sources]


# --- the issue report ------------------------------------------------------------------------------


def save_report(issue_id: int, *, by, expected_version: int | None, text: str, files=(), links=(),
                remove=()) -> InspectionIssue:
    with evidence_files.atomic_with_files() as stored:
        issue = lock(InspectionIssue, issue_id, expected_version, related=["round"])
        if not may_write_report(by, issue):
            raise NotAllowed(_("Only the responsible person (or planning staff) edits this report, and only "
                               "while it is a draft or returned."))
        changes = {}
        note_change(issue, "report", text, changes)
        evidence_files.save_items(issue.evidence, by=by, stored=stored, changes=changes, files=files, links=links,
                                  remove=remove)
        return record(issue, events=issue.events, by=by, action="saved", from_state=issue.state, changes=changes,
                      fields=["report"])


@transaction.atomic
def move_issue(issue_id: int, name: str, *, by, expected_version: int | None, reason: str = "") -> InspectionIssue:
    issue = lock(InspectionIssue, issue_id, expected_version, related=["round"])
    check(issue, ISSUE_MOVES[name], name in issue_actions(by, issue), label=ACTION_LABELS[name])
    if name == "submit" and not issue.report.strip():
        raise WorkflowError(_("Write the office's report on this issue before submitting it."))
    return _move_report(issue, name, by=by, reason=reason)


def _move_report(item, name: str, *, by, reason: str):
    """The report workflow's move on a locked, checked item (inspection issue or monitoring result)."""
    transition = ISSUE_MOVES[name]
    reason = reason.strip()
    if name == "return" and not reason:
        raise WorkflowError(_("Say why the report is returned; the responsible person will read it."))
    from_state, now = item.state, timezone.now()
    item.state = transition.target
    fields = ["state"]
    if name == "submit":
        item.submitted_at, item.return_reason = now, ""
        fields += ["submitted_at", "return_reason"]
    elif name == "return":
        item.return_reason, item.verified_at = reason, None
        fields += ["return_reason", "verified_at"]
    elif name == "verify":
        item.verified_at = now
        fields.append("verified_at")
    elif name == "approve":
        item.approved_at = now
        fields.append("approved_at")
    return record(item, events=item.events, by=by, action=transition.action, from_state=from_state,
                  reason=reason, fields=fields)


# --- monitoring results --------------------------------------------------------------------------------


def may_write_result(user, result) -> bool:
    editable = result.state in (IssueState.DRAFT, IssueState.RETURNED)
    return editable and (result.responsible_id == user.pk or may_manage(user, result.round.fiscal_year.office_id))


def result_actions(user, result) -> list[str]:
    office = result.round.fiscal_year.office_id
    allowed = {
        "submit": may_write_result(user, result),
        "verify": is_planning(user, office),
        "return": is_planning(user, office) or is_director(user, office),
        "approve": is_director(user, office),
    }
    return [name for name, ok in allowed.items() if ok and result.state in ISSUE_MOVES[name].sources]


def save_result(result_id: int, *, by, expected_version: int | None, value, narrative: str, files=(), links=(),
                remove=()):
    from .models import MonitoringResult

    with evidence_files.atomic_with_files() as stored:
        result = lock(MonitoringResult, result_id, expected_version, related=["round__fiscal_year", "indicator"])
        if not may_write_result(by, result):
            raise NotAllowed(_("Only the responsible person (or planning staff) reports this result, and only "
                               "while it is a draft or returned."))
        changes = {}
        note_change(result, "value", value, changes)
        note_change(result, "narrative", narrative, changes)
        evidence_files.save_items(result.evidence, by=by, stored=stored, changes=changes, files=files, links=links,
                                  remove=remove)
        return record(result, events=result.events, by=by, action="saved", from_state=result.state,
                      changes=changes, fields=["value", "narrative"])


@transaction.atomic
def move_result(result_id: int, name: str, *, by, expected_version: int | None, reason: str = ""):
    from .models import MonitoringResult

    result = lock(MonitoringResult, result_id, expected_version, related=["round__fiscal_year", "indicator"])
    check(result, ISSUE_MOVES[name], name in result_actions(by, result), label=ACTION_LABELS[name])
    if name == "submit":
        missing = (not result.narrative.strip()) if result.indicator.is_qualitative else result.value is None
        if missing:
            raise WorkflowError(_("Give the result (a number, or a narrative for a qualitative indicator) before "
                                  "submitting it."))
    return _move_report(result, name, by=by, reason=reason)


@transaction.atomic
def open_monitoring_round(fiscal_year, *, by, title: str, due_date):
    """Create the round and one result to report per assigned indicator."""
    from .models import Assignment, MonitoringResult, MonitoringRound

    if not may_manage(by, fiscal_year.office_id):
        raise NotAllowed(_("Planning staff open monitoring rounds."))
    assignments = list(Assignment.objects.filter(fiscal_year=fiscal_year, indicator__isnull=False)
                       .select_related("indicator"))
    if not assignments:
        raise WorkflowError(_("Assign a responsible person to at least one indicator first."))
    monitoring_round = MonitoringRound.objects.create(fiscal_year=fiscal_year, title=title.strip(), due_date=due_date,
                                                      opened_by=by)
    MonitoringResult.objects.bulk_create([
        MonitoringResult(round=monitoring_round, indicator=a.indicator, responsible_id=a.responsible_id,
                         group_id=a.group_id) for a in assignments])
    return monitoring_round


# --- recommendations ---------------------------------------------------------------------------------


@transaction.atomic
def decide(recommendation_id: int, *, by, decision: str) -> Recommendation:
    recommendation = (Recommendation.objects.select_for_update().select_related("issue__round")
                      .get(pk=recommendation_id))
    if not is_director(by, recommendation.issue.round.office_id):
        raise NotAllowed(_("The director decides what is done about a recommendation."))
    if not decision.strip():
        raise WorkflowError(_("Write the decision."))
    recommendation.decision, recommendation.decided_by = decision.strip(), by
    recommendation.decided_at = timezone.now()
    recommendation.save(update_fields=["decision", "decided_by", "decided_at"])
    return recommendation


@transaction.atomic
def assign_action(recommendation_id: int, *, by, title: str, group, owner, due_date) -> FollowUpAction:
    recommendation = Recommendation.objects.select_related("issue__round").get(pk=recommendation_id)
    office_id = recommendation.issue.round.office_id
    if not may_manage(by, office_id):
        raise NotAllowed(_("Planning staff assign follow-up actions."))
    if not recommendation.decided_at:
        raise WorkflowError(_("The director decides on the recommendation before actions are assigned."))
    if group.office_id != office_id or owner.office_id != office_id or not owner.is_active:
        raise WorkflowError(_("Choose a group and an owner of this office."))
    action = FollowUpAction.objects.create(recommendation=recommendation, title=title.strip(), group=group,
                                           owner=owner, due_date=due_date)
    action.events.create(actor=by, action="assigned", to_state=action.state,
                         changes={"owner": ["", owner.full_name], "due": ["", due_date.isoformat()]})
    return action


# --- follow-up actions ---------------------------------------------------------------------------------


def follow_up(action_id: int, *, by, expected_version: int | None, text: str, files=(), links=(),
              remove=()) -> FollowUpAction:
    with evidence_files.atomic_with_files() as stored:
        action = lock(FollowUpAction, action_id, expected_version, related=["group"])
        if not may_follow_up(by, action):
            raise NotAllowed(_("Only the owner (or the group head) reports on this action, and only while it is "
                               "open, in progress or returned."))
        changes = {}
        note_change(action, "progress", text, changes)
        evidence_files.save_items(action.evidence, by=by, stored=stored, changes=changes, files=files, links=links,
                                  remove=remove)
        fields, from_state = ["progress"], action.state
        if action.state == ActionState.OPEN and changes:
            action.state = ActionState.IN_PROGRESS
            fields.append("state")
        return record(action, events=action.events, by=by, action="saved", from_state=from_state, changes=changes,
                      fields=fields)


@transaction.atomic
def move_action(action_id: int, name: str, *, by, expected_version: int | None, reason: str = "") -> FollowUpAction:
    transition = ACTION_MOVES[name]
    action = lock(FollowUpAction, action_id, expected_version, related=["group"])
    check(action, transition, name in action_moves(by, action), label=ACTION_LABELS[name])
    reason = reason.strip()
    if name == "return" and not reason:
        raise WorkflowError(_("Say what is still missing; the owner will read it."))
    if name == "done" and not (action.progress.strip() and action.evidence.exists()):
        raise WorkflowError(_("Report what was done and attach at least one piece of evidence first."))
    from_state, now = action.state, timezone.now()
    action.state = transition.target
    fields = ["state"]
    if name == "done":
        action.done_at, action.return_reason = now, ""
        fields += ["done_at", "return_reason"]
    elif name == "return":
        action.return_reason, action.done_at = reason, None
        fields += ["return_reason", "done_at"]
    elif name == "close":
        action.closed_at, action.closed_by = now, by
        fields += ["closed_at", "closed_by"]
    return record(action, events=action.events, by=by, action=transition.action, from_state=from_state,
                  reason=reason, fields=fields)
