"""Histories show values as people read them: B.E. dates, names instead of e-mail addresses, baht with
separators, state and status names instead of codes."""

from datetime import datetime
from types import SimpleNamespace

import pytest
from django.utils import translation

from inspections.models import FollowUpAction
from projects import history
from projects.models import ActivityProgress
from reviews.history import readable_changes
from tests.factories import UserFactory


def _event(changes, **extra):
    return SimpleNamespace(changes=changes, at=datetime(2026, 1, 9, 10, 0), actor=None, reason="",
                           from_state="draft", to_state="draft", get_action_display=lambda: "saved", **extra)


@pytest.mark.django_db
def test_form_history_shows_names_be_dates_baht_and_status_names():
    owner = UserFactory(full_name="นายสมชาย ใจดี", email="somchai@example.go.th")
    events = [_event({"user": owner.email, "until": "2026-01-09"}),
              _event({"disbursed": ["", "1234567.5"], "spent_this_quarter": ["1000", "25000.00"],
                      "activity 7 status": ["not_started", "in_progress"]})]
    with translation.override("th"):
        rows = history.describe(events, activities={7: 1}, indicators={})
    lines = [line for row in rows for line in row["lines"]]
    shown = {line["label"]: (line["old"], line["new"]) for line in lines}
    assert ("", "นายสมชาย ใจดี") in shown.values()
    assert ("", "9 ม.ค. 2569") in shown.values()
    assert ("", "1,234,567.50") in shown.values()
    assert ("1,000.00", "25,000.00") in shown.values()
    assert not any("@" in line["new"] or "2026" in line["new"] or "_" in line["new"] for line in lines)
    statuses = dict(ActivityProgress.Status.choices)
    assert (str(statuses["not_started"]), str(statuses["in_progress"])) in shown.values()


@pytest.mark.django_db
def test_inspection_history_shows_labels_names_and_be_dates():
    owner = UserFactory(full_name="นางวิไลวรรณ ศรีสุข", email="wilai@example.go.th")
    with translation.override("th"):
        rows = readable_changes(FollowUpAction, {"owner": ["", owner.email], "due": ["", "2026-06-30"],
                                                 "state": ["open", "in_progress"],
                                                 "evidence added": ["", "ภาพกิจกรรม.pdf"]})
    assert [row["new"] for row in rows] == ["นางวิไลวรรณ ศรีสุข", "30 มิ.ย. 2569",
                                            str(dict(FollowUpAction.State.choices)["in_progress"]), "ภาพกิจกรรม.pdf"]
    assert rows[2]["old"] == str(dict(FollowUpAction.State.choices)["open"])
    assert not any(row["label"] in ("owner", "due", "state", "evidence added") for row in rows)
