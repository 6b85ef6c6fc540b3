from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionsConfig(AppConfig):
    name = "inspections"
    verbose_name = _("Inspections and policy monitoring")

    def ready(self):
        from reminders.sources import register_source

        from .reminders import ACTIONS_SOURCE

        register_source(ACTIONS_SOURCE)
