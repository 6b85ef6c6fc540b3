from datetime import date

import pytest
from django.urls import reverse

from projects import workflow
from projects.models import QuarterlyReport

from ..conftest import form_data


@pytest.fixture
def in_window(monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: date(2026, 1, 5))


def url(project):
    return reverse("projects:report", args=[project.pk, 1])


def page_version(page: str) -> int:
    """The version the form page carries in its hidden field (as a browser would post it back)."""
    import re

    return int(re.search(r'name="version" value="(\d+)"', page).group(1))


def first_payload(project, page: str, **extra):
    """What the owner posts from a form page nobody saved yet (no record exists: GET writes nothing)."""
    return form_data(project, page_version(page), **extra)


def payload(report, **extra):
    return form_data(report.project, report.version, **extra)


@pytest.mark.django_db
def test_owner_saves_a_draft_then_is_told_what_is_missing_on_submit(client, owner, own_project, in_window):
    client.force_login(owner)
    page = client.get(url(own_project))
    assert page.status_code == 200
    assert not QuarterlyReport.objects.filter(project=own_project).exists()  # reading wrote nothing
    response = client.post(url(own_project), first_payload(own_project, page.content.decode(), outputs="ครึ่งทาง"))
    assert response.status_code == 302
    report = QuarterlyReport.objects.get(project=own_project)
    assert report.outputs == "ครึ่งทาง" and report.state == "draft"
    response = client.post(url(own_project), payload(report, action="submit"))
    assert response.status_code == 400
    assert "กรุณากรอกงบประมาณที่ใช้ในไตรมาสนี้" in response.content.decode()
    # The failed submission still saved the draft (new version): a post based on the old version conflicts.
    response = client.post(url(own_project), payload(report, action="submit", spent_this_quarter="100"))
    assert response.status_code == 409
    report.refresh_from_db()
    assert report.state == "draft" and report.spent_this_quarter is None


@pytest.mark.django_db
def test_submit_then_planning_verifies_and_the_owner_sees_why_it_is_locked(client, owner, planning, own_project,
                                                                           in_window):
    client.force_login(owner)
    page = client.get(url(own_project)).content.decode()
    activity = own_project.activities.get()
    response = client.post(url(own_project), first_payload(own_project, page, action="submit",
                                                           spent_this_quarter="1500.50", **{
        f"act-{activity.pk}-status": "done", f"act-{activity.pk}-description": "อบรมครู 40 คน"}))
    assert response.status_code == 302
    report = QuarterlyReport.objects.get(project=own_project)
    assert report.state == "submitted" and report.timeliness == "late"  # the real clock is past 9 Jan 2026
    page = client.get(url(own_project)).content.decode()
    assert "ติดต่อกลุ่มนโยบายและแผนหากต้องแก้ไข" in page
    client.force_login(planning)
    response = client.post(url(own_project), {"action": "verify", "version": report.version})
    assert response.status_code == 302
    assert QuarterlyReport.objects.get(pk=report.pk).state == "verified"


@pytest.mark.django_db
def test_stale_review_gets_a_conflict(client, planning, director, own_project, owner, in_window):
    report = workflow.get_or_create_report(own_project, own_project.fiscal_year.quarters.get(number=1))
    line = report.activity_progress.get()
    report = workflow.save_form(report.pk, by=owner, expected_version=report.version,
                                fields={"spent_this_quarter": 0},
                                activities={line.pk: {"status": "done", "description": "ทำแล้ว"}}, results={})
    report = workflow.submit(report.pk, by=owner, expected_version=report.version)
    client.force_login(planning)
    client.post(url(own_project), {"action": "verify", "version": report.version})
    client.force_login(director)
    response = client.post(url(own_project), {"action": "return", "version": report.version, "reason": "x"})
    assert response.status_code == 409
    assert QuarterlyReport.objects.get(pk=report.pk).state == "verified"


@pytest.mark.django_db
def test_other_groups_owner_cannot_open_the_form(client, other_owner, own_project):
    client.force_login(other_owner)
    assert client.get(url(own_project)).status_code == 404
    assert client.post(url(own_project), {"action": "save"}).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "name", "status"), [
    ("planning", "projects:review_queue", 200), ("owner", "projects:review_queue", 403),
    ("director", "projects:approval_queue", 200), ("planning", "projects:approval_queue", 403),
    ("owner", "projects:my_forms", 200), ("committee", "projects:quarter_overview", 200),
])
def test_queue_access(client, request, own_project, role, name, status):
    client.force_login(request.getfixturevalue(role))
    assert client.get(reverse(name), {"fy": 2569}).status_code == status


