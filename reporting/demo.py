"""Demo annual report: the closed year's edition for the provincial committee, built and approved."""

from datetime import timedelta
from decimal import Decimal

from accounts import democlock
from projects.demo_reports import Actors

from .models import AnnualReport, Audience
from .tasks import generate_annual_report


def seed(fy) -> AnnualReport | None:
    """Generate ``fy``'s กศจ. edition through the normal path (snapshot, PDF) and approve it; idempotent."""
    report = approved_edition(fy, Audience.PEC, generated_after=timedelta(days=20), decided_after=timedelta(days=3))
    if report is not None:
        _issue(report)
    return report


def approved_edition(fy, audience, *, generated_after: timedelta, decided_after: timedelta) -> AnnualReport | None:
    """``fy``'s edition for ``audience``, generated through the normal path (snapshot, PDF) ``generated_after`` the
    year's end by planning and approved ``decided_after`` that by the director; idempotent."""
    State = AnnualReport.State
    done = AnnualReport.objects.filter(fiscal_year=fy, audience=audience, state=State.APPROVED).first()
    if done is not None:
        return done
    actors = Actors.of(fy.office)
    if actors.planning is None or actors.director is None:
        return None
    clock = democlock.current()
    with clock.at(fy.end + generated_after) as generated:
        report = AnnualReport.objects.create(office=fy.office, fiscal_year=fy, audience=audience,
                                             created_by=actors.planning)
        generate_annual_report(report.pk)
    with clock.at(generated + decided_after) as decided:
        AnnualReport.objects.filter(pk=report.pk, state=State.DRAFT).update(
            state=State.APPROVED, decided_by=actors.director, decided_at=decided)
    report.refresh_from_db()
    return report


def _issue(report: AnnualReport) -> None:
    """The approved edition went out by letter two days after its approval (never a future date)."""
    if report.is_issued or report.decided_at is None:
        return
    from django.utils import timezone

    from .annual import AUDIENCES

    day = min(timezone.localtime(report.decided_at).date() + timedelta(days=2), democlock.current().today)
    AnnualReport.objects.filter(pk=report.pk).update(
        issued_on=day, issued_letter_no=f"ศธ 04286/{report.fiscal_year.year % 100}{report.pk:02d}",
        issued_to=AUDIENCES[report.audience]["addressee"], issued_by=report.decided_by)
    report.refresh_from_db()


# A region (สำนักงานศึกษาธิการภาค) with area offices beneath it, for the central viewers' roll-up: (code, name,
# kind, province, projects, share of forms sent late, share never sent, disbursed share of the target).
REGION = ("REG5", "สำนักงานศึกษาธิการภาค 5", "นครศรีธรรมราช")
REGION_OFFICES = (
    ("SPPNST1", "สำนักงานเขตพื้นที่การศึกษาประถมศึกษานครศรีธรรมราช เขต 1", "spp", "นครศรีธรรมราช", 12, 0, 0, 1.05),
    ("SPPNST2", "สำนักงานเขตพื้นที่การศึกษาประถมศึกษานครศรีธรรมราช เขต 2", "spp", "นครศรีธรรมราช", 9, 3, 1, 0.80),
    ("SPPSRT1", "สำนักงานเขตพื้นที่การศึกษาประถมศึกษาสุราษฎร์ธานี เขต 1", "spp", "สุราษฎร์ธานี", 14, 1, 0, 0.95),
    ("SPPPLG1", "สำนักงานเขตพื้นที่การศึกษาประถมศึกษาพัทลุง เขต 1", "spp", "พัทลุง", 8, 2, 3, 0.55),
    ("SPPCPN1", "สำนักงานเขตพื้นที่การศึกษาประถมศึกษาชุมพร เขต 1", "spp", "ชุมพร", 10, 4, 2, 0.70),
    ("SPMSRT", "สำนักงานเขตพื้นที่การศึกษามัธยมศึกษาสุราษฎร์ธานี ชุมพร", "spm", "สุราษฎร์ธานี", 11, 0, 1, 1.20),
)


def seed_region(parent, years, today) -> list:
    """The region and its offices, each with ``years``' projects, forms of the quarters already due (some late,
    some never sent), disbursements against the target and one indicator; cheap (bulk inserts) and idempotent
    (a year that has projects is left as it is). Nothing is dated after ``today``."""
    from django.db import transaction

    from accounts.models import Office
    from plans.services import get_or_create_fiscal_year

    offices = []
    with transaction.atomic():
        code, name, province = REGION
        region, _ = Office.objects.update_or_create(code=code, defaults={
            "name": name, "kind": Office.Kind.REGION, "province": province, "parent": parent})
        for n, (code, name, kind, province, count, late, missing, pace) in enumerate(REGION_OFFICES):
            office, _ = Office.objects.update_or_create(code=code, defaults={
                "name": name, "kind": kind, "province": province, "parent": region})
            offices.append(office)
            for year in years:
                _seed_year(get_or_create_fiscal_year(office, year)[0], n, count, late, missing, pace, today)
    return offices


