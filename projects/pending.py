"""The home page's pending work of the forms: an owner's returned and due forms, the review and approval
queues of planning staff and the director, finance's quarter to fill. Registered with ``plans.pending``."""

from django.db.models import Count, Q

from accounts.permissions import DIRECTORS, FINANCE, OWNERS, PLANNERS, PROJECT_EDITORS, acts_for, has_any
from plans.models import Quarter
from reviews import queues

from .models import Disbursement, Project, QuarterlyReport

State = QuarterlyReport.State


def my_projects(user):
    """The projects whose forms ``user`` fills: owners their own, group heads their group's. Planning staff and
    the director may edit every project of the office, but only the ones they own are theirs to fill."""
    projects = Project.objects.editable_by(user).exclude(status=Project.Status.CANCELLED)
    if user.is_superuser or has_any(user, *PROJECT_EDITORS):
        projects = projects.filter(owners=user)
    return projects


def returned_forms(user):
    """The forms returned to ``user`` for changes, of any fiscal year, oldest quarter first."""
    return (QuarterlyReport.objects.filter(project__in=my_projects(user), state=State.RETURNED)
            .select_related("project", "quarter__fiscal_year")
            .order_by("quarter__fiscal_year__year", "quarter__number", "project__code"))


def _owner(user, *, office, today):
    """Returned forms (with the reason) and the forms whose reporting window is open and not yet sent."""
    projects = list(my_projects(user).select_related("fiscal_year").order_by("code"))
    if not projects:
        return []
    returned = list(returned_forms(user))
    quarters = [q for q in Quarter.objects.filter(fiscal_year__in={p.fiscal_year_id for p in projects})
                .select_related("fiscal_year").order_by("fiscal_year__year", "number")
                if q.accepts_reports_on(today) and q.needs_form]
    reports = {(r.project_id, r.quarter_id): r for r in QuarterlyReport.objects.filter(
        project__in=projects, quarter__in=quarters).only("id", "project_id", "quarter_id", "state")}
    due = []
    for quarter in quarters:
        for project in projects:
            if project.fiscal_year_id != quarter.fiscal_year_id:
                continue
            report = reports.get((project.pk, quarter.pk))
            if report is None or report.state == State.DRAFT:
                due.append({"project": project, "quarter": quarter, "report": report,
                            "overdue": quarter.due_date < today})
    return [{"template": "projects/_home_forms.html", "key": "forms", "returned": returned, "due": due}]


def _by_year(reports) -> list[dict]:
    """[{"year": 2569, "count": 3}, …] newest year first: one query."""
    return [{"year": row["quarter__fiscal_year__year"], "count": row["count"]} for row in
            reports.values("quarter__fiscal_year__year").annotate(count=Count("id"))
            .order_by("-quarter__fiscal_year__year")]


def _queue(user, *, office, state, url_name, title_key):
    forms = _by_year(QuarterlyReport.objects.visible_to(user).filter(project__office=office, state=state))
    others = sum(items.count() for items in
                 queues.waiting(user, office=office, fiscal_year=None, state=state).values())
    return {"template": "projects/_home_queue.html", "key": title_key, "url_name": url_name, "years": forms,
            "forms": sum(row["count"] for row in forms), "others": others}


def _reviewer(user, *, office, today):
    if not acts_for(user, office, *PLANNERS):
        return []
    return [_queue(user, office=office, state=State.SUBMITTED, url_name="projects:review_queue",
                   title_key="review")]


def _director(user, *, office, today):
    if not acts_for(user, office, *DIRECTORS):
        return []
    return [_queue(user, office=office, state=State.VERIFIED, url_name="projects:approval_queue",
                   title_key="approve")]


def quarter_to_fill(office, today):
    """The quarter finance fills now: the latest one of the office whose reporting window has opened."""
    candidates = (Quarter.objects.filter(fiscal_year__office=office, start_date__lte=today)
                  .select_related("fiscal_year").order_by("-end_date")[:3])
    return next((q for q in candidates if q.window_opens() <= today), None)


def _finance(user, *, office, today):
    if not acts_for(user, office, *FINANCE):
        return []
    quarter = quarter_to_fill(office, today)
    if quarter is None:
        return []
    projects = Project.objects.filter(office=office, fiscal_year=quarter.fiscal_year).exclude(
        status=Project.Status.CANCELLED)
    counts = projects.aggregate(total=Count("id"), recorded=Count(
        "id", filter=Q(pk__in=Disbursement.objects.filter(quarter=quarter).values("project_id"))))
    return [{"template": "projects/_home_finance.html", "key": "finance", "quarter": quarter,
             "total": counts["total"], "recorded": counts["recorded"],
             "missing": counts["total"] - counts["recorded"]}]


def items(user, *, office, today) -> list[dict]:
    blocks = []
    if user.is_superuser or has_any(user, *OWNERS, *PROJECT_EDITORS):
        blocks += _owner(user, office=office, today=today)
    for source in (_reviewer, _director, _finance):
        blocks += source(user, office=office, today=today)
    return blocks
