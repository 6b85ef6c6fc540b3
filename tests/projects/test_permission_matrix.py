"""Every quarterly-form view × every role × a project of the user's own group or of another group.

Expected outcomes: 200/302 allowed, 403 seen but not allowed, 404 not even visible,
302 to the login page for anonymous visitors. Refused requests leave the form unchanged.
"""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from projects import workflow
from reviews.evidence import store
from projects.models import QuarterlyReport, ReportEvidence

from ..conftest import submit_q1

BANGKOK = ZoneInfo("Asia/Bangkok")
ROLES = ["owner", "other_owner", "group_head", "planning", "director", "finance", "committee", "administrator",
         "other_office_planning", "anonymous"]
PROJECTS = ["own", "other"]
# Who sees and who fills a project of the promo group owned by `owner` ("own") or of the
# supervision group owned by `other_owner` ("other").
SEES = {"owner": {"own"}, "group_head": {"own"}, "other_owner": {"other"}, "planning": {"own", "other"},
        "director": {"own", "other"}, "finance": {"own", "other"}, "committee": {"own", "other"},
        "administrator": {"own", "other"}}
FILLS = {"owner": {"own"}, "group_head": {"own"}, "other_owner": {"other"}, "planning": {"own", "other"},
         "director": {"own", "other"}, "administrator": {"own", "other"}}
# Form actions: the state the form is put in first, and the roles allowed to act.
ACTIONS = {
    "save": ("draft", None),
    "submit": ("draft", None),
    "verify": ("submitted", {"planning"}),
    "return": ("submitted", {"planning", "director"}),
    "approve": ("verified", {"director"}),
    "reopen": ("approved", {"planning", "administrator"}),
    "exception": ("draft", {"planning", "administrator"}),
}


# Committee members sit outside the office: of the forms they read approved ones only (others are not found).
FINAL_ONLY = {"committee"}


def expected(role, project_key, allowed, state="approved"):
    if role == "anonymous":
        return 302
    if project_key not in SEES.get(role, set()) or (role in FINAL_ONLY and state != "approved"):
        return 404
    return 302 if role in allowed else 403


@pytest.fixture
def projects(own_project, other_group_project):
    return {"own": own_project, "other": other_group_project}


@pytest.fixture
def users(request):
    return {name: (None if name == "anonymous" else request.getfixturevalue(name)) for name in ROLES}


def put_in_state(project, state, users):
    quarter = project.fiscal_year.quarters.get(number=1)
    report = workflow.get_or_create_report(project, quarter)
    if state == "draft":
        return report
    report = submit_q1(project, project.owners.get(), datetime(2026, 1, 5, 10, tzinfo=BANGKOK))
    if state in ("verified", "approved"):
        report = workflow.verify(report.pk, by=users["planning"], expected_version=report.version)
    if state == "approved":
        report = workflow.approve(report.pk, by=users["director"], expected_version=report.version)
    return report


def form_post(report, action, project):
    data = {"action": action, "version": report.version, "reason": "เหตุผล"}
    if action in ("save", "submit"):
        line = report.activity_progress.get()
        data.update({"spent_this_quarter": "0", "outputs": "ผลผลิต", "outcomes": "", "problems": "",
                     "suggestions": "", f"act-{line.activity_id}-status": "done", f"act-{line.activity_id}-percent": "",
                     f"act-{line.activity_id}-description": "เสร็จ"})
    if action == "exception":
        data.update({"user": project.owners.get().pk, "until": "20/3/2569"})
    return data


@pytest.mark.django_db
@pytest.mark.parametrize("action", list(ACTIONS))
@pytest.mark.parametrize("project_key", PROJECTS)
@pytest.mark.parametrize("role", ROLES)
def test_form_actions(client, monkeypatch, users, projects, role, project_key, action):
    state, allowed = ACTIONS[action]
    project = projects[project_key]
    report = put_in_state(project, state, users)
    # Submissions happen inside the Q1 window; exceptions after it closed.
    today = date(2026, 3, 2) if action == "exception" else date(2026, 1, 5)
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: today)
    if allowed is None:
        allowed = {name for name, keys in FILLS.items() if project_key in keys}
    if users[role] is not None:
        client.force_login(users[role])
    before = QuarterlyReport.objects.get(pk=report.pk)
    response = client.post(reverse("projects:report", args=[project.pk, 1]), form_post(report, action, project))
    want = expected(role, project_key, allowed, state)
    assert response.status_code == want, (role, project_key, action, response.content.decode()[:300])
    after = QuarterlyReport.objects.get(pk=report.pk)
    if want == 302 and role != "anonymous":
        if action == "exception":  # granted beside the form, which stays as it was
            assert project.lock_exceptions.filter(granted_by=users[role]).exists()
        else:
            assert after.version > before.version
    else:
        assert (after.state, after.version) == (before.state, before.version)
        assert not project.lock_exceptions.exists()
    if role == "anonymous":
        assert response.url.startswith(reverse("login"))


