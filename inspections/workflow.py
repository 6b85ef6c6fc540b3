"""The moves tables of the inspection records, and the services around them; the engine is reviews.engine.

Issue report / monitoring result:  draft ──submit──▶ submitted ──verify──▶ verified ──approve──▶ approved
                                     ▲                   │                    │
                                     └──── returned ◀────┴──── return ◀───────┘
Action:        open ──start──▶ in progress ──done──▶ done ──close──▶ closed
                                    ▲                 │
                                    └─ returned ◀─────┘ (return, with a reason)
Recommendation: its analysis is a versioned write whose events go in the issue's history.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.permissions import DIRECTORS, GROUP_HEADS, MANAGERS, PLANNERS, acts_for
from reviews import engine
from reviews.engine import Kind, Move, available_moves  # noqa: F401 (views use it from here)
from reviews.machine import NotAllowed, WorkflowError, note_change
from reviews.moves import LABELS as REVIEW_LABELS
from reviews.moves import reviewed_record_moves

from .models import FollowUpAction, InspectionIssue, MonitoringResult, Recommendation

ActionState = FollowUpAction.State

# How the history names what happened, and the states it moved between.
EVENT_LABELS = {"saved": gettext_lazy("Saved"), "submitted": gettext_lazy("Submitted"),
                "returned": gettext_lazy("Returned"), "verified": gettext_lazy("Verified"),
                "approved": gettext_lazy("Approved"), "assigned": gettext_lazy("Assigned"),
                "started": gettext_lazy("Started"), "done": gettext_lazy("Marked done"),
                "closed": gettext_lazy("Verified and closed"), "analysed": gettext_lazy("Analysis written"),
                "decided": gettext_lazy("Decided")}
STATE_LABELS = {**dict(InspectionIssue.State.choices), **dict(FollowUpAction.State.choices)}
ACTION_LABELS = {**REVIEW_LABELS, "start": gettext_lazy("started"), "done": gettext_lazy("marked done"),
                 "close": gettext_lazy("closed")}


# --- who may do what -------------------------------------------------------------------------------


def is_planning(user, office_id: int) -> bool:
    return acts_for(user, office_id, *PLANNERS)


def is_director(user, office_id: int) -> bool:
    return acts_for(user, office_id, *DIRECTORS)


def may_manage(user, office_id: int) -> bool:
    """Record rounds, issues, recommendations and actions: planning staff and administrators."""
    return acts_for(user, office_id, *MANAGERS)


def _issue_office(issue) -> int:
    return issue.round.office_id


def _result_office(result) -> int:
    return result.round.fiscal_year.office_id


def _may_write_report(office_of):
    def may_write(user, item) -> bool:
        return item.editable and (item.responsible_id == user.pk or may_manage(user, office_of(item)))
    return may_write


def may_follow_up(user, action) -> bool:
    editable = action.state in (ActionState.OPEN, ActionState.IN_PROGRESS, ActionState.RETURNED)
    return editable and (action.owner_id == user.pk
                         or (acts_for(user, action.group.office_id, *GROUP_HEADS)
                             and action.group_id in user.group_ids))


# --- the moves tables ------------------------------------------------------------------------------


def _issue_ready(issue, *, by, now):
    if not issue.report.strip():
        raise WorkflowError(_("Write the office's report on this issue before submitting it."))


def _result_ready(result, *, by, now):
    missing = (not result.narrative.strip()) if result.indicator.is_qualitative else result.value is None
    if missing:
        raise WorkflowError(_("Give the result (a number, or a narrative for a qualitative indicator) before "
                              "submitting it."))


_writes_issue = _may_write_report(_issue_office)
_writes_result = _may_write_report(_result_office)
ISSUE_MOVES = reviewed_record_moves(office_of=_issue_office, may_write=_writes_issue, ready=_issue_ready)
RESULT_MOVES = reviewed_record_moves(office_of=_result_office, may_write=_writes_result, ready=_result_ready)


def _may_close(user, action) -> bool:
    return is_planning(user, action.group.office_id)


def _action_done_ready(action, *, by, now):
    if not (action.progress.strip() and action.evidence.exists()):
        raise WorkflowError(_("Report what was done and attach at least one piece of evidence first."))


def _stamp_done(action, *, by, now, reason):
    action.done_at, action.return_reason = now, ""
    return ["done_at", "return_reason"]


def _stamp_action_return(action, *, by, now, reason):
    action.return_reason, action.done_at = reason, None
    return ["return_reason", "done_at"]


def _stamp_close(action, *, by, now, reason):
    action.closed_at, action.closed_by = now, by
    return ["closed_at", "closed_by"]


ACTION_MOVES = {
    "start": Move("started", frozenset({ActionState.OPEN}), ActionState.IN_PROGRESS, who=may_follow_up,
                  label=ACTION_LABELS["start"]),
    "done": Move("done", frozenset({ActionState.OPEN, ActionState.IN_PROGRESS, ActionState.RETURNED}),
                 ActionState.DONE, who=may_follow_up, label=ACTION_LABELS["done"], ready=_action_done_ready,
                 stamp=_stamp_done),
    "return": Move("returned", frozenset({ActionState.DONE}), ActionState.RETURNED, who=_may_close,
                   label=ACTION_LABELS["return"], stamp=_stamp_action_return,
                   needs_reason=gettext_lazy("Say what is still missing; the owner will read it.")),
    "close": Move("closed", frozenset({ActionState.DONE}), ActionState.CLOSED, who=_may_close,
                  label=ACTION_LABELS["close"], stamp=_stamp_close),
}


def _action_started_by_saving(action, changes) -> list:
    if action.state == ActionState.OPEN and changes:
        action.state = ActionState.IN_PROGRESS
        return ["state"]
    return []


def _may_analyse(user, recommendation) -> bool:
    return is_planning(user, recommendation.issue.round.office_id)


engine.register(Kind(
    model=InspectionIssue, moves=ISSUE_MOVES, may_write=_writes_issue, related=("round",),
    write_refusal=lambda issue: _("Only the responsible person (or planning staff) edits this report, and only "
                                  "while it is a draft or returned.")))
engine.register(Kind(
    model=MonitoringResult, moves=RESULT_MOVES, may_write=_writes_result,
    related=("round__fiscal_year", "indicator"),
    write_refusal=lambda result: _("Only the responsible person (or planning staff) reports this result, and "
                                   "only while it is a draft or returned.")))
engine.register(Kind(
    model=FollowUpAction, moves=ACTION_MOVES, may_write=may_follow_up, related=("group",),
    after_save=_action_started_by_saving,
    write_refusal=lambda action: _("Only the owner (or the group head) reports on this action, and only while it "
                                   "is open, in progress or returned.")))
engine.register(Kind(
    model=Recommendation, moves={}, may_write=_may_analyse, related=("issue__round",),
    events=lambda recommendation: recommendation.issue.events, saved_action=lambda recommendation: "analysed",
    write_refusal=lambda recommendation: _("The planning group analyses recommendations.")))


# --- the issue report ------------------------------------------------------------------------------


def save_report(issue_id: int, *, by, expected_version, text: str, files=(), links=(),
                remove=()) -> InspectionIssue:
    return engine.save_with_evidence(InspectionIssue, issue_id, by=by, expected_version=expected_version,
                                     values={"report": text},
                                     evidence={"files": files, "links": links, "remove": remove})


def move_issue(issue_id: int, name: str, *, by, expected_version, reason: str = "") -> InspectionIssue:
    return engine.move(InspectionIssue, issue_id, name, by=by, expected_version=expected_version, reason=reason)


# --- monitoring results --------------------------------------------------------------------------------


def save_result(result_id: int, *, by, expected_version, value, narrative: str, files=(), links=(),
                remove=()) -> MonitoringResult:
    return engine.save_with_evidence(MonitoringResult, result_id, by=by, expected_version=expected_version,
                                     values={"value": value, "narrative": narrative},
                                     evidence={"files": files, "links": links, "remove": remove})


def move_result(result_id: int, name: str, *, by, expected_version, reason: str = "") -> MonitoringResult:
    return engine.move(MonitoringResult, result_id, name, by=by, expected_version=expected_version, reason=reason)


@transaction.atomic
def open_monitoring_round(fiscal_year, *, by, title: str, due_date):
    """Create the round and one result to report per assigned indicator."""
    from .models import Assignment, MonitoringRound

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


def analyse(recommendation_id: int, *, by, expected_version, analysis: str) -> Recommendation:
    """Planning's analysis of a recommendation: a versioned write, its old and new text in the issue's history."""
    def note(recommendation, changes):
        note_change(recommendation, "analysis", analysis.strip(), changes,
                    label=_("analysis of recommendation %(no)s") % {"no": recommendation.number})

    return engine.save_with_evidence(Recommendation, recommendation_id, by=by, expected_version=expected_version,
                                     values={}, lines=note, fields=["analysis"])


@transaction.atomic
def decide(recommendation_id: int, *, by, decision: str) -> Recommendation:
    recommendation = (Recommendation.objects.select_for_update().select_related("issue__round")
                      .get(pk=recommendation_id))
    if not is_director(by, recommendation.issue.round.office_id):
        raise NotAllowed(_("The director decides what is done about a recommendation."))
    if not decision.strip():
        raise WorkflowError(_("Write the decision."))
    changes = {}
    note_change(recommendation, "decision", decision.strip(), changes,
                label=_("decision on recommendation %(no)s") % {"no": recommendation.number})
    recommendation.decided_by, recommendation.decided_at = by, timezone.now()
    recommendation.save(update_fields=["decision", "decided_by", "decided_at"])
    issue = recommendation.issue
    issue.events.create(actor=by, action="decided", from_state=issue.state, to_state=issue.state, changes=changes)
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


def follow_up(action_id: int, *, by, expected_version, text: str, files=(), links=(),
              remove=()) -> FollowUpAction:
    return engine.save_with_evidence(FollowUpAction, action_id, by=by, expected_version=expected_version,
                                     values={"progress": text},
                                     evidence={"files": files, "links": links, "remove": remove})


def move_action(action_id: int, name: str, *, by, expected_version, reason: str = "") -> FollowUpAction:
    return engine.move(FollowUpAction, action_id, name, by=by, expected_version=expected_version, reason=reason)
