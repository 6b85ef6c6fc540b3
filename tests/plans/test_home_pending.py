"""The home page shows what waits for *me*, whatever fiscal year it belongs to, in a bounded number of queries."""

from datetime import date

import pytest
from django.urls import reverse

from projects import workflow
from projects.models import Disbursement, QuarterlyReport
from reporting.models import AnnualReport

from ..conftest import make_project, submit_q1

IN_Q1_WINDOW = date(2026, 1, 5)  # FY 2569 Q1 (due Fri 9 Jan 2026) is open
NEXT_YEAR = date(2026, 11, 2)  # FY 2570: FY 2569 is last year


@pytest.fixture
def on(monkeypatch):
    def set_today(day):
        monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: day)
    return set_today


def _return(report, planning, reason):
    return workflow.return_report(report.pk, by=planning, expected_version=report.version, reason=reason)


def _home(client, user):
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
def test_owner_sees_a_returned_form_of_last_year_with_its_reason(client, on, fy, own_project, owner, planning):
    _return(submit_q1(own_project, owner), planning, "แนบหลักฐานการประชุมด้วย")
    on(NEXT_YEAR)
    page = _home(client, owner)
    assert 'id="returned-forms"' in page
    assert "แนบหลักฐานการประชุมด้วย" in page and "P-OWN" in page and "ไตรมาส 1/2569" in page
    assert reverse("projects:report", args=[own_project.pk, 1]) in page


@pytest.mark.django_db
def test_owner_sees_the_forms_due_and_not_those_already_sent(client, on, fy, promo_group, own_project, owner):
    sent = make_project(fy, promo_group, "P-SENT", owners=[owner])
    submit_q1(sent, owner)
    on(IN_Q1_WINDOW)
    page = _home(client, owner)
    assert 'id="due-forms"' in page and 'id="returned-forms"' not in page
    assert reverse("projects:report", args=[own_project.pk, 1]) in page
    assert reverse("projects:report", args=[sent.pk, 1]) not in page


@pytest.mark.django_db
def test_another_owners_forms_are_not_on_my_home(client, on, fy, own_project, owner, other_owner, planning):
    _return(submit_q1(own_project, owner), planning, "เหตุผลของเจ้าของ")
    on(IN_Q1_WINDOW)
    page = _home(client, other_owner)
    assert "P-OWN" not in page and "เหตุผลของเจ้าของ" not in page


@pytest.mark.django_db
def test_a_returned_form_of_last_year_tops_my_forms(client, on, office, fy, promo_group, own_project, owner,
                                                    planning):
    from plans import services

    next_fy = services.get_or_create_fiscal_year(office, 2570)[0]
    make_project(next_fy, promo_group, "P-AAA", owners=[owner])  # this year's form, open now
    _return(submit_q1(own_project, owner), planning, "แก้ตัวเลขงบประมาณ")
    on(date(2027, 1, 5))  # FY 2570 Q1 is open; the returned form is of FY 2569
    client.force_login(owner)
    page = client.get(reverse("projects:my_forms")).content.decode()
    table = page[page.index('id="my-forms"'):]
    assert "แก้ตัวเลขงบประมาณ" in table and "ไตรมาส 1/2569" in table
    assert table.index("P-OWN") < table.index("P-AAA")


@pytest.mark.django_db
def test_reviewer_sees_the_queue_count_of_every_year(client, on, fy, promo_group, owner, planning):
    for code in ("P-1", "P-2", "P-3"):
        submit_q1(make_project(fy, promo_group, code, owners=[owner]), owner)
    on(NEXT_YEAR)
    page = _home(client, planning)
    block = page[page.index('id="pending-review"'):]
    assert ">3</span>" in block and "ปีงบประมาณ พ.ศ. 2569" in block
    queue = client.get(reverse("projects:review_queue")).content.decode()  # no ?fy: every year's
    assert all(code in queue for code in ("P-1", "P-2", "P-3")) and "ไตรมาส 1/2569" in queue


@pytest.mark.django_db
def test_director_sees_forms_and_annual_editions_waiting_for_approval(client, on, fy, own_project, owner,
                                                                       planning, director, office):
    report = submit_q1(own_project, owner)
    workflow.verify(report.pk, by=planning, expected_version=report.version)
    AnnualReport.objects.create(office=office, fiscal_year=fy, audience="pec", created_by=planning,
                                state=AnnualReport.State.DRAFT, pages=12)
    AnnualReport.objects.create(office=office, fiscal_year=fy, audience="obec", created_by=planning,
                                state=AnnualReport.State.GENERATING)
    on(NEXT_YEAR)
    page = _home(client, director)
    block = page[page.index('id="pending-approve"'):]
    assert ">1</span>" in block
    editions = page[page.index('id="editions-to-approve"'):]
    editions = editions[:editions.index("</ul>")]
    assert editions.count("<li") == 1  # the draft waits; the one still generating does not
    # The owner sees neither queue nor editions.
    page = _home(client, owner)
    assert 'id="pending-approve"' not in page and 'id="pending-editions"' not in page


@pytest.mark.django_db
def test_finance_sees_the_quarter_to_fill(client, on, fy, promo_group, own_project, finance):
    other = make_project(fy, promo_group, "P-PAID")
    Disbursement.objects.create(project=other, quarter=fy.quarters.get(number=1), amount=10)
    on(IN_Q1_WINDOW)
    page = _home(client, finance)
    block = page[page.index('id="pending-finance"'):]
    assert "ไตรมาส 1/2569" in block and "1 จาก 2" in block
    assert reverse("projects:disbursements") + "?fy=2569&amp;q=1" in block


def _many(fy, promo_group, owner, planning, director, count):
    for n in range(count):
        project = make_project(fy, promo_group, f"P-{n:03d}", owners=[owner])
        report = submit_q1(project, owner)
        if n % 3 == 0:
            _return(report, planning, f"เหตุผล {n}")
        elif n % 3 == 1:
            workflow.verify(report.pk, by=planning, expected_version=report.version)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["owner", "planning", "director", "finance", "group_head", "committee"])
def test_each_roles_home_runs_a_bounded_number_of_queries(client, on, request, fy, promo_group, owner, planning,
                                                          director, django_assert_max_num_queries, role):
    _many(fy, promo_group, owner, planning, director, 12)
    assert QuarterlyReport.objects.filter(state="returned").count() == 4
    on(IN_Q1_WINDOW)
    client.force_login(request.getfixturevalue(role))
    with django_assert_max_num_queries(17):  # measured 11–16 (evaluations to answer: one), the same for 3 or 12 projects
        assert client.get(reverse("home")).status_code == 200
