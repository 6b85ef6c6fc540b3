"""The home page's invitation to answer the satisfaction questionnaire, while the user has not answered it this
fiscal year. Registered with ``plans.pending``; one query."""

from plans.lib.fiscal import fiscal_year_of

from .models import SurveyAnswer


def items(user, *, office, today) -> list[dict]:
    if user.office_id is None or user.office_id != getattr(office, "pk", None):
        return []
    from plans.models import FiscalYear

    year = fiscal_year_of(today)
    fy = FiscalYear.objects.filter(office_id=user.office_id, year=year).exclude(
        pk__in=SurveyAnswer.objects.filter(user=user).values("fiscal_year")).first()
    if fy is None:
        return []
    return [{"template": "feedback/_home_invitation.html", "key": "satisfaction", "fy": fy}]
