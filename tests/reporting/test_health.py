"""The M&E health page (reporting/health.py): each figure against hand-computed cases, years without data,
scoping (another office's forms are not counted), the permission matrix and the number of queries."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from accounts.models import Office, Role
from feedback import services as survey
from plans import services
from projects.models import IndicatorResult, Project, ProjectIndicator, QuarterlyReport, ReportEvent
from plans.models import Indicator
from reporting import health

from ..conftest import make_project
from ..factories import UserFactory, WorkGroupFactory

pytestmark = pytest.mark.django_db
BKK = ZoneInfo("Asia/Bangkok")
Action = ReportEvent.Action
ON_TIME, LATE = QuarterlyReport.Timeliness.ON_TIME, QuarterlyReport.Timeliness.LATE


def form(project, number, *, state="submitted", timeliness=ON_TIME):
    quarter = project.fiscal_year.quarters.get(number=number)
    return QuarterlyReport.objects.create(project=project, quarter=quarter, state=state, timeliness=timeliness,
                                          first_submitted_at=datetime(2026, 1, 5, 9, tzinfo=BKK))


def events(report, *steps):
    """Record (action, moment) review events of ``report`` at the moments given."""
    for action, at in steps:
        event = ReportEvent.objects.create(report=report, action=action)
        ReportEvent.objects.filter(pk=event.pk).update(at=at)


def day(n, hour=10):
    return datetime(2026, 1, 5, hour, tzinfo=BKK) + timedelta(days=n)


@pytest.fixture
def projects(fy, promo_group, sup_group):
    return {code: make_project(fy, group, code) for code, group in
            (("P1", promo_group), ("P2", promo_group), ("P3", sup_group))}


def test_on_time_share_counts_forms_sent_on_time_of_the_forms_due_per_group(office, fy, projects, promo_group,
                                                                              sup_group):
    form(projects["P1"], 1)
    form(projects["P2"], 1, timeliness=LATE)
    form(projects["P1"], 2)  # Q2 is not due yet on 1 Feb 2026: not counted
    cancelled = make_project(fy, sup_group, "P4", status=Project.Status.CANCELLED)
    form(cancelled, 1)
    february = date(2026, 2, 1)  # only Q1 (due 9 Jan 2026) is due
    assert health.on_time_by_group(office, fy, february) == {promo_group.pk: (1, 2), sup_group.pk: (0, 1)}
    assert health.on_time_share(office, fy, february) == Decimal("33.3")
    fy.__dict__.pop("_health")
    # by 1 May, Q2 (due in April) is due too: 2 on time of 6 owed
    assert health.on_time_share(office, fy, date(2026, 5, 1)) == Decimal("33.3")
    assert health.on_time_by_group(office, fy, date(2026, 5, 1))[promo_group.pk] == (2, 4)
    assert health.on_time_share(office, fy, date(2025, 12, 1)) is None  # nothing due yet


def test_returns_per_form_and_days_from_submission_to_approval_come_from_the_review_events(office, fy, projects):
    a, b, c = form(projects["P1"], 1), form(projects["P2"], 1), form(projects["P3"], 1)
    draft = form(projects["P1"], 2, state="draft", timeliness="")
    events(a, (Action.SUBMITTED, day(0)), (Action.RETURNED, day(1)), (Action.SUBMITTED, day(2)),
           (Action.APPROVED, day(3, 22)))  # 3.5 days from the first submission
    events(b, (Action.SUBMITTED, day(0)), (Action.APPROVED, day(1)))  # 1 day
    events(c, (Action.SUBMITTED, day(0)), (Action.RETURNED, day(1)), (Action.SUBMITTED, day(2)),
           (Action.RETURNED, day(3)), (Action.SUBMITTED, day(4)), (Action.APPROVED, day(5)))  # 5 days, 2 returns
    events(draft, (Action.SAVED, day(0)))  # never sent: not a form sent
    assert health.returns_per_form(office, fy) == Decimal("1.00")  # 3 returns / 3 forms sent
    assert sorted(health.days_to_approval(office, fy)) == [1.0, 3.5, 5.0]
    assert health.median_days(office, fy) == Decimal("3.5")
    assert health.mean_days(office, fy) == Decimal("3.2")  # 9.5 / 3 = 3.17


def test_a_form_sent_but_not_yet_approved_counts_for_returns_not_for_days(office, fy, projects):
    a, b = form(projects["P1"], 1), form(projects["P2"], 1)
    events(a, (Action.SUBMITTED, day(0)), (Action.RETURNED, day(2)))
    events(b, (Action.SUBMITTED, day(0)), (Action.APPROVED, day(2)), (Action.APPROVED, day(9)))  # reopened later
    assert health.returns_per_form(office, fy) == Decimal("0.50")
    assert health.median_days(office, fy) == Decimal("2.0") == health.mean_days(office, fy)


def test_indicators_with_data_count_results_of_sent_forms_only(office, fy, projects, indicator, strategy):
    second = Indicator.objects.create(fiscal_year=fy, plan_item=strategy, code="KPI02", name="จำนวนครู", unit="คน")
    third = Indicator.objects.create(fiscal_year=fy, plan_item=strategy, code="KPI03", name="คุณภาพ", unit="")
    sent, draft = form(projects["P1"], 1), form(projects["P2"], 1, state="draft", timeliness="")
    for report, ind, value, text in ((sent, indicator, Decimal("80"), ""), (draft, second, Decimal("5"), ""),
                                     (sent, third, None, "")):
        target = ProjectIndicator.objects.create(project=report.project, indicator=ind)
        IndicatorResult.objects.create(report=report, target=target, value=value, text=text)
    assert health.indicators_with_data(office, fy) == Decimal("33.3")  # KPI01 only: 1 of 3


def test_satisfaction_is_the_mean_of_every_rating(office, fy, owner, director):
    for user, score in ((owner, 5), (director, 2)):
        survey.save_answer(user, fy, scores={f"d{n}": score for n in range(5)}, comment="")
    assert health.satisfaction(office, fy) == Decimal("3.50")


def test_years_without_data_are_left_out_and_figures_without_data_say_so(client, office, fy, projects, planning):
    services.get_or_create_fiscal_year(office, 2568)  # no projects, no answers
    a = form(projects["P1"], 1)
    events(a, (Action.SUBMITTED, day(0)), (Action.APPROVED, day(2)))
    comparison = health.compare(office)
    assert [y.year for y in comparison.years] == [2569]
    values = dict((metric.key, values) for metric, values in comparison.rows)
    assert values["satisfaction"] == [None] and values["median_days"] == [Decimal("2.0")]
    client.force_login(planning)
    page = client.get(reverse("reporting:health")).content.decode()
    assert "ไม่มีข้อมูล" in page and "2568" not in page.split('id="health-table"')[1]
    assert 'id="health-chart-data"' in page and "<script>" not in page


def test_an_office_without_data_shows_a_message_not_an_error(client, other_office_planning, other_office):
    client.force_login(other_office_planning)
    response = client.get(reverse("reporting:health"))
    assert response.status_code == 200 and 'id="no-data"' in response.content.decode()


def test_another_offices_forms_and_answers_are_not_counted(office, other_office, fy, projects,
                                                          other_office_planning):
    a = form(projects["P1"], 1)
    events(a, (Action.SUBMITTED, day(0)), (Action.APPROVED, day(2)))
    before = [values for _metric, values in health.compare(office).rows]
    theirs = services.get_or_create_fiscal_year(other_office, 2569)[0]
    group = WorkGroupFactory(office=other_office)
    other = make_project(theirs, group, "X1")
    b = form(other, 1, timeliness=LATE)
    events(b, (Action.SUBMITTED, day(0)), (Action.RETURNED, day(1)), (Action.SUBMITTED, day(2)),
           (Action.APPROVED, day(20)))
    survey.save_answer(other_office_planning, theirs, scores={f"d{n}": 1 for n in range(5)}, comment="")
    fy.__dict__.pop("_health", None)
    assert [values for _metric, values in health.compare(office).rows] == before
    assert health.satisfaction(office, theirs) is None  # another office's year, asked for our office: nothing
    mine = dict((m.key, v) for m, v in health.compare(other_office).rows)
    assert mine["returns"] == [Decimal("1.00")] and mine["median_days"] == [Decimal("20.0")]


def test_the_page_runs_a_bounded_number_of_queries_whatever_the_number_of_forms(
        client, office, fy, planning, promo_group, django_assert_max_num_queries):
    services.get_or_create_fiscal_year(office, 2568)
    for n in range(12):
        project = make_project(fy, promo_group, f"B{n}")
        for q in (1, 2, 3, 4):
            report = form(project, q)
            events(report, (Action.SUBMITTED, day(q * 90)), (Action.RETURNED, day(q * 90 + 1)),
                   (Action.SUBMITTED, day(q * 90 + 2)), (Action.APPROVED, day(q * 90 + 5)))
    client.force_login(planning)
    with django_assert_max_num_queries(24):  # 2 years × 6 figures, the groups, session, user, navigation
        response = client.get(reverse("reporting:health"))
    assert response.status_code == 200
    assert "1.00" in response.content.decode()  # one return per form


@pytest.fixture
def central(office, other_office):
    root = Office.objects.create(code="OBEC", name="สพฐ.", kind=Office.Kind.OBEC)
    for child in (office, other_office):
        child.parent = root
        child.save()
    # a central viewer who has chosen to look at our office (``User.chosen_office``)
    return UserFactory(email="central@test.go.th", office=root, roles=[Role.CENTRAL], chosen_office=office)


HEALTH = {"planning": 200, "director": 200, "central": 200, "other_office_planning": 200, "owner": 403,
          "other_owner": 403, "group_head": 403, "finance": 403, "committee": 403, "administrator": 403,
          "anonymous": 302}


@pytest.mark.parametrize("role, expected", HEALTH.items())
def test_health_page_permission_matrix(request, client, fy, role, expected):
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    assert client.get(reverse("reporting:health")).status_code == expected
    assert client.post(reverse("reporting:health")).status_code == (302 if role == "anonymous" else 405)


def test_planning_of_another_office_sees_their_office_not_ours(client, fy, projects, other_office_planning):
    form(projects["P1"], 1)
    client.force_login(other_office_planning)
    page = client.get(reverse("reporting:health")).content.decode()
    assert "P1" not in page and "กลุ่มส่งเสริมการจัดการศึกษา" not in page


@pytest.mark.django_db
def test_evaluation_answers_received_is_the_share_of_invitations_answered(fy, own_project, owner, planning):
    from evaluation import services as evaluation

    assert health.evaluation_answers(own_project.office, fy) is None  # nobody invited: no data, no division
    evaluation.create_form(fy, by=planning, deadline=date.today() + timedelta(days=30))
    answered = evaluation.invite(own_project, by=planning, user=owner)
    for n in range(3):
        evaluation.invite(own_project, by=planning, name=f"ผู้ประเมิน {n}", email=f"e{n}@example.ac.th")
    answered.answered_at = datetime(2026, 11, 1, 9, tzinfo=ZoneInfo("Asia/Bangkok"))
    answered.save(update_fields=["answered_at"])
    assert health.evaluation_answers(own_project.office, fy) == Decimal("25.0")
