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
            issues = InspectionIssue.objects.visible_to(user).filter(round__office=office, state=state)
            if fiscal_year is not None:  # None: every year's
                issues = issues.filter(round__fiscal_year=fiscal_year)
            return issues.select_related("round__fiscal_year", "responsible")

        def results(user, *, office, fiscal_year, state):
            results = MonitoringResult.objects.visible_to(user).filter(round__fiscal_year__office=office, state=state)
            if fiscal_year is not None:  # None: every year's
                results = results.filter(round__fiscal_year=fiscal_year)
            return results.select_related("round__fiscal_year", "indicator", "responsible")

        # Inspection reports and indicator results wait in the forms' review and approval queues.
        queues.register("issues", issues)
        queues.register("results", results)

        from reminders.sources import register_source

        from .reminders import ACTIONS_SOURCE, ROUNDS_SOURCE

        register_source(ACTIONS_SOURCE)
        register_source(ROUNDS_SOURCE)

        # Every new office starts with the default inspecting bodies (migration 0004 gave the existing ones).
        from django.db.models.signals import post_save

        from accounts.models import Office

        post_save.connect(_office_created, sender=Office, dispatch_uid="inspections-default-bodies")


def _office_created(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        from .models import seed_default_bodies

        seed_default_bodies(instance)
