"""Every inspection and monitoring screen × every role: 200/302 allowed, 403 seen but not allowed, 404 not
visible, 302 to the login page for anonymous visitors. Refused moves leave the item unchanged.

The issue and its action belong to the promotion group (owner = `owner`, the group's head = `group_head`)."""

from datetime import date

import pytest
from django.urls import reverse

from inspections import workflow
from inspections.models import FollowUpAction, InspectionIssue, MonitoringResult

from .test_workflow import pdf

ROLES = ["owner", "other_owner", "group_head", "planning", "director", "finance", "committee", "administrator",
         "other_office_planning", "anonymous"]
OFFICE = set(ROLES) - {"other_office_planning", "anonymous"}
SEES_ISSUE = {"owner", "group_head", "planning", "director", "finance", "committee", "administrator"}
BOARD = {"group_head", "planning", "director", "committee", "administrator"}
REPORTS = {"planning", "director", "committee", "administrator"}
# Committee members sit outside the office: they read approved issue reports and results and closed actions only;
# the issue, action and result here are not finished, so they are not found (404).
SEES_UNFINISHED = SEES_ISSUE - {"committee"}


@pytest.fixture
def users(request):
    return {name: (None if name == "anonymous" else request.getfixturevalue(name)) for name in ROLES}


@pytest.fixture
def items(issue, recommendation, director, planning, promo_group, owner, indicator, fy):
    workflow.decide(recommendation.pk, by=director, decision="เห็นชอบ")
    action = workflow.assign_action(recommendation.pk, by=planning, title="พัฒนาระบบ", group=promo_group,
                                    owner=owner, due_date=date(2026, 4, 30))
    from inspections.models import Assignment

    Assignment.objects.create(fiscal_year=fy, indicator=indicator, responsible=owner, group=promo_group)
    monitoring_round = workflow.open_monitoring_round(fy, by=planning, title="รอบ 6 เดือน", due_date=date(2026, 4, 10))
    from inspections import meetings

    meeting = meetings.save_meeting(monitoring_round, by=planning, values={
        "kind": "briefing", "date": date(2026, 3, 2), "attendees": "นายสมชาย ใจดี", "minutes": "", "decisions": ""})
    return {"issue": issue, "action": action, "round": issue.round, "monitoring": monitoring_round,
            "result": MonitoringResult.objects.get(), "meeting": meeting}


def status(client, user, url):
    if user is not None:
        client.force_login(user)
    return client.get(url).status_code


def view_expectation(role, visible_to):
    if role == "anonymous":
        return 302
    return 200 if role in visible_to else 404


PAGES = {
    # The other office has no fiscal year: its planning staff are sent to create one (302).
    "rounds": (lambda i: reverse("inspections:rounds") + "?fy=2569",
               lambda r: 302 if r in ("anonymous", "other_office_planning") else 200),
    "round": (lambda i: reverse("inspections:round", args=[i["round"].pk]), lambda r: view_expectation(r, OFFICE)),
    "issue": (lambda i: reverse("inspections:issue", args=[i["issue"].pk]),
              lambda r: view_expectation(r, SEES_UNFINISHED)),
    "action": (lambda i: reverse("inspections:action", args=[i["action"].pk]),
               lambda r: view_expectation(r, SEES_UNFINISHED)),
    "board": (lambda i: reverse("inspections:board") + "?fy=2569",
              lambda r: 302 if r in ("anonymous", "other_office_planning") else (200 if r in BOARD else 403)),
    "round_pdf": (lambda i: reverse("inspections:round_report", args=[i["round"].pk, "pdf"]),
                  lambda r: 302 if r == "anonymous" else 404 if r not in OFFICE else 200 if r in REPORTS else 403),
    "mine": (lambda i: reverse("inspections:mine"), lambda r: 302 if r == "anonymous" else 200),
    "monitoring_round": (lambda i: reverse("inspections:monitoring_round", args=[i["monitoring"].pk]),
                         lambda r: view_expectation(r, OFFICE)),
    "result": (lambda i: reverse("inspections:result", args=[i["result"].pk]),
               lambda r: view_expectation(r, SEES_UNFINISHED)),
    "monitoring_xlsx": (lambda i: reverse("inspections:monitoring_export", args=[i["monitoring"].pk, "xlsx"]),
                        lambda r: 302 if r == "anonymous" else 404 if r not in OFFICE else 200 if r in REPORTS
                        else 403),
    # Issue 17: meetings (planning records, the office reads), the ZIP for OBEC (409 until every result is
    # approved: none is here), the inspecting bodies (each user's own office's list).
    "meeting": (lambda i: reverse("inspections:meeting", args=[i["meeting"].pk]), lambda r: view_expectation(r, OFFICE)),
    "meeting_pdf": (lambda i: reverse("inspections:meeting_pdf", args=[i["meeting"].pk]),
                    lambda r: view_expectation(r, OFFICE)),
    "meeting_new": (lambda i: reverse("inspections:meeting_new", args=[i["monitoring"].pk]),
                    lambda r: 302 if r == "anonymous" else 404 if r not in OFFICE else 200 if r in MANAGE else 403),
    "obec_zip": (lambda i: reverse("inspections:obec_bundle", args=[i["monitoring"].pk]),
                 lambda r: 302 if r == "anonymous" else 404 if r not in OFFICE else 409 if r in REPORTS else 403),
    "record_sending_get": (lambda i: reverse("inspections:record_sending", args=[i["monitoring"].pk]),
                           lambda r: 302 if r == "anonymous" else 405),
    "bodies": (lambda i: reverse("inspections:bodies"), lambda r: 302 if r == "anonymous" else 200),
}
MANAGE = {"planning", "administrator"}


