"""The fourth edition (ผู้ที่เกี่ยวข้อง), the editions' deadline with its reminders, and how an edition was issued."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.urls import reverse

from plans.lib.workdays import shift_working_days
from plans.services import holiday_dates
from reminders import sweep
from reminders.models import Reminder
from reporting import annual
from reporting.models import AnnualReport, Audience

from .test_annual import TODAY, data_year, eager, pdf_text  # noqa: F401 (fixtures)

State = AnnualReport.State
DEADLINE = date(2026, 9, 30)  # FY 2569's default


def approved(fy, audience, **fields):
    return AnnualReport.objects.create(office=fy.office, fiscal_year=fy, audience=audience, state=State.APPROVED,
                                       **fields)


@pytest.mark.django_db
def test_the_fourth_edition_is_addressed_to_others_concerned(data_year, tmp_path):
    assert Audience.OTHERS in annual.AUDIENCES and len(annual.AUDIENCES) == 4
    edition = annual.build(annual.snapshot(data_year, Audience.OTHERS, today=TODAY))
    assert "ผู้ที่เกี่ยวข้อง" in pdf_text(edition.pdf, tmp_path, 1, 1)


@pytest.mark.django_db
def test_planning_records_how_an_approved_edition_was_issued(client, fy, planning, director):
    edition = approved(fy, Audience.OTHERS)
    client.force_login(planning)
    page = client.get(reverse("reporting:annual_detail", args=[edition.pk])).content.decode()
    assert "issue-form" in page and annual.AUDIENCES[Audience.OTHERS]["addressee"] in page  # its own addressee
    url = reverse("reporting:annual_issue", args=[edition.pk])
    response = client.post(url, {"issued_on": "1/1/2600", "issued_letter_no": "ศธ 04286/1", "issued_to": "x"})
    assert response.status_code == 400 and "ต้องไม่เป็นวันในอนาคต" in response.content.decode()
    response = client.post(url, {"issued_on": "15/9/2569", "issued_letter_no": "ศธ 04286/1234",
                                 "issued_to": "ผู้บริหารสถานศึกษาในสังกัด"})
    assert response.status_code == 302
    edition.refresh_from_db()
    assert (edition.issued_on, edition.issued_letter_no, edition.issued_by) == (date(2026, 9, 15), "ศธ 04286/1234",
                                                                                planning)
    page = client.get(reverse("reporting:annual_detail", args=[edition.pk])).content.decode()
    assert "ศธ 04286/1234" in page and "15 กันยายน พ.ศ. 2569" in page
    listed = client.get(reverse("reporting:annual_list") + "?fy=2569").content.decode()
    assert "issuance-summary" in listed and "ศธ 04286/1234" in listed and "30 กันยายน พ.ศ. 2569" in listed


@pytest.mark.django_db
@pytest.mark.parametrize("role, status", [("planning", 302), ("director", 302), ("administrator", 302),
                                          ("owner", 404), ("group_head", 404), ("finance", 404),
                                          ("committee", 403), ("other_office_planning", 404), ("anonymous", 302)])
def test_issue_permission_matrix(client, fy, role, status, request):
    edition = approved(fy, Audience.PEC)
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    response = client.post(reverse("reporting:annual_issue", args=[edition.pk]), {
        "issued_on": "15/9/2569", "issued_letter_no": "ศธ 1", "issued_to": "กศจ."})
    assert response.status_code == status
    edition.refresh_from_db()
    assert edition.is_issued == (role in ("planning", "director", "administrator"))
    if role == "anonymous":
        assert "/login" in response.url


@pytest.mark.django_db
def test_only_an_approved_edition_is_issued(client, fy, planning):
    draft = AnnualReport.objects.create(office=fy.office, fiscal_year=fy, audience=Audience.PEC, state=State.DRAFT)
    client.force_login(planning)
    response = client.post(reverse("reporting:annual_issue", args=[draft.pk]), {
        "issued_on": "15/9/2569", "issued_letter_no": "ศธ 1", "issued_to": "กศจ."})
    assert response.status_code == 409 and not AnnualReport.objects.get(pk=draft.pk).is_issued


def before(fy, offset):
    holidays = holiday_dates(fy.office, DEADLINE - timedelta(days=40), DEADLINE + timedelta(days=40))
    return shift_working_days(DEADLINE, offset, holidays)


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("locmem_mail")
def test_the_deadline_reminds_planning_and_the_director_once_until_every_edition_is_issued(fy, planning, director,
                                                                                         owner):
    day = before(fy, -10)
    letters = sweep.sweep(day)
    assert {letter.recipient for letter in letters} == {planning, director}
    body = mail.outbox[0].body
    assert "30 กันยายน พ.ศ. 2569" in body and "ผู้ที่เกี่ยวข้อง" in body and "เหลืออีก 10 วันทำการ" in body
    assert sweep.sweep(day) == [] and Reminder.objects.filter(rule="editions-10").count() == 2
    for audience in Audience.values:
        approved(fy, audience, issued_on=date(2026, 9, 1), issued_letter_no="ศธ 1", issued_to="x")
    assert sweep.sweep(before(fy, 0)) == []


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("locmem_mail")
def test_the_deadline_is_a_per_year_setting(client, fy, planning, director):
    client.force_login(planning)
    client.post(reverse("plans:fiscal_year_settings", args=[2569]), {
        "report_working_days": "5", "form_quarters": ["1", "2", "3", "4"], "editions_deadline": "15/10/2569"})
    fy.refresh_from_db()
    assert fy.editions_due == date(2026, 10, 15)
    assert sweep.sweep(before(fy, -10)) == []  # ten working days before 30 September: not the deadline now
    assert {letter.recipient for letter in sweep.sweep(date(2026, 10, 15))} == {planning, director}
