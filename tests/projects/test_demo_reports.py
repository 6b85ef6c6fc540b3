"""The demo seed gives the live year's ended quarters forms in every workflow state, with finance figures,
idempotently (seeded as of 20 May 2027: FY 2570, Q1 and Q2 ended, Q3 live)."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import F

from projects import workflow
from projects.models import Disbursement, Project, QuarterlyReport, ReportEvent, ReportRevision
from reminders.models import Message

State = QuarterlyReport.State


def _counts():
    return (QuarterlyReport.objects.count(), ReportEvent.objects.count(), Disbursement.objects.count())


@pytest.mark.django_db
def test_seed_demo_gives_q1_forms_in_every_state_and_is_idempotent():
    call_command("seed_demo", "--today", "2027-05-20", stdout=StringIO())
    q1 = QuarterlyReport.objects.filter(project__office__code="SPM12", quarter__fiscal_year__year=2570,
                                        quarter__number=1)
    assert set(q1.values_list("state", flat=True)) == set(State.values)
    assert set(q1.exclude(state=State.DRAFT).values_list("timeliness", flat=True)) == set(
        QuarterlyReport.Timeliness.values)
    projects = Project.objects.filter(office__code="SPM12", fiscal_year__year=2570)
    assert projects.exclude(reports__quarter__number=1).exists()
    assert not Message.objects.exists()  # replaying the past e-mails nobody
    assert not ReportRevision.objects.filter(old_version=F("new_version")).exists()
    returned = q1.filter(state=State.RETURNED)
    assert all(report.return_reason.strip() for report in returned)
    for report in q1.exclude(state=State.DRAFT):
        assert report.submitted_at and report.submitted_by_id
        assert workflow.missing_for_submission(report) == []
    assert q1.filter(state=State.APPROVED).exclude(approved_at__year=2027, approved_at__month=1).count() == 0
    disbursements = Disbursement.objects.filter(quarter__in=q1.values("quarter"))
    assert disbursements.exists()
    spent = dict(q1.values_list("project_id", "spent_this_quarter"))
    assert any(d.amount != spent.get(d.project_id) for d in disbursements)
    assert QuarterlyReport.objects.filter(project__office__code="SPM12", quarter__fiscal_year__year=2570,
                                          quarter__number=2).exclude(state=State.DRAFT).exists()

    before = _counts()
    call_command("seed_demo", "--today", "2027-05-20", stdout=StringIO())
    assert _counts() == before
