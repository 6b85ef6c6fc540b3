from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "reporting"
    verbose_name = _("Reporting")

    def ready(self):
        from plans import pending

        from . import pending as editions_pending

        pending.register("editions", editions_pending.items)

        from reminders.sources import register_source

        from .reminders import EDITIONS_SOURCE

        register_source(EDITIONS_SOURCE)

        from reviews import engine

        from .tasks import warm_after_move

        engine.on_move(warm_after_move)  # approvals warm the annual report's parts (issue 19)
