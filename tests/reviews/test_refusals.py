"""Defects of issue #12, each shown by a request: every save and move of every reviewed kind needs the version
it was made from (400 with the message when missing or not a number), a refusal has one status everywhere
(403 not allowed, 409 stale, 400 otherwise) and the page says why."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from inspections import workflow as inspection_workflow
from inspections.models import Assignment, FollowUpAction, MonitoringResult, MonitoringRound, Recommendation
from projects import workflow
from projects.models import QuarterlyReport

from ..conftest import form_data
from ..inspections.conftest import inspection_round, issue, recommendation  # noqa: F401 (fixtures)

VERSION_MESSAGE = "หน้านี้ไม่ได้ระบุฉบับ"  # Thai of "The page did not say which version it showed…"


@pytest.fixture
def result(fy, indicator, owner, promo_group, planning):
    Assignment.objects.create(fiscal_year=fy, indicator=indicator, responsible=owner, group=promo_group)
    inspection_workflow.open_monitoring_round(fy, by=planning, title="รอบ 6 เดือน", due_date=date(2026, 3, 31))
    return MonitoringResult.objects.get()


@pytest.fixture
def submitted_result(result, owner):
    result = inspection_workflow.save_result(result.pk, by=owner, expected_version=result.version, value=Decimal("92"),
                                             narrative="")
    return inspection_workflow.move_result(result.pk, "submit", by=owner, expected_version=result.version)


@pytest.mark.django_db
@pytest.mark.parametrize("version", [None, "", "abc", "1.5"])
def test_a_monitoring_move_without_a_usable_version_is_a_400_and_nothing_moves(client, planning, submitted_result,
                                                                               version):
    client.force_login(planning)
    data = {"op": "verify"}
    if version is not None:
        data["version"] = version
    response = client.post(reverse("inspections:result", args=[submitted_result.pk]), data)
    assert response.status_code == 400 and VERSION_MESSAGE in response.content.decode()
    after = MonitoringResult.objects.get(pk=submitted_result.pk)
    assert (after.state, after.version) == ("submitted", submitted_result.version)


@pytest.mark.django_db
def test_a_monitoring_save_without_a_version_is_a_400_with_the_message(client, owner, result):
    client.force_login(owner)
    response = client.post(reverse("inspections:result", args=[result.pk]), {"op": "save", "value": "5"})
    assert response.status_code == 400 and VERSION_MESSAGE in response.content.decode()
    assert MonitoringResult.objects.get(pk=result.pk).value is None


@pytest.mark.django_db
def test_the_engine_refuses_a_missing_version_instead_of_skipping_the_check(result, owner):
    from reviews.machine import BadInput

    with pytest.raises(BadInput):
        inspection_workflow.save_result(result.pk, by=owner, expected_version=None, value=Decimal("1"), narrative="")
    assert MonitoringResult.objects.get(pk=result.pk).version == result.version


@pytest.mark.django_db
def test_a_monitoring_move_returns_only_to_a_page_of_this_site(client, planning, submitted_result):
    client.force_login(planning)
    url = reverse("inspections:result", args=[submitted_result.pk])
    response = client.post(url, {"op": "verify", "version": submitted_result.version, "next": "https://evil.example/"})
    assert response.status_code == 302 and response.url == url
    back = reverse("inspections:monitoring_round", args=[submitted_result.round_id])
    result = MonitoringResult.objects.get(pk=submitted_result.pk)
    client.force_login(planning)
    response = client.post(url, {"op": "return", "version": result.version, "reason": "เพิ่มหลักฐาน", "next": back})
    assert response.status_code == 302 and response.url == back


@pytest.mark.django_db
@pytest.mark.parametrize("op", ["submit", "verify"])
def test_an_issue_move_without_a_version_is_a_400_with_the_message(client, issue, owner, planning, op):
    issue = inspection_workflow.save_report(issue.pk, by=owner, expected_version=issue.version, text="รายงาน")
    if op == "verify":
        issue = inspection_workflow.move_issue(issue.pk, "submit", by=owner, expected_version=issue.version)
    client.force_login(owner if op == "submit" else planning)
    response = client.post(reverse("inspections:issue", args=[issue.pk]), {"op": op, "version": "x"})
    assert response.status_code == 400 and VERSION_MESSAGE in response.content.decode()


@pytest.mark.django_db
def test_an_action_move_without_a_version_is_a_400_with_the_message(client, recommendation, director, planning,
                                                                   owner, promo_group):
    inspection_workflow.decide(recommendation.pk, by=director, decision="ทำ")
    action = inspection_workflow.assign_action(recommendation.pk, by=planning, title="ติดตาม", group=promo_group,
                                               owner=owner, due_date=date(2026, 4, 30))
    client.force_login(owner)
    response = client.post(reverse("inspections:action", args=[action.pk]), {"op": "start"})
    assert response.status_code == 400 and VERSION_MESSAGE in response.content.decode()
    assert FollowUpAction.objects.get(pk=action.pk).state == "open"


@pytest.mark.django_db
@pytest.mark.parametrize("op", ["analyse", "decide", "assign"])
@pytest.mark.parametrize("value", ["abc", "", "1; DROP"])
def test_a_recommendation_id_that_is_not_a_number_is_a_400_with_a_message(client, recommendation, planning, op,
                                                                          value):
    client.force_login(planning)
    response = client.post(reverse("inspections:issue", args=[recommendation.issue_id]),
                           {"op": op, "recommendation": value, "analysis": "x", "version": 1})
    assert response.status_code == 400
    assert "ไม่ได้ระบุรายการที่ถูกต้อง" in response.content.decode()


@pytest.mark.django_db
def test_the_analysis_is_a_versioned_write_with_its_history(client, recommendation, planning, director):
    url = reverse("inspections:issue", args=[recommendation.issue_id])
    client.force_login(planning)
    response = client.post(url, {"op": "analyse", "recommendation": recommendation.pk, "analysis": "ต้องติดตาม",
                                 "version": recommendation.version})
    assert response.status_code == 302
    after = Recommendation.objects.get(pk=recommendation.pk)
    assert (after.analysis, after.version) == ("ต้องติดตาม", recommendation.version + 1)
    event = recommendation.issue.events.get(action="analysed")
    assert event.actor == planning and event.at is not None
    assert list(event.changes.values()) == [["", "ต้องติดตาม"]]
    # Written from the page before that change: refused as stale, nothing changes.
    response = client.post(url, {"op": "analyse", "recommendation": recommendation.pk, "analysis": "อย่างอื่น",
                                 "version": recommendation.version})
    assert response.status_code == 409
    # Without a version: 400, nothing changes.
    response = client.post(url, {"op": "analyse", "recommendation": recommendation.pk, "analysis": "อย่างอื่น"})
    assert response.status_code == 400 and VERSION_MESSAGE in response.content.decode()
    # The director is not planning: 403.
    client.force_login(director)
    response = client.post(url, {"op": "analyse", "recommendation": recommendation.pk, "analysis": "ผู้อำนวยการ",
                                 "version": after.version})
    assert response.status_code == 403
    after = Recommendation.objects.get(pk=recommendation.pk)
    assert (after.analysis, after.version) == ("ต้องติดตาม", recommendation.version + 1)
    # A second analysis keeps the old text in the history.
    client.force_login(planning)
    client.post(url, {"op": "analyse", "recommendation": recommendation.pk, "analysis": "ติดตามรายเดือน",
                      "version": after.version})
    last = recommendation.issue.events.filter(action="analysed").last()
    assert list(last.changes.values()) == [["ต้องติดตาม", "ติดตามรายเดือน"]]
    assert "ติดตามรายเดือน" in client.get(url).content.decode()


# --- the quarterly form ------------------------------------------------------------------------------------


def _form_url(project):
    return reverse("projects:report", args=[project.pk, 1])


def _payload(report, **extra):
    return form_data(report.project, report.version, status="done", description="เสร็จ", **{
        "spent_this_quarter": "0", **extra})


@pytest.mark.django_db
def test_submitting_after_the_window_closed_is_a_400_with_the_reason_not_a_403(client, owner, own_project,
                                                                             monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: date(2026, 3, 20))
    client.force_login(owner)
    report = workflow.get_or_create_report(own_project, own_project.fiscal_year.quarters.get(number=1))  # a draft
    response = client.post(_form_url(own_project), _payload(report, action="submit"))
    assert response.status_code == 400
    assert "ปิดรับรายงานแล้วเมื่อ" in response.content.decode()  # "The reporting window closed on …"
    assert QuarterlyReport.objects.get(pk=report.pk).state == "draft"


@pytest.mark.django_db
@pytest.mark.parametrize("version", [None, "abc"])
def test_a_review_without_a_version_is_a_400_with_the_message(client, owner, planning, own_project, version):
    report = workflow.get_or_create_report(own_project, own_project.fiscal_year.quarters.get(number=1))
    report.state = "submitted"
    report.save()
    client.force_login(planning)
    data = {"action": "verify"}
    if version is not None:
        data["version"] = version
    response = client.post(_form_url(own_project), data)
    assert response.status_code == 400 and VERSION_MESSAGE in response.content.decode()
    assert QuarterlyReport.objects.get(pk=report.pk).state == "submitted"


@pytest.mark.django_db
def test_a_move_by_a_role_that_may_not_is_a_403_and_a_wrong_state_a_400(client, owner, planning, director,
                                                                      own_project):
    report = workflow.get_or_create_report(own_project, own_project.fiscal_year.quarters.get(number=1))
    report.state = "submitted"
    report.save()
    client.force_login(director)  # the director approves, but does not verify
    response = client.post(_form_url(own_project), {"action": "verify", "version": report.version})
    assert response.status_code == 403
    client.force_login(director)  # the director approves, but only a verified form
    response = client.post(_form_url(own_project), {"action": "approve", "version": report.version})
    assert response.status_code == 400
    assert QuarterlyReport.objects.get(pk=report.pk).state == "submitted"


@pytest.mark.django_db
def test_a_bulk_action_with_a_value_without_version_says_so(client, planning, own_project):
    report = workflow.get_or_create_report(own_project, own_project.fiscal_year.quarters.get(number=1))
    client.force_login(planning)
    response = client.post(reverse("projects:bulk_action"), {"action": "verify", "report": [str(report.pk)]},
                           follow=True)
    assert "ไม่เข้าใจ" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("version", [None, "abc"])
def test_every_other_save_without_a_usable_version_is_a_400_with_the_message(client, recommendation, owner, director,
                                                                            planning, promo_group, own_project,
                                                                            version):
    """The issue report, the follow-up and the quarterly form: no save without the stale-page check."""
    issue = recommendation.issue
    inspection_workflow.decide(recommendation.pk, by=director, decision="ทำ")
    action = inspection_workflow.assign_action(recommendation.pk, by=planning, title="ติดตาม", group=promo_group,
                                               owner=owner, due_date=date(2026, 4, 30))
    report = workflow.get_or_create_report(own_project, own_project.fiscal_year.quarters.get(number=1))
    posts = [
        (reverse("inspections:issue", args=[issue.pk]), {"op": "save", "report": "รายงาน"}),
        (reverse("inspections:action", args=[action.pk]), {"op": "save", "progress": "ทำแล้ว"}),
        (_form_url(own_project), {k: v for k, v in _payload(report, outputs="ผลผลิต").items() if k != "version"}),
    ]
    client.force_login(owner)
    for url, data in posts:
        if version is not None:
            data["version"] = version
        response = client.post(url, data)
        assert response.status_code == 400 and VERSION_MESSAGE in response.content.decode(), url
    issue.refresh_from_db(), action.refresh_from_db(), report.refresh_from_db()
    assert (issue.report, action.progress, report.outputs) == ("", "", "")
