"""How a project's budget and its disbursements split by budget category — the one rule (see the README).

A project has a budget category (blank counts as operating) and each activity may name its own (blank: the
project's). Finance records disbursements per project and quarter, not per activity, so a project whose
activities mix categories is apportioned by its activities' budgets:

* each category's share of the project is the sum of the budgets of the activities counted under it, divided
  by the sum of all its activities' budgets;
* the project's budget and every disbursement of it are split in those shares (to the satang; the largest
  share takes the rounding remainder, so the parts always add up to the whole);
* a project whose activities are all of its own category, or carry no budget, counts wholly under its own.
"""

from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from .models import Activity, category_of

ZERO = Decimal("0")
CENT = Decimal("0.01")


def shares(project_category: str, activities) -> dict[str, Decimal] | None:
    """{category: share} of a project from ``activities`` [(activity category, budget)], or None when the
    project counts wholly under its own category."""
    home = category_of(project_category)
    by_category = defaultdict(lambda: ZERO)
    for category, budget in activities:
        by_category[category or home] += budget or ZERO
    total = sum(by_category.values(), ZERO)
    if not total or set(c for c, b in by_category.items() if b) == {home}:
        return None
    return {category: amount / total for category, amount in by_category.items() if amount}


def split(amount: Decimal, project_category: str, project_shares: dict | None) -> dict[str, Decimal]:
    """``amount`` (a budget or a disbursement) per category; the parts add up to ``amount`` exactly."""
    amount = amount or ZERO
    if not project_shares:
        return {category_of(project_category): amount}
    largest = max(project_shares, key=lambda c: (project_shares[c], c))
    parts = {c: (amount * s).quantize(CENT, rounding=ROUND_HALF_UP) for c, s in project_shares.items() if c != largest}
    parts[largest] = amount - sum(parts.values(), ZERO)
    return parts


def mixed(projects) -> dict[int, dict[str, Decimal]]:
    """{project id: shares} for the projects of ``projects`` (a queryset or ids) whose activities name another
    category than the project's; the others are absent (they count wholly under their own category).
    Two queries at most, whatever the number of projects."""
    named = (Activity.objects.filter(project__in=projects).exclude(budget_category="").order_by()
             .values_list("project_id", "project__budget_category", "budget_category").distinct())
    candidates = {pk for pk, home, category in named if category != category_of(home)}
    if not candidates:
        return {}
    rows = defaultdict(list)
    homes = {}
    for pk, home, category, budget in (Activity.objects.filter(project_id__in=candidates).order_by()
                                       .values_list("project_id", "project__budget_category", "budget_category",
                                                    "budget")):
        homes[pk] = home
        rows[pk].append((category, budget))
    out = {}
    for pk, activities in rows.items():
        found = shares(homes[pk], activities)
        if found:
            out[pk] = found
    return out
