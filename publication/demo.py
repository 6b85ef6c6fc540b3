"""Demo publication: the main office publishes its approved results, with the closed year's edition for others
concerned approved (the edition that names no staff, so its PDF is offered); the second office does not publish
(the default)."""

from datetime import timedelta

from accounts import democlock
from projects.demo_reports import Actors
from reporting.models import AnnualReport, Audience
from reporting.tasks import generate_annual_report

from .models import Setting


def seed(office, closed_year=None) -> Setting:
    setting, _created = Setting.objects.get_or_create(office=office, defaults={"publishes": True})
    if not setting.publishes:
        Setting.objects.filter(pk=setting.pk).update(publishes=True)
        setting.refresh_from_db()
    if closed_year is not None:
        public_edition(closed_year)
    return setting


def public_edition(fy) -> AnnualReport | None:
    """The closed year's edition for others concerned, generated through the normal path and approved; idempotent."""
    State = AnnualReport.State
    done = AnnualReport.objects.filter(fiscal_year=fy, audience=Audience.OTHERS, state=State.APPROVED).first()
    if done is not None:
        return done
    actors = Actors.of(fy.office)
    if actors.planning is None or actors.director is None:
        return None
    clock = democlock.current()
    with clock.at(fy.end + timedelta(days=21)) as generated:
        report = AnnualReport.objects.create(office=fy.office, fiscal_year=fy, audience=Audience.OTHERS,
                                             created_by=actors.planning)
        generate_annual_report(report.pk)
    with clock.at(generated + timedelta(days=2)) as decided:
        AnnualReport.objects.filter(pk=report.pk, state=State.DRAFT).update(
            state=State.APPROVED, decided_by=actors.director, decided_at=decided)
    report.refresh_from_db()
    return report
