"""Inspection issue reports and follow-up actions: every move, who may make it, and what is recorded."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from inspections import workflow
from inspections.models import FollowUpAction, InspectionIssue
from reviews import evidence
from reviews.machine import ConflictError, WorkflowError

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
State = InspectionIssue.State


def pdf(name="หลักฐาน.pdf"):
    upload = SimpleUploadedFile(name, PDF, content_type="application/pdf")
    return evidence.check_uploads([upload])


@pytest.mark.django_db
def test_issue_report_goes_through_review_and_approval(issue, owner, planning, director, other_owner):
    with pytest.raises(WorkflowError):  # nothing written yet
        workflow.move_issue(issue.pk, "submit", by=owner, expected_version=issue.version)
    with pytest.raises(WorkflowError):  # not theirs
        workflow.save_report(issue.pk, by=other_owner, expected_version=issue.version, text="x")
    issue = workflow.save_report(issue.pk, by=owner, expected_version=1, text="ดำเนินการครบ 45 โรงเรียน",
                                 files=pdf())
    assert issue.evidence.count() == 1 and issue.version == 2
    with pytest.raises(ConflictError):
        workflow.save_report(issue.pk, by=owner, expected_version=1, text="เก่า")
    issue = workflow.move_issue(issue.pk, "submit", by=owner, expected_version=2)
    with pytest.raises(WorkflowError):  # the director approves only verified reports
        workflow.move_issue(issue.pk, "approve", by=director, expected_version=issue.version)
    with pytest.raises(WorkflowError):  # a reason is required
        workflow.move_issue(issue.pk, "return", by=planning, expected_version=issue.version, reason=" ")
    issue = workflow.move_issue(issue.pk, "return", by=planning, expected_version=issue.version, reason="เพิ่มตัวเลข")
    assert issue.state == State.RETURNED and issue.return_reason == "เพิ่มตัวเลข"
    issue = workflow.move_issue(issue.pk, "submit", by=owner, expected_version=issue.version)
    with pytest.raises(WorkflowError):  # owners do not verify
        workflow.move_issue(issue.pk, "verify", by=owner, expected_version=issue.version)
    issue = workflow.move_issue(issue.pk, "verify", by=planning, expected_version=issue.version)
    issue = workflow.move_issue(issue.pk, "approve", by=director, expected_version=issue.version)
    assert issue.state == State.APPROVED and issue.approved_at
    with pytest.raises(WorkflowError):  # approved: locked
        workflow.save_report(issue.pk, by=owner, expected_version=issue.version, text="แก้")
    assert [e.action for e in issue.events.all()] == ["saved", "submitted", "returned", "submitted", "verified",
                                                     "approved"]


@pytest.mark.django_db
def test_actions_need_the_directors_decision_then_are_followed_to_closure(recommendation, planning, director,
                                                                          owner, promo_group, other_owner):
    with pytest.raises(WorkflowError):
        workflow.assign_action(recommendation.pk, by=planning, title="จัดทำระบบติดตาม", group=promo_group,
                               owner=owner, due_date=date(2026, 4, 30))
    with pytest.raises(WorkflowError):
        workflow.decide(recommendation.pk, by=planning, decision="เห็นชอบ")
    workflow.decide(recommendation.pk, by=director, decision="เห็นชอบ มอบกลุ่มส่งเสริมฯ")
    with pytest.raises(WorkflowError):  # only planning assigns
        workflow.assign_action(recommendation.pk, by=owner, title="x", group=promo_group, owner=owner,
                               due_date=date(2026, 4, 30))
    action = workflow.assign_action(recommendation.pk, by=planning, title="จัดทำระบบติดตามนักเรียนกลุ่มเสี่ยง",
                                    group=promo_group, owner=owner, due_date=date(2026, 4, 30))
    assert action.state == FollowUpAction.State.OPEN
    with pytest.raises(WorkflowError):  # someone else's action
        workflow.follow_up(action.pk, by=other_owner, expected_version=action.version, text="x")
    with pytest.raises(WorkflowError):  # done needs a report and evidence
        workflow.move_action(action.pk, "done", by=owner, expected_version=action.version)
    action = workflow.follow_up(action.pk, by=owner, expected_version=action.version, text="ติดตั้งระบบแล้ว",
                                files=pdf())
    assert action.state == FollowUpAction.State.IN_PROGRESS  # reporting starts the work
    action = workflow.move_action(action.pk, "done", by=owner, expected_version=action.version)
    with pytest.raises(WorkflowError):  # no editing while waiting for verification
        workflow.follow_up(action.pk, by=owner, expected_version=action.version, text="เพิ่ม")
    action = workflow.move_action(action.pk, "return", by=planning, expected_version=action.version,
                                  reason="แนบรายงานผลการใช้ระบบ")
    assert action.state == FollowUpAction.State.RETURNED and action.is_overdue(date(2026, 5, 1))
    action = workflow.follow_up(action.pk, by=owner, expected_version=action.version, text="แนบรายงานแล้ว")
    action = workflow.move_action(action.pk, "done", by=owner, expected_version=action.version)
    with pytest.raises(WorkflowError):  # owners do not close their own actions
        workflow.move_action(action.pk, "close", by=owner, expected_version=action.version)
    action = workflow.move_action(action.pk, "close", by=planning, expected_version=action.version)
    assert action.state == FollowUpAction.State.CLOSED and action.closed_by == planning
    assert not action.is_overdue(date(2026, 5, 1))
    assert [e.action for e in action.events.all()] == ["assigned", "saved", "done", "returned", "saved", "done",
                                                      "closed"]


@pytest.mark.django_db
def test_other_offices_cannot_touch_anything(issue, recommendation, other_office_planning, director):
    with pytest.raises(WorkflowError):
        workflow.save_report(issue.pk, by=other_office_planning, expected_version=issue.version, text="x")
    workflow.decide(recommendation.pk, by=director, decision="เห็นชอบ")
    with pytest.raises(WorkflowError):
        workflow.assign_action(recommendation.pk, by=other_office_planning, title="x", group=issue.group,
                               owner=issue.responsible, due_date=date(2026, 4, 30))
