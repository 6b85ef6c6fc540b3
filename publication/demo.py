"""Demo publication: the main office publishes its approved results, with the closed year's edition for others
concerned approved (the edition that names no staff, so its PDF is offered); the second office does not publish
(the default)."""

from datetime import timedelta

from reporting import demo as reporting_demo
from reporting.models import AnnualReport, Audience

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
    return reporting_demo.approved_edition(fy, Audience.OTHERS, generated_after=timedelta(days=21),
                                           decided_after=timedelta(days=2))
