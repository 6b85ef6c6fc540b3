"""The home page's pending work of the annual report: the director's drafts to approve, planning staff's
returned editions. Registered with ``plans.pending``."""

from accounts.permissions import DIRECTORS, MANAGERS, acts_for

from .models import AnnualReport

State = AnnualReport.State


def items(user, *, office, today) -> list[dict]:
    states = []
    if acts_for(user, office, *DIRECTORS):
        states.append(State.DRAFT)
    if acts_for(user, office, *MANAGERS):
        states.append(State.RETURNED)
    if not states:
        return []
    editions = list(AnnualReport.objects.filter(office=office, state__in=states)
                    .select_related("fiscal_year").order_by("-fiscal_year__year", "-created_at")[:20])
    if not editions:
        return []
    return [{"template": "reporting/_home_editions.html", "key": "editions",
             "to_approve": [e for e in editions if e.state == State.DRAFT],
             "returned": [e for e in editions if e.state == State.RETURNED]}]