@pytest.mark.django_db
@pytest.mark.parametrize("state", ["draft", "approved"])
@pytest.mark.parametrize("project_key", PROJECTS)
@pytest.mark.parametrize("role", ROLES)
def test_reading_the_form_and_its_evidence(client, users, projects, role, project_key, state):
    project = projects[project_key]
    report = put_in_state(project, state, users)
    evidence = ReportEvidence.objects.create(
        report=report, kind="file", title="หลักฐาน.pdf", content_type="application/pdf", size=9,
        stored_name=store(SimpleUploadedFile("x", b"%PDF-1.4\n")))
    if users[role] is not None:
        client.force_login(users[role])
    sees = project_key in SEES.get(role, set()) and (role not in FINAL_ONLY or state == "approved")
    want = 302 if role == "anonymous" else (200 if sees else 404)
    page = client.get(reverse("projects:report", args=[project.pk, 1]))
    assert page.status_code == want
    assert client.get(reverse("projects:evidence", args=[evidence.pk])).status_code == want
    if want == 200:  # the history (saves, returns, reasons) is for the office, not for committee members
        assert ('id="history"' in page.content.decode()) == (role not in FINAL_ONLY), role


QUEUES = {
    # view: roles allowed (others 403); everyone signed in may open "my forms" and the overview.
    "projects:my_forms": set(ROLES) - {"anonymous"},
    "projects:quarter_overview": set(ROLES) - {"anonymous"},
    # Planning staff of the other office open their own (empty) queue; they never see this office's forms.
    "projects:review_queue": {"planning", "other_office_planning"},
    "projects:approval_queue": {"director"},
    "projects:disbursements": {"planning", "director", "finance", "administrator", "other_office_planning"},
}


@pytest.mark.django_db
@pytest.mark.parametrize("view", list(QUEUES))
@pytest.mark.parametrize("role", ROLES)
def test_lists(client, users, projects, role, view):
    for project in projects.values():
        put_in_state(project, "submitted", users)
    if users[role] is not None:
        client.force_login(users[role])
    response = client.get(reverse(view), {"fy": 2569, "q": 1})
    want = 302 if role == "anonymous" else (200 if role in QUEUES[view] else 403)
    assert response.status_code == want
    if want == 200:
        html = response.content.decode()
        seen = {key for key, project in projects.items() if f">{project.code}" in html or f"{project.code} " in html}
        visible = SEES.get(role, set())
        if view == "projects:my_forms":
            visible = FILLS.get(role, set())
        assert seen <= visible, (role, view, seen)
        if view in ("projects:quarter_overview", "projects:review_queue"):  # both list every submitted form
            assert seen == visible, (role, view, seen)


@pytest.mark.django_db
@pytest.mark.parametrize(("action", "state"), [("verify", "submitted"), ("approve", "verified")])
@pytest.mark.parametrize("role", ROLES)
def test_bulk_actions(client, users, projects, role, action, state):
    reports = [put_in_state(project, state, users) for project in projects.values()]
    if users[role] is not None:
        client.force_login(users[role])
    response = client.post(reverse("projects:bulk_action"),
                           {"action": action, "report": [f"{r.pk}:{r.version}" for r in reports]})
    allowed = {"verify": "planning", "approve": "director"}[action]
    if role == "other_office_planning" and action == "verify":
        assert response.status_code == 302  # their queue, but these forms are not theirs: nothing happens
    elif role == "anonymous":
        assert response.status_code == 302 and response.url.startswith(reverse("login"))
    elif role == allowed:
        assert response.status_code == 302
        assert {r.state for r in QuarterlyReport.objects.all()} == {"verified" if action == "verify" else "approved"}
        return
    else:
        assert response.status_code == 403
    assert {r.state for r in QuarterlyReport.objects.all()} == {state}
