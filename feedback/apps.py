from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    name = "feedback"
    verbose_name = _("Satisfaction survey")

    def ready(self):
        from plans import pending

        from . import pending as survey_pending

        pending.register("satisfaction", survey_pending.items)
