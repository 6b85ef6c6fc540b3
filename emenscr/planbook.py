"""eMENSCR columns of the plan workbook (registered with ``projects.planbook.columns`` in ``EmenscrConfig.ready()``).

Projects sheet: the national-system fields and the linkage chain as codes of the reference lists. Activities sheet:
the monthly spending plan, ต.ค. to ก.ย. A file with an unknown linkage code, or a monthly plan that does not add up
to its activity's budget, is refused whole (the plan import is all-or-nothing) with the row and column named.
"""

from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from documents.excel import cells
from projects.models import Activity
from projects.planbook.columns import Column, Extension, norm

from .fields import MONTH_NAMES
from .models import CHAIN, MONTHS, ActivityPlan, LinkageItem, ProjectData, linkage_items_for

TEXT_FIELDS = (  # (column key, model field, header, limit)
    ("emenscr_id", "emenscr_id", gettext_lazy("eMENSCR project id"), 40),
    ("emenscr_province", "province", gettext_lazy("province"), 100),
    ("emenscr_district", "district", gettext_lazy("district"), 100),
    ("emenscr_budget_source", "budget_source", gettext_lazy("budget source"), 200),
    ("emenscr_output_target", "output_target", gettext_lazy("output target"), 500),
    ("emenscr_output_unit", "output_unit", gettext_lazy("output unit"), 50),
    ("emenscr_outcome_target", "outcome_target", gettext_lazy("outcome target"), 500),
    ("emenscr_outcome_unit", "outcome_unit", gettext_lazy("outcome unit"), 50),
)
CHOICE_FIELDS = (("emenscr_kind", "kind", ProjectData.Kind, gettext_lazy("type")),
                 ("emenscr_novelty", "novelty", ProjectData.Novelty, gettext_lazy("new or continuing")))
LINK_KEYS = tuple((f"link_{name}", name, level) for name, level, _parent in CHAIN)
MONTH_KEYS = tuple(f"plan_m{m + 1:02d}" for m in range(MONTHS))

PROJECT_COLUMNS = (
    *[Column(key, header, gettext_lazy("Free text."), 20) for key, _f, header, _l in TEXT_FIELDS[:1]],
    *[Column(key, header, gettext_lazy("Pick a value from the list, or leave blank."), 18)
      for key, _f, _c, header in CHOICE_FIELDS],
    *[Column(key, header, gettext_lazy("Free text."), 20) for key, _f, header, _l in TEXT_FIELDS[1:]],
    *[Column(key, LinkageItem.Level(level).label, gettext_lazy(
        "The code in the office's eMENSCR reference lists, e.g. 120101; may be blank."), 14, "code")
      for key, _name, level in LINK_KEYS],
)
ACTIVITY_COLUMNS = tuple(Column(key, f"แผนใช้จ่าย {name}", gettext_lazy(
    "Baht planned for the month; the twelve months add up to the activity's budget. Leave all twelve blank "
    "for no plan."), 12, "money") for key, name in zip(MONTH_KEYS, MONTH_NAMES, strict=True))


class _State:
    def __init__(self, fiscal_year):
        self.fy = fiscal_year
        self.items = {}
        for item in linkage_items_for(fiscal_year.office).order_by("office_id"):  # the office's own last: they win
            self.items[(item.level, item.code.casefold())] = item
        self.choices = {}
        for key, _f, choices, _h in CHOICE_FIELDS:
            self.choices[key] = {norm(v): v for v in choices.values} | {norm(str(lab)): v for v, lab in choices.choices}
        self.budgets = {(code, order): budget for code, order, budget in Activity.objects.filter(
            project__fiscal_year=fiscal_year).values_list("project__code", "order", "budget")}