@pytest.mark.django_db
def test_bulk_verify(client, planning, owner, own_project, group_project, in_window):
    reports = []
    for project in (own_project, group_project):
        project.owners.add(owner)
        report = workflow.get_or_create_report(project, project.fiscal_year.quarters.get(number=1))
        line = report.activity_progress.get()
        report = workflow.save_form(report.pk, by=owner, expected_version=report.version,
                                    fields={"spent_this_quarter": 0},
                                    activities={line.pk: {"status": "done", "description": "ทำแล้ว"}}, results={})
        reports.append(workflow.submit(report.pk, by=owner, expected_version=report.version))
    client.force_login(planning)
    response = client.post(reverse("projects:bulk_action"), {
        "action": "verify", "report": [f"{r.pk}:{r.version}" for r in reports]})
    assert response.status_code == 302
    assert set(QuarterlyReport.objects.values_list("state", flat=True)) == {"verified"}


@pytest.mark.django_db
def test_queues_use_a_bounded_number_of_queries(client, planning, fy, promo_group, owner, in_window,
                                                django_assert_max_num_queries):
    from .conftest import make_project

    for n in range(15):
        project = make_project(fy, promo_group, f"Q{n}", owners=[owner])
        workflow.get_or_create_report(project, fy.quarters.get(number=1))
    QuarterlyReport.objects.update(state="submitted")
    client.force_login(planning)
    with django_assert_max_num_queries(15):
        assert client.get(reverse("projects:review_queue"), {"fy": 2569}).status_code == 200
    with django_assert_max_num_queries(15):
        assert client.get(reverse("projects:quarter_overview"), {"fy": 2569, "q": 1}).status_code == 200


@pytest.mark.django_db
def test_changes_made_around_the_workflow_still_show_in_the_history(client, planning, own_project):
    report = workflow.get_or_create_report(own_project, own_project.fiscal_year.quarters.get(number=1))
    QuarterlyReport.objects.filter(pk=report.pk).update(problems="แก้ไขตรงในฐานข้อมูล")
    client.force_login(planning)
    history = client.get(url(own_project)).content.decode().split('id="history"')[1]
    assert "แก้ไขโดยตรงในฐานข้อมูล" in history and "ปัญหาอุปสรรค: แก้ไขตรงในฐานข้อมูล" in history


@pytest.mark.django_db
def test_the_form_page_queries_do_not_grow_with_lines(client, owner, own_project, indicator, fy,
                                                      django_assert_max_num_queries):
    from decimal import Decimal

    from plans.models import Indicator
    from projects.models import Activity

    for number in range(2, 22):
        Activity.objects.create(project=own_project, order=number, name=f"กิจกรรม {number}", quarters=[1])
        extra = Indicator.objects.create(fiscal_year=fy, code=f"K{number}", name="ตัวชี้วัด", unit="ร้อยละ")
        own_project.indicator_targets.create(indicator=extra, target_value=Decimal("50"))
    client.force_login(owner)
    client.get(url(own_project))  # creates the form and its lines
    with django_assert_max_num_queries(32):  # constant: 21 activity and 21 indicator lines here
        response = client.get(url(own_project))
    assert response.status_code == 200 and response.content.decode().count("act-") >= 60


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["owner", "committee", "planning", "director"])
def test_reading_a_form_nobody_saved_writes_nothing(client, own_project, in_window, who, request):
    """GET never writes: the form's record (and its lines) is made on the first save, not on a visit."""
    from projects.models import ActivityProgress, IndicatorResult

    client.force_login(request.getfixturevalue(who))
    for number in (1, 2, 3, 4):
        # Committee members read approved forms only: a form nobody saved is not found for them.
        want = 404 if who == "committee" else 200
        assert client.get(reverse("projects:report", args=[own_project.pk, number])).status_code == want
    assert not QuarterlyReport.objects.exists()
    assert not ActivityProgress.objects.exists() and not IndicatorResult.objects.exists()


@pytest.mark.django_db
def test_a_user_who_may_not_fill_a_form_nobody_saved_is_refused_and_nothing_is_written(client, other_owner,
                                                                                        own_project, in_window):
    client.force_login(other_owner)
    page = client.get(url(own_project))
    assert page.status_code in (403, 404)  # another group's project: not even shown
    response = client.post(url(own_project), {"action": "save", "version": "1"})
    assert response.status_code in (403, 404)
    assert not QuarterlyReport.objects.exists()
