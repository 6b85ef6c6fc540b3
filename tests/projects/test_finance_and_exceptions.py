"""Finance's disbursement screen and planning's lock exceptions, as users reach them."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from projects import workflow
from projects.models import Disbursement, LockException, QuarterlyReport, ReportEvent

URL = reverse("projects:disbursements")


@pytest.fixture
def q1(fy):
    return fy.quarters.get(number=1)


def page(client, **params):
    return client.get(URL, {"fy": 2569, "q": 1, **params})


@pytest.mark.django_db
def test_finance_records_amounts_beside_the_owners_figure(client, finance, owner, own_project,
                                                          other_group_project, q1, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: date(2026, 1, 5))
    report = workflow.get_or_create_report(own_project, q1)
    workflow.save_form(report.pk, by=owner, expected_version=1, fields={"spent_this_quarter": Decimal("1000")},
                       activities={}, results={})
    client.force_login(finance)
    response = page(client)
    assert response.status_code == 200
    html = response.content.decode()
    assert "P-OWN" in html and "P-OTHER" in html and "1,000.00" in html
    response = client.post(URL, {"fy": 2569, "q": 1, f"amount-{own_project.pk}": "1,200.50",
                                 f"was-{own_project.pk}": "", f"amount-{other_group_project.pk}": "๕๐๐",
                                 f"was-{other_group_project.pk}": ""})
    assert response.status_code == 302
    assert Disbursement.objects.get(project=own_project).amount == Decimal("1200.50")
    assert Disbursement.objects.get(project=other_group_project).amount == Decimal("500")
    html = page(client).content.decode()
    assert "table-warning" in html and "200.50" in html  # the difference is shown
    event = ReportEvent.objects.get(report=report, action="disbursement")
    assert event.actor == finance and event.changes == {"disbursed": ["", "1200.50"]}
    # The owner sees finance's figure on the form.
    client.force_login(owner)
    assert "1,200.50" in client.get(reverse("projects:report", args=[own_project.pk, 1])).content.decode()


@pytest.mark.django_db
def test_bad_amounts_save_nothing_and_say_which_row(client, finance, own_project, other_group_project, q1):
    client.force_login(finance)
    response = client.post(URL, {"fy": 2569, "q": 1, f"amount-{own_project.pk}": "100",
                                 f"was-{own_project.pk}": "", f"amount-{other_group_project.pk}": "-5",
                                 f"was-{other_group_project.pk}": ""})
    assert response.status_code == 400
    html = response.content.decode()
    assert "P-OTHER" in html and "ติดลบไม่ได้" in html and "ไม่มีการบันทึก" in html
    assert not Disbursement.objects.exists()
    response = client.post(URL, {"fy": 2569, "q": 1, f"amount-{own_project.pk}": "12abc", f"was-{own_project.pk}": ""})
    assert response.status_code == 400 and "ไม่ใช่ตัวเลข" in response.content.decode()


@pytest.mark.django_db
def test_two_finance_officers_editing_the_same_row_do_not_overwrite_each_other(client, finance, own_project, q1):
    workflow.record_disbursement(project=own_project, quarter=q1, amount=Decimal("300"), by=finance)
    client.force_login(finance)
    response = client.post(URL, {"fy": 2569, "q": 1, f"amount-{own_project.pk}": "900", f"was-{own_project.pk}": ""})
    assert response.status_code == 400 and "บันทึก 300" in response.content.decode()
    assert Disbursement.objects.get().amount == Decimal("300")
    response = client.post(URL, {"fy": 2569, "q": 1, f"amount-{own_project.pk}": "",
                                 f"was-{own_project.pk}": "300.00"})
    assert response.status_code == 400 and Disbursement.objects.get().amount == Decimal("300")


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "get", "post"), [
    ("finance", 200, 302), ("planning", 200, 403), ("director", 200, 403), ("administrator", 200, 403),
    ("owner", 403, 403), ("group_head", 403, 403), ("committee", 403, 403),
])
def test_who_may_see_and_enter_disbursements(client, request, role, get, post, own_project, q1):
    client.force_login(request.getfixturevalue(role))
    assert page(client).status_code == get
    response = client.post(URL, {"fy": 2569, "q": 1, f"amount-{own_project.pk}": "1", f"was-{own_project.pk}": ""})
    assert response.status_code == post


@pytest.mark.django_db
def test_another_offices_projects_are_ignored(client, other_office_planning, finance, own_project, q1):
    client.force_login(finance)
    # A row naming a project of this office only is applied; ids of other offices' projects are dropped.
    response = client.post(URL, {"fy": 2569, "q": 1, "amount-999999": "5", "was-999999": ""})
    assert response.status_code == 302 and not Disbursement.objects.exists()


@pytest.mark.django_db
def test_planning_grants_an_exception_and_the_owner_can_then_send_late(client, planning, owner, own_project, q1,
                                                                       monkeypatch):
    after_window = date(2026, 3, 2)
    assert after_window > q1.window_closes()
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: after_window)
    report = workflow.get_or_create_report(own_project, q1)
    line = report.activity_progress.get()
    url = reverse("projects:report", args=[own_project.pk, 1])
    client.force_login(owner)
    html = client.get(url).content.decode()
    assert 'id="window-note"' in html and "ขอข้อยกเว้น" in html
    client.force_login(planning)
    response = client.post(url, {"action": "exception", "user": owner.pk, "until": "10/3/2569", "reason": ""})
    assert response.status_code == 400 and not LockException.objects.exists()
    response = client.post(url, {"action": "exception", "user": owner.pk, "until": "10/3/2569",
                                 "reason": "ผู้รับผิดชอบลาป่วย"})
    assert response.status_code == 302
    exception = LockException.objects.get()
    assert exception.until == date(2026, 3, 10) and exception.granted_by == planning
    client.force_login(owner)
    assert "10 มีนาคม พ.ศ. 2569" in client.get(url).content.decode()
    response = client.post(url, {"version": report.version, "action": "submit", "spent_this_quarter": "0",
                                 "outputs": "", "outcomes": "", "problems": "", "suggestions": "",
                                 f"act-{line.activity_id}-status": "done", f"act-{line.activity_id}-percent": "",
                                 f"act-{line.activity_id}-description": "เสร็จแล้ว"})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.state == "submitted" and report.timeliness == "late"


@pytest.mark.django_db
def test_owners_cannot_grant_exceptions(client, owner, own_project, q1):
    report = workflow.get_or_create_report(own_project, q1)
    client.force_login(owner)
    response = client.post(reverse("projects:report", args=[own_project.pk, 1]),
                           {"action": "exception", "user": owner.pk, "until": "10/3/2569", "reason": "x"})
    assert response.status_code == 403
    assert not LockException.objects.exists() and QuarterlyReport.objects.get(pk=report.pk).state == "draft"


@pytest.mark.django_db
def test_disbursement_page_queries_do_not_grow_with_projects(client, finance, fy, promo_group, q1,
                                                             django_assert_max_num_queries):
    from ..conftest import make_project

    for number in range(30):
        project = make_project(fy, promo_group, f"P-{number:02}")
        workflow.record_disbursement(project=project, quarter=q1, amount=Decimal(number), by=finance)
    client.force_login(finance)
    with django_assert_max_num_queries(15):  # one for the projects whose activities mix budget categories
        response = page(client)
    assert response.status_code == 200 and response.content.decode().count('name="amount-') == 30
