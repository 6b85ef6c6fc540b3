"""What the inspection screens and the monitoring screens share (so neither imports the other): fetching a
record the user may see (404 otherwise), the refusal helper and the page context of a reviewed record."""

from django.shortcuts import get_object_or_404

from accounts.permissions import sees_history
from reviews.history import with_readable_changes
from reviews.http import refused  # noqa: F401 (re-exported for both view modules)

from . import workflow
from .models import FollowUpAction, InspectionIssue, MonitoringResult


def get_issue(request, pk: int) -> InspectionIssue:
    return get_object_or_404(InspectionIssue.objects.visible_to(request.user)
                             .select_related("round__fiscal_year", "group", "responsible"), pk=pk)


def get_action(request, pk: int) -> FollowUpAction:
    return get_object_or_404(FollowUpAction.objects.visible_to(request.user).select_related(
        "recommendation__issue__round", "group", "owner", "closed_by"), pk=pk)


def get_result(request, pk: int) -> MonitoringResult:
    return get_object_or_404(MonitoringResult.objects.visible_to(request.user).select_related(
        "round__fiscal_year", "indicator", "responsible", "group"), pk=pk)


def review_context(user, item) -> dict:
    """The parts of a reviewed record's page every kind has: may the user write it, the moves they may make,
    its evidence and its history."""
    moves = workflow.available_moves(user, item)
    return {"may_write": "save" in moves, "moves": [name for name in moves if name != "save"],
            "evidence": item.evidence.all(), "show_history": sees_history(user),
            "events": with_readable_changes(item.events.select_related("actor"), type(item))
            if sees_history(user) else [],
            "event_labels": workflow.EVENT_LABELS, "state_labels": workflow.STATE_LABELS}
