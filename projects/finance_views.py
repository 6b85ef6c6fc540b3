"""Finance: the amount disbursed per project per quarter, beside the owner's own spent figure."""

from collections import defaultdict
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.models import WorkGroup
from accounts.offices import current_office
from accounts.permissions import DISBURSEMENT_READERS, FINANCE, acts_for, has_any
from plans.models import DisbursementTarget
from documents.excel import cells

from . import categories as budget_categories
from . import workflow
from .models import CATEGORY_TARGET, Disbursement, Project, QuarterlyReport
from .report_views import _fiscal_year

def _may_view(user) -> bool:
    return has_any(user, *DISBURSEMENT_READERS)


def _may_enter(user, office) -> bool:
    """Finance records the disbursements of its own office."""
    return acts_for(user, office, *FINANCE)


def parse_amount(text: str) -> Decimal | None:
    """'12,500.50', Thai digits or a trailing บาท, as the Excel import reads money; None for blank."""
    if not (text or "").strip():
        return None
    try:
        return cells.money(text)
    except cells.CellError as error:
        raise ValueError(str(error)) from None


def _rows(office, fy, quarter, group_id):
    projects = list(Project.objects.filter(office=office, fiscal_year=fy)
                    .exclude(status=Project.Status.CANCELLED).select_related("group")
                    .order_by("group__order", "code"))
    if group_id:
        projects = [p for p in projects if p.group_id == group_id]
    reports = {r.project_id: r for r in QuarterlyReport.objects.filter(quarter=quarter, project__in=projects)
               .only("id", "project_id", "state", "spent_this_quarter")}
    this_quarter, cumulative = {}, defaultdict(Decimal)
    for d in Disbursement.objects.filter(project__in=projects, quarter__fiscal_year=fy,
                                         quarter__number__lte=quarter.number).select_related("quarter"):
        cumulative[d.project_id] += d.amount
        if d.quarter_id == quarter.pk:
            this_quarter[d.project_id] = d
    rows = []
    for project in projects:
        report = reports.get(project.pk)
        disbursed = this_quarter.get(project.pk)
        spent = report.spent_this_quarter if report else None
        rows.append({
            "project": project, "report": report, "spent": spent, "disbursed": disbursed,
            "amount": disbursed.amount if disbursed else None,
            "differs": disbursed is not None and spent is not None and disbursed.amount != spent,
            "difference": (disbursed.amount - spent) if disbursed is not None and spent is not None else None,
            "cumulative": cumulative[project.pk],
            "over_budget": cumulative[project.pk] > project.total_budget,
        })
    return rows


def _by_group(rows) -> list[dict]:
    """Per group, in page order: its projects, how many have this quarter's amount recorded, and its sums."""
    groups: dict[int, dict] = {}
    for row in rows:
        project = row["project"]
        entry = groups.setdefault(project.group_id, {"group": project.group, "projects": 0, "recorded": 0,
                                                     "this_quarter": Decimal("0"), "cumulative": Decimal("0")})
        entry["projects"] += 1
        entry["recorded"] += row["amount"] is not None
        entry["this_quarter"] += row["amount"] or Decimal("0")
        entry["cumulative"] += row["cumulative"]
    return list(groups.values())


def _totals(rows, fy, quarter):
    budget = sum((r["project"].total_budget for r in rows), Decimal("0"))
    cumulative = sum((r["cumulative"] for r in rows), Decimal("0"))
    targets = dict(DisbursementTarget.objects.filter(fiscal_year=fy, quarter=quarter.number)
                   .values_list("budget_type", "cumulative_percent"))
    target = targets.get(DisbursementTarget.BudgetType.OVERALL)
    # Each budget category against its own cumulative target (no category: operating); a project whose
    # activities mix categories is apportioned by its activities' budgets (projects/categories.py).
    mixed = budget_categories.mixed([r["project"].pk for r in rows])
    sums = {category: [Decimal("0"), Decimal("0"), Decimal("0"), False] for category in CATEGORY_TARGET}
    for r in rows:
        project = r["project"]
        shares = mixed.get(project.pk)
        for index, amount in enumerate((project.total_budget, r["cumulative"], r["amount"] or Decimal("0"))):
            for category, part in budget_categories.split(amount, project.budget_category, shares).items():
                sums[category][index] += part
                sums[category][3] = True
    categories = []
    for category, label in Project.BudgetCategory.choices:
        part_budget, part_cumulative, part_quarter, present = sums[category]
        if not present:
            continue
        categories.append({
            "category": category, "label": label, "budget": part_budget, "cumulative": part_cumulative,
            "this_quarter": part_quarter,
            "percent": (part_cumulative * 100 / part_budget) if part_budget else None,
            "target": targets.get(CATEGORY_TARGET[category]),
        })
    return {
        "categories": categories,
        "budget": budget,
        "this_quarter": sum((r["amount"] or Decimal("0") for r in rows), Decimal("0")),
        "spent": sum((r["spent"] or Decimal("0") for r in rows), Decimal("0")),
        "cumulative": cumulative,
        "percent": (cumulative * 100 / budget) if budget else None,
        "target": target,
    }