@pytest.mark.django_db
@pytest.mark.parametrize("page", list(PAGES))
@pytest.mark.parametrize("role", ROLES)
def test_who_sees_what(client, monkeypatch, users, items, role, page):
    # Who may read the round's PDF is decided before it is drawn: the matrix skips the drawing
    # (test_views.py::test_round_follow_up_report_as_pdf_and_excel renders and reads the real one).
    monkeypatch.setattr("inspections.report.pdf", lambda inspection_round, **options: (b"%PDF-1.4 not drawn", 1))
    monkeypatch.setattr("inspections.meetings.pdf", lambda meeting: b"%PDF-1.4 not drawn")
    url, expect = PAGES[page]
    assert status(client, users[role], url(items)) == expect(role)


MOVES = {
    # name: (how to prepare the item, the POST, who may)
    "verify_issue": ("issue", "submitted", {"op": "verify"}, {"planning"}),
    "approve_issue": ("issue", "verified", {"op": "approve"}, {"director"}),
    "return_issue": ("issue", "submitted", {"op": "return", "reason": "เพิ่มข้อมูล"}, {"planning", "director"}),
    "close_action": ("action", "done", {"op": "close"}, {"planning"}),
    "done_action": ("action", "in_progress", {"op": "done"}, {"owner", "group_head"}),
    "assign": ("issue", "draft", {"op": "assign", "title": "x", "due_date": "30/04/2569"}, {"planning",
                                                                                         "administrator"}),
}


@pytest.mark.django_db
@pytest.mark.parametrize("move", list(MOVES))
@pytest.mark.parametrize("role", ROLES)
def test_who_may_move_what(client, users, items, owner, planning, role, move, promo_group):
    kind, state, data, allowed = MOVES[move]
    item = items[kind]
    if kind == "issue" and state != "draft":
        item = workflow.save_report(item.pk, by=owner, expected_version=item.version, text="รายงาน")
        item = workflow.move_issue(item.pk, "submit", by=owner, expected_version=item.version)
        if state == "verified":
            item = workflow.move_issue(item.pk, "verify", by=planning, expected_version=item.version)
    if kind == "action":
        item = workflow.follow_up(item.pk, by=owner, expected_version=item.version, text="ทำแล้ว", files=pdf())
        if state == "done":
            item = workflow.move_action(item.pk, "done", by=owner, expected_version=item.version)
    model = InspectionIssue if kind == "issue" else FollowUpAction
    before = model.objects.get(pk=item.pk)
    data = {**data, "version": item.version}
    if move == "assign":
        data.update({"recommendation": item.recommendations.get().pk, "group": promo_group.pk, "owner": owner.pk})
    url = reverse(f"inspections:{kind}", args=[item.pk])
    user = users[role]
    if user is not None:
        client.force_login(user)
    code = client.post(url, data).status_code
    after = model.objects.get(pk=item.pk)
    sees = SEES_UNFINISHED  # none of the items is finished: committee members do not find them
    if role == "anonymous":
        assert code == 302 and after.version == before.version
    elif role not in sees:
        assert code == 404 and after.version == before.version
    elif role in allowed:
        assert code == 302
        if move == "assign":
            assert FollowUpAction.objects.count() == 2
        else:
            assert after.version == before.version + 1
    else:
        assert code == 403, (role, move, code)
        assert after.version == before.version and after.state == before.state


