"""The home page's entry for an evaluator with an account: each evaluation still to answer (not answered yet,
its year's form open until its deadline), linking to the answer page. Registered with ``plans.pending``;
two queries whatever the number of invitations."""

from .models import EvaluationForm, Invitation


def items(user, *, office, today) -> list[dict]:
    if not user.is_authenticated or user.office_id is None or user.office_id != getattr(office, "pk", None):
        return []
    invitations = list(Invitation.objects.filter(user=user, answered_at__isnull=True)
                       .select_related("evaluation__project__fiscal_year").order_by("evaluation__project__code"))
    if not invitations:
        return []
    years = {i.evaluation.project.fiscal_year_id for i in invitations}
    deadlines = {}  # fiscal year id → deadline of its current (latest) form version
    for year_id, deadline in (EvaluationForm.objects.filter(fiscal_year_id__in=years)
                              .order_by("fiscal_year_id", "version").values_list("fiscal_year_id", "deadline")):
        deadlines[year_id] = deadline
    waiting = [(i, deadlines[i.evaluation.project.fiscal_year_id]) for i in invitations
               if deadlines.get(i.evaluation.project.fiscal_year_id) and
               today <= deadlines[i.evaluation.project.fiscal_year_id]]
    if not waiting:
        return []
    return [{"template": "evaluation/_home_pending.html", "key": "evaluation", "waiting": waiting}]
