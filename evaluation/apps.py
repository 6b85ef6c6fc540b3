from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    name = "evaluation"
    verbose_name = _("Annual plan evaluation")

    def ready(self):
        from projects.plan import register_panel
        from reminders.sources import register_source

        from . import workflow  # noqa: F401 (registers the summary's moves table with reviews.engine)
        from .panels import lessons_panel
        from .reminders import EVALUATION_SOURCE

        register_source(EVALUATION_SOURCE)
        # The next year's plan shows the lessons of the year before it.
        register_panel("evaluation-lessons", lessons_panel)
