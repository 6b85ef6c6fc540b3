"""Every fiscal year has its action plan and disbursement targets from the moment it exists, so that reading
the plan's page writes nothing (it used to create them on the first visit)."""

from django.db import migrations

# The shipped cumulative disbursement targets per quarter, as in plans.models.DisbursementTarget.DEFAULTS
# when this migration was written.
DEFAULTS = {"overall": (32, 54, 77, 100), "current": (36, 57, 80, 100), "capital": (20, 45, 65, 100)}


def forwards(apps, schema_editor):
    FiscalYear = apps.get_model("plans", "FiscalYear")
    ActionPlan = apps.get_model("plans", "ActionPlan")
    DisbursementTarget = apps.get_model("plans", "DisbursementTarget")
    for fy in FiscalYear.objects.all():
        ActionPlan.objects.get_or_create(fiscal_year=fy)
        existing = set(DisbursementTarget.objects.filter(fiscal_year=fy).values_list("budget_type", "quarter"))
        DisbursementTarget.objects.bulk_create([
            DisbursementTarget(fiscal_year=fy, budget_type=budget_type, quarter=quarter, cumulative_percent=percent)
            for budget_type, percents in DEFAULTS.items()
            for quarter, percent in enumerate(percents, start=1)
            if (budget_type, quarter) not in existing
        ])


class Migration(migrations.Migration):
    dependencies = [("plans", "0003_reporting_window")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
