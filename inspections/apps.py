from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionsConfig(AppConfig):
    name = "inspections"
    verbose_name = _("Inspections and policy monitoring")

    def ready(self):
        from reviews import queues

        from . import workflow  # noqa: F401 (registers the inspection records' moves tables with reviews.engine)
        from .models import InspectionIssue, MonitoringResult

        def issues(user, *, office, fiscal_year, state):
            return (InspectionIssue.objects.visible_to(user)
                    .filter(round__office=office, round__fiscal_year=fiscal_year, state=state)
                    .select_related("round", "responsible"))

        def results(user, *, office, fiscal_year, state):
            return (MonitoringResult.objects.visible_to(user)
                    .filter(round__fiscal_year=fiscal_year, round__fiscal_year__office=office, state=state)
                    .select_related("round", "indicator", "responsible"))

        # Inspection reports and indicator results wait in the forms' review and approval queues.
        queues.register("issues", issues)
        queues.register("results", results)

        from reminders.sources import register_source

        from .reminders import ACTIONS_SOURCE

        register_source(ACTIONS_SOURCE)
