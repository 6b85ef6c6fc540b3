from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    name = "evaluation"
    verbose_name = _("Annual plan evaluation")

    def ready(self):
        from plans import pending
        from projects.plan import register_panel
        from reminders.sources import register_source

        from . import pending as evaluation_pending
        from . import workflow  # noqa: F401 (registers the summary's moves table with reviews.engine)
        from .panels import lessons_panel
        from .reminders import EVALUATION_SOURCE

        register_source(EVALUATION_SOURCE)
        # An evaluator with an account finds the evaluations still to answer on the home page.
        pending.register("evaluation", evaluation_pending.items)
        # The next year's plan shows the lessons of the year before it.
        register_panel("evaluation-lessons", lessons_panel)