def _seed_year(fy, n, count, late, missing, pace, today) -> None:
    from datetime import datetime, time, timedelta
    from zoneinfo import ZoneInfo

    from django.utils import timezone

    from accounts.models import WorkGroup
    from plans.models import DisbursementTarget, Indicator
    from projects.models import Disbursement, IndicatorResult, Project, ProjectIndicator, QuarterlyReport

    bangkok = ZoneInfo("Asia/Bangkok")
    office, year = fy.office, fy.year
    if Project.objects.filter(fiscal_year=fy).exists():
        return
    plan, _ = WorkGroup.objects.get_or_create(office=office, code="PLAN", defaults={
        "name": "กลุ่มนโยบายและแผน", "name_en": "Policy and Planning Group", "order": 2})
    promo, _ = WorkGroup.objects.get_or_create(office=office, code="PROMO", defaults={
        "name": "กลุ่มส่งเสริมการจัดการศึกษา", "name_en": "Educational Promotion Group", "order": 5})
    projects = Project.objects.bulk_create([Project(
        office=office, fiscal_year=fy, code=f"{year}-{i + 1:02d}", group=promo if i % 3 else plan,
        name=f"โครงการพัฒนาคุณภาพการศึกษา {i + 1}", budget_obec=Decimal(50000 + 15000 * ((i + n) % 7)),
        status=Project.Status.IN_PROGRESS) for i in range(count)])
    indicator = Indicator.objects.create(
        fiscal_year=fy, code="R1", name="ร้อยละของนักเรียนที่มีผลสัมฤทธิ์ทางการเรียนผ่านเกณฑ์", unit="ร้อยละ",
        target_value=Decimal(80))
    targets = ProjectIndicator.objects.bulk_create([
        ProjectIndicator(project=p, indicator=indicator, target_value=Decimal(80)) for p in projects[:4]])
    started = [q for q in fy.quarters.order_by("number") if q.start_date <= today]
    quarters = [q for q in started if q.due_date < today and q.needs_form]
    percents = dict(DisbursementTarget.objects.filter(
        fiscal_year=fy, budget_type=DisbursementTarget.BudgetType.OVERALL).values_list(
        "quarter", "cumulative_percent"))
    reports, paid = [], []
    for q in started:
        for i, project in enumerate(projects if q in quarters else ()):
            if i >= count - missing:
                continue  # never sent
            is_late = i < late
            sent = min(datetime.combine(q.due_date + timedelta(days=2) if is_late else
                                        q.end_date + timedelta(days=3), time(10), bangkok), timezone.now())
            reports.append(QuarterlyReport(
                project=project, quarter=q, state=QuarterlyReport.State.APPROVED if i % 2 else
                QuarterlyReport.State.SUBMITTED, first_submitted_at=sent, submitted_at=sent,
                timeliness=QuarterlyReport.Timeliness.LATE if is_late else QuarterlyReport.Timeliness.ON_TIME))
        # Paid at ``pace`` times the cumulative target, never more than the budget (an office ahead of its
        # target reaches 100 % early and pays nothing more).
        before = _paced(percents.get(q.number - 1, 0) if q.number > 1 else 0, pace)
        share = (_paced(percents.get(q.number, 0), pace) - before) / 100
        paid += [Disbursement(project=p, quarter=q, amount=(p.budget_obec * share).quantize(Decimal("0.01")))
                 for p in projects if share > 0]
    reports = QuarterlyReport.objects.bulk_create(reports)
    Disbursement.objects.bulk_create(paid)
    by_project = {(r.project_id, r.quarter_id): r for r in reports}
    results = []
    for t in targets:
        for q in quarters:
            report = by_project.get((t.project_id, q.pk))
            if report is not None:
                results.append(IndicatorResult(report=report, target=t, value=_share_passing(q.number, n, pace)))
    IndicatorResult.objects.bulk_create(results)


def _paced(cumulative_percent, pace) -> Decimal:
    """The cumulative share of the budget paid (%) by an office paying at ``pace`` times its target: at most 100."""
    return min(Decimal(cumulative_percent) * Decimal(str(pace)), Decimal(100))


def _share_passing(quarter: int, n: int, pace) -> Decimal:
    """R1's result, a share of students (%): rising through the year, faster in offices that keep pace, so that
    some offices meet the target of 80 by the fourth quarter and the slowest do not; never above 100."""
    return min(Decimal(45) + Decimal(10 * quarter) * Decimal(str(pace)) + 3 * (n % 3), Decimal(98)).quantize(
        Decimal("0.01"))
