from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EmenscrConfig(AppConfig):
    name = "emenscr"
    verbose_name = _("eMENSCR national system")

    def ready(self):
        from . import workflow  # noqa: F401 (registers the entry's moves with the review engine)
        from projects import tabs

        from .access import sees_emenscr

        tabs.register(tabs.Tab("emenscr", _("eMENSCR"), "emenscr:project", sees_emenscr))

        from reminders.sources import register_source

        from .reminders import WINDOWS_SOURCE

        register_source(WINDOWS_SOURCE)

        from projects.planbook import columns

        from .planbook import register_columns

        register_columns(columns)