@login_required
@require_http_methods(["GET", "POST"])
def disbursements(request):
    if not _may_view(request.user):
        raise PermissionDenied(_("This page is for the finance group, the planning group and the director."))
    office = current_office(request)
    fy = _fiscal_year(request)
    quarters = list(fy.quarters.all()) if fy else []
    wanted = request.POST.get("q") or request.GET.get("q")
    quarter = next((q for q in quarters if str(q.number) == wanted), None) or (quarters[0] if quarters else None)
    group = request.POST.get("group") or request.GET.get("group") or ""
    group_id = int(group) if group.isdecimal() else None
    if quarter is None:
        return render(request, "projects/disbursements.html", {"fy": fy, "rows": []})
    errors = {}
    if request.method == "POST":
        if not _may_enter(request.user, office):
            raise PermissionDenied(_("Only the finance group records disbursements."))
        errors = _save(request, office, fy, quarter, group_id)
        if errors is None:
            return redirect(f"{request.path}?fy={fy.year}&q={quarter.number}" + (f"&group={group_id}" if group_id
                                                                                   else ""))
    rows = _rows(office, fy, quarter, None)
    by_group = _by_group(rows)
    if group_id:  # one group's rows, saved on their own
        rows = [row for row in rows if row["project"].group_id == group_id]
    if errors:
        for row in rows:
            key = f"amount-{row['project'].pk}"
            row["posted"] = request.POST.get(key, "")
            row["error"] = errors.get(key)
    return render(request, "projects/disbursements.html", {
        "fy": fy, "quarters": quarters, "quarter": quarter, "rows": rows, "totals": _totals(rows, fy, quarter),
        "groups": WorkGroup.objects.filter(office=office, is_active=True), "group_id": group_id,
        "by_group": by_group, "all_recorded": sum(g["recorded"] for g in by_group),
        "all_projects": sum(g["projects"] for g in by_group),
        "can_enter": _may_enter(request.user, office), "has_errors": bool(errors),
    }, status=400 if errors else 200)


def _save(request, office, fy, quarter, group_id) -> dict | None:
    """All rows or none: returns the errors by field name, or None when saved."""
    projects = {p.pk: p for p in Project.objects.filter(office=office, fiscal_year=fy)}
    wanted, errors = {}, {}
    for key, value in request.POST.items():
        if not key.startswith("amount-") or not key[7:].isdecimal():
            continue
        project = projects.get(int(key[7:]))
        if project is None:
            continue
        try:
            amount = parse_amount(value)
            was = parse_amount(request.POST.get(f"was-{project.pk}", ""))
        except ValueError as error:
            errors[key] = _("%(code)s: %(problem)s") % {"code": project.code, "problem": error}
            continue
        wanted[project.pk] = (project, amount, was)
    if errors:
        messages.error(request, _("Nothing was saved: correct the amounts marked in red."))
        return errors
    changed = 0
    with transaction.atomic():
        current = {d.project_id: d.amount for d in Disbursement.objects.select_for_update()
                   .filter(quarter=quarter, project_id__in=wanted)}
        for project, amount, was in wanted.values():
            now = current.get(project.pk)
            if now != was:
                errors[f"amount-{project.pk}"] = _(
                    "%(code)s: someone else recorded %(now)s meanwhile; check it and enter yours again."
                ) % {"code": project.code, "now": now if now is not None else "—"}
            elif amount is None and now is not None:
                errors[f"amount-{project.pk}"] = _("%(code)s: a recorded amount cannot be blanked; enter 0.") % {
                    "code": project.code}
        if errors:
            transaction.set_rollback(True)
            messages.error(request, _("Nothing was saved: correct the amounts marked in red."))
            return errors
        for project, amount, was in wanted.values():
            if amount is not None and amount != was:
                workflow.record_disbursement(project=project, quarter=quarter, amount=amount, by=request.user)
                changed += 1
    messages.success(request, _("%(count)s amount(s) recorded.") % {"count": changed})
    return None
