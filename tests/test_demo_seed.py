"""seed_demo builds the demo relative to "today": a live fiscal year where every role has work waiting, and a
closed previous year with an approved annual edition. ``--today`` pins the date for the seed only."""

from datetime import date, datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.utils import timezone

from accounts.models import User
from inspections.models import ActionEvent, FollowUpAction, InspectionRound, MonitoringRound
from plans.lib.fiscal import fiscal_year_of
from plans.models import FiscalYear, Quarter
from projects import workflow
from projects.models import Disbursement, Project, QuarterlyReport, ReportEvent
from reminders.models import Message
from reporting import figures
from reporting.models import AnnualReport

State = QuarterlyReport.State


_SEEDED_ON: list = []  # the real date each seed started on


def seed(today: str) -> str:
    _SEEDED_ON.append(timezone.localdate())
    out = StringIO()
    call_command("seed_demo", "--today", today, stdout=out)
    return out.getvalue()


def _user(local: str, office: str = "spm12") -> User:
    return User.objects.get(email=f"{local}@{office}.example.go.th")


def _owner_may_submit(user, today) -> bool:
    """Some project of the user's has a form they may fill and send today, in the live year."""
    year = fiscal_year_of(today)
    projects = Project.objects.editable_by(user).filter(fiscal_year__year=year)
    for quarter in Quarter.objects.filter(fiscal_year__office=user.office, fiscal_year__year=year):
        if not quarter.accepts_reports_on(today):
            continue
        for project in projects:
            report = QuarterlyReport.objects.filter(project=project, quarter=quarter).first()
            report = report or workflow.unsaved_report(project, quarter)
            if report.owner_may_edit and workflow.submission_open_for(user, report, today):
                return True
    return False


def _now_on(day) -> datetime:
    """The seed's "now": the pinned day at the real time of day — the end of the pinned day if the seed ran
    across midnight (its clock then went on to the day's last seconds before the real time of day wrapped)."""
    now = timezone.localtime()
    moment = now.time() if not _SEEDED_ON or _SEEDED_ON[-1] == now.date() else datetime.max.time()
    return datetime.combine(day, moment, tzinfo=ZoneInfo(settings.TIME_ZONE))


@pytest.mark.django_db
@pytest.mark.parametrize("today", ["2026-12-03", "2027-01-12", "2027-05-20"])
def test_every_role_has_live_work_in_the_fiscal_year_of_today(today):
    text = seed(today)
    day = date.fromisoformat(today)
    year = fiscal_year_of(day)
    assert f"fiscal year {year}" in text
    live = QuarterlyReport.objects.filter(project__office__code="SPM12", quarter__fiscal_year__year=year)
    assert _owner_may_submit(_user("owner"), day)
    assert _owner_may_submit(_user("owner", "tak2"), day)
    planning, director = _user("planning"), _user("director")
    assert live.visible_to(planning).filter(state=State.SUBMITTED).exists()
    assert live.visible_to(director).filter(state=State.VERIFIED).exists()
    # Finance: forms sent in a quarter whose disbursements are not all entered yet.
    sent = set(live.exclude(state=State.DRAFT).values_list("project_id", "quarter_id"))
    entered = set(Disbursement.objects.filter(quarter__fiscal_year__year=year).values_list("project_id", "quarter_id"))
    assert sent - entered
    # Every state in the live year; the live quarter has projects not started yet.
    assert set(live.values_list("state", flat=True)) == set(State.values)
    # Nothing is dated after today; staged history e-mailed nobody.
    assert not ReportEvent.objects.filter(at__gt=_now_on(day)).exists()
    assert not QuarterlyReport.objects.filter(submitted_at__gt=_now_on(day)).exists()
    assert not QuarterlyReport.objects.filter(approved_at__gt=_now_on(day)).exists()
    assert not AnnualReport.objects.filter(decided_at__gt=_now_on(day)).exists()
    assert not QuarterlyReport.objects.filter(created_at__gt=_now_on(day)).exists()
    assert not ActionEvent.objects.filter(at__gt=_now_on(day)).exists()
    assert not Message.objects.exists()
    # A running inspection round (actions in every state, some overdue) and an open monitoring round.
    actions = FollowUpAction.objects.filter(recommendation__issue__round__fiscal_year__year=year,
                                            recommendation__issue__round__office__code="SPM12")
    assert set(actions.values_list("state", flat=True)) == set(FollowUpAction.State.values)
    assert any(action.is_overdue(day) for action in actions)
    assert all(r.start_date <= day for r in InspectionRound.objects.all())
    assert MonitoringRound.objects.filter(fiscal_year__year=year, due_date__gte=day).exists()
    # The second office has projects and forms in the live year too.
    assert QuarterlyReport.objects.filter(project__office__code="SPPTAK2", quarter__fiscal_year__year=year).exists()
    # The seed's "today" was the seed's only: the app keeps the real clock.
    assert abs(timezone.now() - datetime.now(tz=ZoneInfo("UTC"))) < timedelta(minutes=1)


@pytest.mark.django_db
def test_on_the_first_day_of_the_year_the_forms_are_open_and_nothing_is_dated_after_now():
    seed("2026-10-01")
    day = date(2026, 10, 1)
    assert _owner_may_submit(_user("owner"), day)
    live = QuarterlyReport.objects.filter(project__office__code="SPM12", quarter__fiscal_year__year=2570)
    assert live.filter(state=State.SUBMITTED).exists() and live.filter(state=State.VERIFIED).exists()
    now = _now_on(day)
    assert not ReportEvent.objects.filter(at__gt=now).exists()
    assert not QuarterlyReport.objects.filter(submitted_at__gt=now).exists()
    assert not QuarterlyReport.objects.filter(created_at__gt=now).exists()
    assert not ActionEvent.objects.filter(at__gt=now).exists()
    assert not AnnualReport.objects.filter(decided_at__gt=now).exists()


