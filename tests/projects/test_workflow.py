"""The quarterly form's state machine: every allowed and forbidden transition, timeliness, history."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from projects import workflow
from projects.models import ActivityProgress, Disbursement, QuarterlyReport, ReportEvent, ReportRevision

BKK = ZoneInfo("Asia/Bangkok")
State = QuarterlyReport.State


@pytest.fixture
def q1(fy):
    return fy.quarters.get(number=1)  # FY 2569 Q1: ends 31 Dec 2025, due Fri 9 Jan 2026


@pytest.fixture
def today_in_window(monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: date(2026, 1, 5))


@pytest.fixture
def report(own_project, q1, indicator):
    own_project.indicator_targets.create(indicator=indicator, target_value=90)
    return workflow.get_or_create_report(own_project, q1)


def fill_completely(report, user):
    lines = {line.pk: {"status": "done", "percent": 100, "description": "จัดอบรมครบ"}
             for line in report.activity_progress.all()}
    results = {line.pk: {"value": Decimal("85")} for line in report.indicator_results.all()}
    return workflow.save_form(report.pk, by=user, expected_version=report.version,
                              fields={"spent_this_quarter": Decimal("12000.50"), "outputs": "ครูได้รับการอบรม"},
                              activities=lines, results=results)


def submit(report, user, when):
    return workflow.submit(report.pk, by=user, expected_version=report.version, now=when)


@pytest.mark.django_db
def test_form_has_a_line_per_activity_and_indicator(report):
    assert report.activity_progress.count() == 1
    assert report.indicator_results.count() == 1
    assert report.state == State.DRAFT


@pytest.mark.django_db
def test_incomplete_form_cannot_be_submitted(report, owner, today_in_window):
    with pytest.raises(workflow.WorkflowError, match="งบประมาณ|budget"):
        submit(report, owner, datetime(2026, 1, 5, 10, tzinfo=BKK))
    assert QuarterlyReport.objects.get(pk=report.pk).state == State.DRAFT


@pytest.mark.django_db
def test_submission_on_the_due_day_at_23_59_is_on_time(report, owner, today_in_window):
    report = fill_completely(report, owner)
    report = submit(report, owner, datetime(2026, 1, 9, 23, 59, tzinfo=BKK))
    assert report.state == State.SUBMITTED
    assert report.timeliness == QuarterlyReport.Timeliness.ON_TIME


@pytest.mark.django_db
def test_late_is_stamped_once_and_a_late_form_is_accepted(report, owner, planning, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: date(2026, 1, 10))
    report = fill_completely(report, owner)
    report = submit(report, owner, datetime(2026, 1, 10, 0, 0, 1, tzinfo=BKK))
    assert report.timeliness == QuarterlyReport.Timeliness.LATE
    first = report.first_submitted_at
    report = workflow.return_report(report.pk, by=planning, expected_version=report.version, reason="แก้ตัวเลข")
    report = submit(report, owner, datetime(2026, 1, 12, 9, tzinfo=BKK))
    assert report.timeliness == QuarterlyReport.Timeliness.LATE
    assert report.first_submitted_at == first


@pytest.mark.django_db
def test_full_cycle_and_history(report, owner, planning, director, today_in_window):
    report = fill_completely(report, owner)
    report = submit(report, owner, datetime(2026, 1, 6, 9, tzinfo=BKK))
    report = workflow.return_report(report.pk, by=planning, expected_version=report.version, reason="ขาดหลักฐาน")
    assert report.state == State.RETURNED and report.return_reason == "ขาดหลักฐาน"
    report = workflow.save_form(report.pk, by=owner, expected_version=report.version,
                                fields={"outputs": "แนบหลักฐานแล้ว"}, activities={}, results={})
    report = submit(report, owner, datetime(2026, 1, 7, 9, tzinfo=BKK))
    report = workflow.verify(report.pk, by=planning, expected_version=report.version)
    report = workflow.approve(report.pk, by=director, expected_version=report.version)
    assert report.state == State.APPROVED and report.is_locked
    actions = list(report.events.values_list("action", flat=True))
    assert actions == ["saved", "submitted", "returned", "saved", "submitted", "verified", "approved"]
    returned = report.events.get(action="returned")
    assert returned.actor == planning and returned.reason == "ขาดหลักฐาน"
    assert report.events.filter(action="saved").last().changes["outputs"] == ["ครูได้รับการอบรม", "แนบหลักฐานแล้ว"]


@pytest.mark.django_db
def test_owner_cannot_edit_after_submit_and_is_told_why(report, owner, today_in_window):
    report = fill_completely(report, owner)
    report = submit(report, owner, datetime(2026, 1, 6, 9, tzinfo=BKK))
    with pytest.raises(workflow.WorkflowError, match="นโยบายและแผน|planning group"):
        workflow.save_form(report.pk, by=owner, expected_version=report.version,
                           fields={"outputs": "แก้"}, activities={}, results={})


@pytest.mark.django_db
def test_approved_form_is_locked_and_reopening_needs_planning_and_a_reason(report, owner, planning, director,
                                                                           today_in_window):
    report = fill_completely(report, owner)
    report = submit(report, owner, datetime(2026, 1, 6, 9, tzinfo=BKK))
    report = workflow.verify(report.pk, by=planning, expected_version=report.version)
    report = workflow.approve(report.pk, by=director, expected_version=report.version)
    with pytest.raises(workflow.WorkflowError):
        workflow.save_form(report.pk, by=owner, expected_version=report.version, fields={}, activities={},
                           results={})
    with pytest.raises(workflow.WorkflowError):
        workflow.reopen(report.pk, by=owner, expected_version=report.version, reason="ขอแก้")
    with pytest.raises(workflow.WorkflowError):
        workflow.reopen(report.pk, by=planning, expected_version=report.version, reason="  ")
    report = workflow.reopen(report.pk, by=planning, expected_version=report.version, reason="ผอ. ขอแก้ไขตัวชี้วัด")
    assert report.state == State.RETURNED and report.approved_at is None
    assert report.events.last().action == "reopened" and report.events.last().reason == "ผอ. ขอแก้ไขตัวชี้วัด"


FORBIDDEN = [
    # (state to reach, function, role fixture)
    ("draft", "verify", "planning"),
    ("draft", "approve", "director"),
    ("draft", "return", "planning"),
    ("draft", "reopen", "planning"),
    ("submitted", "approve", "director"),
    ("submitted", "submit", "owner"),
    ("submitted", "verify", "director"),
    ("submitted", "verify", "owner"),
    ("submitted", "return", "owner"),
    ("submitted", "return", "finance"),
    ("verified", "verify", "planning"),
    ("verified", "approve", "planning"),
    ("verified", "submit", "owner"),
    ("approved", "return", "planning"),
    ("approved", "approve", "director"),
    ("approved", "reopen", "director"),
]


def reach(state, report, owner, planning, director):
    if state == "draft":
        return report
    report = fill_completely(report, owner)
    report = submit(report, owner, datetime(2026, 1, 6, 9, tzinfo=BKK))
    if state == "submitted":
        return report
    report = workflow.verify(report.pk, by=planning, expected_version=report.version)
    if state == "verified":
        return report
    return workflow.approve(report.pk, by=director, expected_version=report.version)


@pytest.mark.django_db
@pytest.mark.parametrize(("state", "action", "role"), FORBIDDEN)
def test_forbidden_transitions_change_nothing(request, report, owner, planning, director, today_in_window,
                                              state, action, role):
    report = reach(state, report, owner, planning, director)
    user = request.getfixturevalue(role)
    before = QuarterlyReport.objects.get(pk=report.pk)
    call = {
        "submit": lambda: workflow.submit(report.pk, by=user, expected_version=report.version),
        "verify": lambda: workflow.verify(report.pk, by=user, expected_version=report.version),
        "approve": lambda: workflow.approve(report.pk, by=user, expected_version=report.version),
        "return": lambda: workflow.return_report(report.pk, by=user, expected_version=report.version, reason="x"),
        "reopen": lambda: workflow.reopen(report.pk, by=user, expected_version=report.version, reason="x"),
    }[action]
    with pytest.raises(workflow.WorkflowError):
        call()
    after = QuarterlyReport.objects.get(pk=report.pk)
    assert (after.state, after.version) == (before.state, before.version)


@pytest.mark.django_db
def test_director_may_return_a_verified_form(report, owner, planning, director, today_in_window):
    report = reach("verified", report, owner, planning, director)
    report = workflow.return_report(report.pk, by=director, expected_version=report.version, reason="ตัวเลขไม่ตรง")
    assert report.state == State.RETURNED and report.verified_by is None


@pytest.mark.django_db
def test_returning_needs_a_reason(report, owner, planning, director, today_in_window):
    report = reach("submitted", report, owner, planning, director)
    with pytest.raises(workflow.WorkflowError):
        workflow.return_report(report.pk, by=planning, expected_version=report.version, reason=" ")


@pytest.mark.django_db
def test_stale_version_is_a_conflict_and_writes_nothing(report, owner, planning, director, today_in_window):
    report = reach("submitted", report, owner, planning, director)
    stale = report.version
    workflow.verify(report.pk, by=planning, expected_version=stale)
    with pytest.raises(workflow.ConflictError):
        workflow.return_report(report.pk, by=director, expected_version=stale, reason="x")
    assert QuarterlyReport.objects.get(pk=report.pk).state == State.VERIFIED


@pytest.mark.django_db
def test_window_closed_needs_an_exception(report, owner, planning, monkeypatch):
    closes = report.quarter.window_closes()
    after = closes + timedelta(days=1)
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: after)
    report = fill_completely(report, owner)
    when = datetime(after.year, after.month, after.day, 9, tzinfo=BKK)
    with pytest.raises(workflow.WorkflowError, match="ข้อยกเว้น|exception"):
        submit(report, owner, when)
    workflow.grant_exception(report.pk, by=planning, user=owner, until=after + timedelta(days=3), reason="ป่วย")
    report = submit(QuarterlyReport.objects.get(pk=report.pk), owner, when)
    assert report.state == State.SUBMITTED and report.timeliness == "late"
    assert report.events.filter(action="exception").exists()


@pytest.mark.django_db
def test_form_does_not_open_before_the_window(report, owner, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: date(2025, 11, 1))
    report = fill_completely(report, owner)
    with pytest.raises(workflow.WorkflowError):
        submit(report, owner, datetime(2025, 11, 1, 9, tzinfo=BKK))


@pytest.mark.django_db
def test_finance_records_disbursement_and_it_is_in_the_history(own_project, q1, finance, owner):
    workflow.record_disbursement(project=own_project, quarter=q1, amount=Decimal("30000.25"), by=finance)
    workflow.record_disbursement(project=own_project, quarter=q1, amount=Decimal("31000"), by=finance)
    assert Disbursement.objects.get(project=own_project, quarter=q1).amount == Decimal("31000")
    event = ReportEvent.objects.filter(action="disbursement").last()
    assert event.changes["disbursed"] == ["30000.25", "31000"] and event.actor == finance
    with pytest.raises(workflow.WorkflowError):
        workflow.record_disbursement(project=own_project, quarter=q1, amount=Decimal("1"), by=owner)
    with pytest.raises(workflow.WorkflowError):
        workflow.record_disbursement(project=own_project, quarter=q1, amount=Decimal("-1"), by=finance)


@pytest.mark.django_db
def test_bulk_updates_are_recorded_by_the_database(report):
    QuarterlyReport.objects.filter(pk=report.pk).update(problems="แก้ไขตรงในฐานข้อมูล", version=99)
    revision = ReportRevision.objects.filter(report_id=report.pk).last()
    assert revision.changed_fields()["problems"] == ("", "แก้ไขตรงในฐานข้อมูล")
    assert (revision.old_version, revision.new_version) == (1, 99)


@pytest.mark.django_db
def test_cumulative_spent_adds_quarters(own_project, fy, owner):
    q1, q2 = fy.quarters.get(number=1), fy.quarters.get(number=2)
    r1 = workflow.get_or_create_report(own_project, q1)
    r2 = workflow.get_or_create_report(own_project, q2)
    QuarterlyReport.objects.filter(pk=r1.pk).update(spent_this_quarter=Decimal("100.50"))
    QuarterlyReport.objects.filter(pk=r2.pk).update(spent_this_quarter=Decimal("200"))
    assert workflow.cumulative_spent(r2) == Decimal("300.50")
    assert workflow.cumulative_spent(r1) == Decimal("100.50")


@pytest.mark.django_db
def test_activity_in_progress_needs_a_percentage(report, owner, today_in_window):
    line = report.activity_progress.get()
    report = workflow.save_form(report.pk, by=owner, expected_version=report.version,
                                fields={"spent_this_quarter": Decimal("0")},
                                activities={line.pk: {"status": ActivityProgress.Status.IN_PROGRESS,
                                                      "description": "กำลังทำ"}},
                                results={r.pk: {"value": Decimal(1)} for r in report.indicator_results.all()})
    with pytest.raises(workflow.WorkflowError):
        submit(report, owner, datetime(2026, 1, 6, 9, tzinfo=BKK))


STATES = ["draft", "submitted", "returned", "verified", "approved"]
# action → (who does it, the states it starts from, where it ends)
MACHINE = {
    "submit": ("owner", {"draft", "returned"}, "submitted"),
    "verify": ("planning", {"submitted"}, "verified"),
    "approve": ("director", {"verified"}, "approved"),
    "return": ("planning", {"submitted", "verified"}, "returned"),
    "reopen": ("planning", {"approved"}, "returned"),
}


@pytest.mark.django_db
@pytest.mark.parametrize("action", list(MACHINE))
@pytest.mark.parametrize("state", STATES)
def test_every_state_and_action(request, report, owner, planning, director, today_in_window, state, action):
    """The whole table: each action from each state, by the role entitled to it, moves or is refused."""
    if state == "returned":
        report = reach("submitted", report, owner, planning, director)
        report = workflow.return_report(report.pk, by=planning, expected_version=report.version, reason="แก้")
    else:
        report = reach(state, report, owner, planning, director)
    if state == "draft":
        report = fill_completely(report, owner)
    role, sources, target = MACHINE[action]
    user = request.getfixturevalue(role)
    call = {
        "submit": lambda: workflow.submit(report.pk, by=user, expected_version=report.version),
        "verify": lambda: workflow.verify(report.pk, by=user, expected_version=report.version),
        "approve": lambda: workflow.approve(report.pk, by=user, expected_version=report.version),
        "return": lambda: workflow.return_report(report.pk, by=user, expected_version=report.version, reason="x"),
        "reopen": lambda: workflow.reopen(report.pk, by=user, expected_version=report.version, reason="x"),
    }[action]
    assert (action in workflow.allowed_actions(user, report)) == (state in sources)
    if state in sources:
        after = call()
        assert after.state == target and after.version == report.version + 1
        assert after.events.last().action == workflow.TRANSITIONS[action].action
    else:
        with pytest.raises(workflow.WorkflowError):
            call()
        after = QuarterlyReport.objects.get(pk=report.pk)
        assert (after.state, after.version) == (state, report.version)
