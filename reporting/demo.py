"""Demo annual report: the closed year's edition for the provincial committee, built and approved."""

from datetime import timedelta

from accounts import democlock
from projects.demo_reports import Actors

from .models import AnnualReport, Audience
from .tasks import generate_annual_report


def seed(fy) -> AnnualReport | None:
    """Generate ``fy``'s กศจ. edition through the normal path (snapshot, PDF) and approve it; idempotent."""
    State = AnnualReport.State
    done = AnnualReport.objects.filter(fiscal_year=fy, audience=Audience.PEC, state=State.APPROVED).first()
    if done is not None:
        _issue(done)
        return done
    actors = Actors.of(fy.office)
    if actors.planning is None or actors.director is None:
        return None
    clock = democlock.current()
    with clock.at(fy.end + timedelta(days=20)) as generated:
        report = AnnualReport.objects.create(office=fy.office, fiscal_year=fy, audience=Audience.PEC,
                                             created_by=actors.planning)
        generate_annual_report(report.pk)
    with clock.at(generated + timedelta(days=3)) as decided:
        AnnualReport.objects.filter(pk=report.pk, state=State.DRAFT).update(
            state=State.APPROVED, decided_by=actors.director, decided_at=decided)
    report.refresh_from_db()
    _issue(report)
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