def _parse_project(state, number, values, present, error):
    keys = [c.key for c in PROJECT_COLUMNS if c.key in present]
    if not keys:
        return None
    data = {}
    for key, name, limit in ((k, f, lim) for k, f, _h, lim in TEXT_FIELDS):
        if key in present:
            try:
                data[name] = cells.bounded_text(values.get(key), limit)
            except cells.CellError as problem:
                error(number, key, problem.code, problem.message)
    for key, name, _choices, _h in CHOICE_FIELDS:
        if key in present:
            raw = cells.text(values.get(key))
            value = state.choices[key].get(norm(raw)) if raw else ""
            if value is None:
                error(number, key, "unknown_choice", _("Unknown value '%(value)s'") % {"value": raw})
            else:
                data[name] = value
    for key, name, level in LINK_KEYS:
        if key in present:
            raw = cells.text(values.get(key))
            if not raw:
                data[name] = None
                continue
            item = state.items.get((level, raw.casefold()))
            if item is None:
                error(number, key, "unknown_linkage", _("Unknown code '%(value)s' in the eMENSCR list '%(list)s'") % {
                    "value": raw, "list": LinkageItem.Level(level).label})
            else:
                data[name] = item
    return data


def _parse_activity(state, number, values, present, fields, error):
    keys = [k for k in MONTH_KEYS if k in present]
    if not keys:
        return None
    amounts = []
    for key in MONTH_KEYS:
        try:
            amounts.append(cells.money(values.get(key)) if key in present else Decimal("0"))
        except cells.CellError as problem:
            error(number, key, problem.code, problem.message)
            amounts.append(Decimal("0"))
    if not any(amounts):
        return []  # no plan
    budget = fields.get("budget")
    if budget is None and "budget" not in present:
        code = cells.text(values.get("project_code"))
        try:
            order = cells.whole_number(values.get("no"), minimum=0, maximum=32767)
        except cells.CellError:
            order = None
        budget = state.budgets.get((code, order), Decimal("0"))
    total = sum(amounts, Decimal("0"))
    if budget is not None and total != budget:
        from plans.lib.thaidate import format_baht

        error(number, keys[-1], "monthly_total", _(
            "The monthly plan adds up to %(total)s baht, not to the activity's budget of %(budget)s baht.") % {
                "total": format_baht(total), "budget": format_baht(budget)})
    return [str(a) for a in amounts]


def _save(state, projects, activities):
    changed = set()
    existing = {d.project_id: d for d in ProjectData.objects.filter(project_id__in=[pk for _d, pk in projects])}
    for data, pk in projects:
        record = existing.get(pk) or ProjectData(project_id=pk)
        differs = record.pk is None and any(v not in ("", None) for v in data.values())
        for name, value in data.items():
            if getattr(record, name) != value:
                setattr(record, name, value)
                differs = True
        if differs:
            record.save()
            changed.add(pk)
    plans = {p.activity_id: p for p in ActivityPlan.objects.filter(activity_id__in=[a for _m, a, _p in activities])}
    for months, activity_id, project_id in activities:
        if activity_id is None:
            continue
        plan = plans.get(activity_id)
        if not months:
            if plan is not None:
                plan.delete()
                changed.add(project_id)
        elif plan is None:
            ActivityPlan.objects.create(activity_id=activity_id, months=months)
            changed.add(project_id)
        elif plan.months != months:
            plan.months = months
            plan.save(update_fields=["months"])
            changed.add(project_id)
    return changed


def _export(fiscal_year, project_ids):
    by_project = {}
    kinds = {k: dict((v, str(lab)) for v, lab in choices.choices) for k, _f, choices, _h in CHOICE_FIELDS}
    for data in ProjectData.objects.filter(project_id__in=project_ids).select_related(
            *[name for _k, name, _l in LINK_KEYS]):
        values = {key: getattr(data, name) for key, name, _h, _l in TEXT_FIELDS}
        for key, name, _c, _h in CHOICE_FIELDS:
            values[key] = kinds[key].get(getattr(data, name), "")
        for key, name, _level in LINK_KEYS:
            item = getattr(data, name)
            values[key] = item.code if item else ""
        by_project[data.project_id] = values
    by_activity = {}
    for plan in ActivityPlan.objects.filter(activity__project_id__in=project_ids):
        by_activity[plan.activity_id] = dict(zip(MONTH_KEYS, plan.amounts, strict=True))
    return by_project, by_activity


EXTENSION = Extension("emenscr", project_columns=PROJECT_COLUMNS, activity_columns=ACTIVITY_COLUMNS, begin=_State,
                      parse_project=_parse_project, parse_activity=_parse_activity, save=_save, export=_export)


def register_columns(columns):
    columns.register(EXTENSION)