@pytest.mark.django_db
def test_committee_reads_an_approved_issue_report_and_its_evidence_but_not_its_history(
        client, items, owner, planning, director, committee):
    issue = workflow.save_report(items["issue"].pk, by=owner, expected_version=items["issue"].version,
                                 text="รายงานของสำนักงาน", files=pdf())
    url = reverse("inspections:issue", args=[issue.pk])
    client.force_login(committee)
    for name, by in (("submit", owner), ("verify", planning)):
        issue = workflow.move_issue(issue.pk, name, by=by, expected_version=issue.version)
        assert client.get(url).status_code == 404, name  # not approved yet
    issue = workflow.move_issue(issue.pk, "approve", by=director, expected_version=issue.version)
    page = client.get(url)
    assert page.status_code == 200
    assert "รายงานของสำนักงาน" in page.content.decode() and 'id="history"' not in page.content.decode()
    evidence = issue.evidence.get()
    assert client.get(reverse("inspections:evidence", args=["issue", evidence.pk])).status_code == 200


# Issue 17: the writes of meetings, the sending to OBEC and the inspecting bodies, role by role.
WRITES = {
    # name: (url, post, who may: a 302, everyone else of the office a 403, other office 404)
    "record_meeting": (lambda i: reverse("inspections:meeting_new", args=[i["monitoring"].pk]),
                       {"kind": "data_check", "date": "05/03/2569", "attendees": "นางสาวพิมพ์ชนก"}, MANAGE),
    "correct_meeting": (lambda i: reverse("inspections:meeting", args=[i["meeting"].pk]),
                        {"kind": "briefing", "date": "02/03/2569", "attendees": "นายสมชาย ใจดี", "decisions": "มติ"},
                        MANAGE),
    "record_sending": (lambda i: reverse("inspections:record_sending", args=[i["monitoring"].pk]),
                       {"sent_on": "20/04/2569", "letter_number": "ศธ 04123/456"}, MANAGE),
    "add_body": (lambda i: reverse("inspections:bodies"),
                 {"code": "ombudsman", "name": "ผู้ตรวจการแผ่นดิน", "layout": "pmo", "order": 5, "is_active": "on"},
                 MANAGE | {"other_office_planning"}),  # (each planning adds to their own office's list)
}


def _written(name):
    from inspections.models import InspectingBody, MonitoringMeeting, RoundSending

    return {"record_meeting": lambda: MonitoringMeeting.objects.count(),
            "correct_meeting": lambda: MonitoringMeeting.objects.filter(decisions="มติ").count(),
            "record_sending": lambda: RoundSending.objects.count(),
            "add_body": lambda: InspectingBody.objects.filter(code="ombudsman").count()}[name]()


@pytest.mark.django_db
@pytest.mark.parametrize("write", list(WRITES))
@pytest.mark.parametrize("role", ROLES)
def test_who_may_record_meetings_sendings_and_bodies(client, users, items, owner, planning, director, role, write):
    url, data, allowed = WRITES[write]
    if write == "record_sending":  # the round is ready: its one result approved
        result = items["result"]
        result = workflow.save_result(result.pk, by=owner, expected_version=result.version, value=95, narrative="ครบ")
        for name, by in (("submit", owner), ("verify", planning), ("approve", director)):
            result = workflow.move_result(result.pk, name, by=by, expected_version=result.version)
        data = {**data, "sent_by": planning.pk}
    before = _written(write)
    user = users[role]
    if user is not None:
        client.force_login(user)
    code = client.post(url(items), data).status_code
    if role == "anonymous":
        assert code == 302
    elif role in allowed:
        assert code == 302, (role, write, code)
        assert _written(write) == before + 1
        return
    elif write == "add_body":
        assert code == 403  # every user reads an office list of their own; only planning adds to it
    elif role not in OFFICE:
        assert code == 404, (role, write, code)
    else:
        assert code == 403, (role, write, code)
    assert _written(write) == before
