"""The action plan's page: the fiscal year's policy tree with the projects and budget beneath each strategy.

The plan itself (policies, strategies, indicators, targets, its status) is the plans app's; this page adds
up the projects linked to it, so it lives with the projects.
"""

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Sum
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.permissions import DIRECTORS, MANAGERS, acts_for
from plans import services as plan_services
from plans.forms import ActionPlanForm, CopyTreeForm, DisbursementTargetsForm
from plans.models import ActionPlan, DisbursementTarget, FiscalYear
from plans.views import get_fiscal_year_for_user

from .models import Project

# Parts of the plan page that higher apps add (the evaluation's lessons of the year before): key → panel(request,
# fy) returning None or a dict with the ``template`` that renders it and what that template needs. Registered in
# the adding app's AppConfig.ready(); each panel runs a bounded number of queries.
PANELS: dict = {}


def register_panel(key: str, panel) -> None:
    PANELS[key] = panel


def plan_tree(fy, *, projects=None) -> list[dict]:
    """The policy tree of a fiscal year with the projects and budget under each node.

    A node's budget is the total of the distinct projects linked to it or to any node beneath it;
    ``projects`` (a queryset, normally ``Project.objects.visible_to(user)``) limits what is counted.
    Runs a fixed number of queries whatever the size of the plan.
    """
    if projects is None:
        projects = Project.objects.all()
    projects = projects.filter(fiscal_year=fy)
    items = list(fy.plan_items.select_related("owner_group").order_by("order", "code"))
    indicators: dict = {}
    for indicator in fy.indicators.order_by("order", "code"):
        indicators.setdefault(indicator.plan_item_id, []).append(indicator)
    budgets = dict(projects.with_budget().values_list("pk", "budget_total"))
    links: dict[int, set[int]] = {}
    for project_id, item_id in Project.strategies.through.objects.filter(
        planitem__fiscal_year=fy
    ).values_list("project_id", "planitem_id"):
        if project_id in budgets:
            links.setdefault(item_id, set()).add(project_id)
    children: dict = {}
    for item in items:
        children.setdefault(item.parent_id, []).append(item)

    def build(item, depth: int) -> tuple[dict, set[int]]:
        nodes, projects = [], set(links.get(item.pk, set()))
        for child in children.get(item.pk, []):
            node, child_projects = build(child, depth + 1)
            nodes.append(node)
            projects |= child_projects
        return {
            "item": item, "depth": depth, "children": nodes, "indicators": indicators.get(item.pk, []),
            "project_count": len(projects), "budget": sum((budgets.get(p, 0) for p in projects), 0),
        }, projects

    return [build(root, 0)[0] for root in children.get(None, [])]


def flatten_tree(nodes: list[dict]) -> list[dict]:
    rows = []
    for node in nodes:
        rows.append(node)
        rows.extend(flatten_tree(node["children"]))
    return rows


@login_required
@require_GET
def plan_overview(request, year: int):
    fy = get_fiscal_year_for_user(request, year)
    # Reading writes nothing: every year gets its plan when it is created (a year older than that shows an
    # unsaved one until planning saves its settings).
    plan = ActionPlan.objects.filter(fiscal_year=fy).first() or ActionPlan(fiscal_year=fy)
    visible = Project.objects.visible_to(request.user).filter(fiscal_year=fy)
    tree = flatten_tree(plan_tree(fy, projects=visible))
    visible = visible.with_budget()
    by_source = {
        row["source"]: row for row in visible.values("source").annotate(count=Count("pk"), budget=Sum("budget_total"))
    }
    by_group = visible.values("group__name", "group__order").annotate(
        count=Count("pk"), budget=Sum("budget_total")).order_by("group__order")
    sources = [
        {"label": label, "count": by_source.get(key, {}).get("count", 0), "budget": by_source.get(key, {}).get("budget") or 0}
        for key, label in Project.Source.choices
    ]
    can_manage = acts_for(request.user, fy.office_id, *MANAGERS)
    years = list(FiscalYear.objects.filter(office=fy.office).exclude(pk=fy.pk).values_list("year", flat=True))
    targets = list(fy.disbursement_targets.all())
    return render(request, "plans/plan_overview.html", {
        "fy": fy, "plan": plan, "tree": tree, "sources": sources, "groups": by_group,
        "loose_indicators": fy.indicators.filter(plan_item__isnull=True).order_by("order", "code"),
        "projects_total": sum((s["budget"] for s in sources), 0),
        "targets_form": DisbursementTargetsForm(fiscal_year=fy, targets=targets) if can_manage else None,
        "targets": {(t.budget_type, t.quarter): t.cumulative_percent for t in targets},
        "budget_types": DisbursementTarget.BudgetType.choices,
        "copy_form": CopyTreeForm(years=years) if can_manage and years else None,
        "plan_form": ActionPlanForm(instance=plan) if can_manage else None,
        "can_manage": can_manage,
        "can_approve": acts_for(request.user, fy.office_id, *DIRECTORS),
        "panels": [block for block in (panel(request, fy) for panel in PANELS.values()) if block],
    })