@pytest.mark.django_db
def test_the_previous_year_is_closed_with_an_approved_edition_and_seeding_again_changes_nothing():
    seed("2026-12-03")
    reports = QuarterlyReport.objects.filter(project__office__code="SPM12", quarter__fiscal_year__year=2569)
    projects = Project.objects.filter(office__code="SPM12", fiscal_year__year=2569).count()
    assert reports.count() == 4 * projects
    assert set(reports.values_list("state", flat=True)) == {State.APPROVED}
    assert reports.filter(timeliness=QuarterlyReport.Timeliness.LATE).exists()
    assert reports.filter(timeliness=QuarterlyReport.Timeliness.LATE).count() < reports.count() / 4
    assert Disbursement.objects.filter(quarter__fiscal_year__year=2569, project__office__code="SPM12").count() == reports.count()
    edition = AnnualReport.objects.get(fiscal_year__year=2569, fiscal_year__office__code="SPM12", audience="pec")
    assert AnnualReport.objects.filter(fiscal_year=edition.fiscal_year, audience="othr", state="approved").exists()
    assert edition.state == AnnualReport.State.APPROVED and edition.decided_at is not None and edition.sha256
    assert edition.file and edition.pages and edition.snapshot
    # Budget by category: capital projects with disbursements, shown against the capital target.
    assert Disbursement.objects.filter(quarter__fiscal_year__year=2569, project__office__code="SPM12",
                                       project__budget_category=Project.BudgetCategory.INVESTMENT).exists()
    assert "investment" in [c["category"] for c in edition.snapshot["budget_categories"]]
    # The closed year ends at 90–100 % of each project's budget, none above.
    for project in Project.objects.filter(office__code="SPM12", fiscal_year__year=2569):
        paid = sum(project.disbursements.values_list("amount", flat=True), 0)
        assert project.total_budget * 90 / 100 <= paid <= project.total_budget, (project.code, paid)
    # An investment activity under an operating project, in both years: split by its activities' budgets.
    for year in (2569, 2570):
        assert Project.objects.filter(fiscal_year__year=year, office__code="SPM12").exclude(
            budget_category=Project.BudgetCategory.INVESTMENT).filter(
            activities__budget_category=Project.BudgetCategory.INVESTMENT).count() == 1
    actions = FollowUpAction.objects.filter(recommendation__issue__round__fiscal_year__year=2569)
    assert actions.exists() and set(actions.values_list("state", flat=True)) == {FollowUpAction.State.CLOSED}
    # The closed year's indicators: most met, a few not, one without a result (linked after the last form).
    counts = figures.year(edition.fiscal_year).indicator_counts
    assert counts["met"] > counts["not_yet"] + counts["no_data"] and counts["not_yet"] >= 1
    assert counts["no_data"] == 1 and counts["reported"] == 1
    # FY 2562 keeps the source document's calendar.
    assert FiscalYear.objects.filter(year=2562, office__code="SPM12").get().calendar_activities.count() == 4

    def counts():
        models = (FiscalYear, Quarter, Project, QuarterlyReport, ReportEvent, Disbursement, AnnualReport,
                  InspectionRound, FollowUpAction, MonitoringRound)
        return {m.__name__: m.objects.count() for m in models}, list(
            FiscalYear.objects.order_by("pk").values_list("window_opens_days_before_end", flat=True))

    before = counts()
    seed("2026-12-03")
    assert counts() == before


def test_today_must_be_a_date():
    with pytest.raises(CommandError):
        call_command("seed_demo", "--today", "3/12/2026", stdout=StringIO())


@pytest.mark.django_db
def test_the_central_viewer_sees_a_region_of_offices_with_varied_figures():
    from reporting import rollup

    seed("2026-12-03")
    central = User.objects.get(email="central@obec.example.go.th")
    data = rollup.build(rollup.scope(central), year=2569, quarter=4, today=date(2026, 12, 3))
    region = [row for row in data.rows if row.office.parent and row.office.parent.code == "REG5"]
    assert 5 <= len(region) <= 8 and len(data.rows) == len(region) + 2  # and the two offices of before
    assert any(row.forms.late for row in region) and any(row.forms.missing for row in region)
    assert any(not row.forms.late and not row.forms.missing for row in region)
    assert len({row.disbursed_percent for row in region}) >= 4 and any(row.below_target for row in region)
    # Plausible to a reader: no office pays out more than its budget, a share of students is at most 100 %, and
    # not every office meets its indicator.
    assert all(row.disbursed <= row.budget for row in region), [(r.office.code, r.disbursed_percent) for r in region]
    assert any(row.met for row in region) and any(row.not_yet for row in region)
    from projects.models import IndicatorResult

    shares = IndicatorResult.objects.filter(target__indicator__unit="ร้อยละ", report__project__fiscal_year__office__in=[
        row.office for row in region]).values_list("value", flat=True)
    assert shares and max(shares) <= 100
    live = rollup.build(rollup.scope(central), year=2570, quarter=1, today=date(2026, 12, 3))
    assert all(row.projects for row in live.rows if row.office.parent.code == "REG5")
