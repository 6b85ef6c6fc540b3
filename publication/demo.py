"""Demo publication: the main office publishes its approved results; the second office does not (the default)."""

from .models import Setting


def seed(office, *, by=None) -> Setting:
    setting, _created = Setting.objects.get_or_create(office=office, defaults={"publishes": True, "updated_by": by})
    if not setting.publishes:
        Setting.objects.filter(pk=setting.pk).update(publishes=True)
        setting.refresh_from_db()
    return setting
