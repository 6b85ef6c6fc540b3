from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = _("Projects and quarterly progress")

    def ready(self):
        from reminders.sources import register_digest_section, register_source

        from .reminders import FORMS_DIGEST, FORMS_SOURCE

        register_source(FORMS_SOURCE)
        register_digest_section(FORMS_DIGEST)

        from plans import pending

        from . import pending as forms_pending

        pending.register("forms", forms_pending.items)
