from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RemindersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "reminders"
    verbose_name = _("Reminders and notices")

    def ready(self):
        from .calendar import CALENDAR_SOURCE
        from .sources import register_source

        register_source(CALENDAR_SOURCE)
