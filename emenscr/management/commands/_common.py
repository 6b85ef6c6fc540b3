from django.core.management.base import CommandError

from plans.models import FiscalYear


def fiscal_years(year: int, office_code: str | None):
    years = FiscalYear.objects.filter(year=year).select_related("office").order_by("office__code")
    if office_code:
        years = years.filter(office__code=office_code)
    years = list(years)
    if not years:
        raise CommandError(f"No fiscal year {year}" + (f" in office {office_code}." if office_code else "."))
    return years


def stage_of(stages, code: str):
    stage = next((s for s in stages if s.code.casefold() == code.casefold()), None)
    if stage is None:
        raise CommandError(f"No stage {code}; the stages are {', '.join(s.code for s in stages)}.")
    return stage
