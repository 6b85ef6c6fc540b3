"""The stages of a fiscal year and their windows: the office's own table, or the defaults of the manual.

Reading never writes: a year without its own table shows the defaults (unsaved ``Stage`` objects); the first
change (editing a stage, marking a project keyed) saves them (:func:`ensure_stages`).
"""

from datetime import date

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from plans.lib.fiscal import fiscal_year_bounds

from .models import Stage, Window

M1_M6 = (
    ("M1", _("General project data"), ["name", "kind", "novelty", "owners", "group", "period", "area", "objectives",
                                       "target_groups"]),
    ("M2", _("Linkage to the national plans"), ["strategy", "master_plan", "master_target", "sub_plan",
                                                "sub_target", "reform", "milestone", "sdg", "strategies"]),
    ("M3", _("Budget and its source"), ["budget", "budget_category", "budget_source"]),
    ("M4", _("Monthly spending plan"), ["monthly_plan"]),
    ("M5", _("Activities and targets"), ["activities", "output_target", "outcome_target"]),
    ("M6", _("Indicators"), ["indicators"]),
)
M7 = ("M7", _("Quarterly progress"), ["progress_form", "activity_progress", "disbursed", "results", "problems",
                                      "outputs"])


def default_windows(year_be: int, per_quarter: bool) -> list[tuple[int, date, date]]:
    """(round, opens, closes): project data 1 ต.ค.–20 ธ.ค., then 1–20 ม.ค./เม.ย./ก.ค.; progress of quarter
    n 1–20 of the month after it (ม.ค., เม.ย., ก.ค., ต.ค.)."""
    start, end = fiscal_year_bounds(year_be)
    y0, y1 = start.year, end.year
    if per_quarter:
        return [(1, date(y1, 1, 1), date(y1, 1, 20)), (2, date(y1, 4, 1), date(y1, 4, 20)),
                (3, date(y1, 7, 1), date(y1, 7, 20)), (4, date(y1, 10, 1), date(y1, 10, 20))]
    return [(1, date(y0, 10, 1), date(y0, 12, 20)), (2, date(y1, 1, 1), date(y1, 1, 20)),
            (3, date(y1, 4, 1), date(y1, 4, 20)), (4, date(y1, 7, 1), date(y1, 7, 20))]


def default_stages(fiscal_year) -> list[Stage]:
    """The manual's stages; their names are the office's data, kept in Thai whatever the language of the page."""
    stages = []
    with translation.override("th"):
        names = {code: str(name) for code, name, _f in (*M1_M6, M7)}
    for order, (code, _name, fields) in enumerate((*M1_M6, M7), start=1):
        name = names[code]
        per_quarter = code == "M7"
        stage = Stage(fiscal_year=fiscal_year, code=code, name=name, order=order, fields=list(fields),
                      per_quarter=per_quarter)
        stage.window_list = [Window(round=r, opens=o, closes=c)
                             for r, o, c in default_windows(fiscal_year.year, per_quarter)]
        stages.append(stage)
    return stages


def stages_for(fiscal_year) -> list[Stage]:
    """The year's stages with ``window_list``: saved ones, else the defaults (not saved)."""
    return stages_of([fiscal_year])[fiscal_year.pk]


def stages_of(fiscal_years) -> dict[int, list[Stage]]:
    """:func:`stages_for` of each of ``fiscal_years`` by year id, in two queries whatever their number."""
    saved = {fy.pk: [] for fy in fiscal_years}
    for stage in Stage.objects.filter(fiscal_year_id__in=list(saved)).prefetch_related("windows"):
        stage.window_list = list(stage.windows.all())
        saved[stage.fiscal_year_id].append(stage)
    return {fy.pk: saved[fy.pk] or default_stages(fy) for fy in fiscal_years}


@transaction.atomic
def ensure_stages(fiscal_year) -> list[Stage]:
    """Save the defaults for a year that has no table yet; returns the saved stages."""
    if not fiscal_year.emenscr_stages.exists():
        for stage in default_stages(fiscal_year):
            windows = stage.window_list
            stage.save()
            Window.objects.bulk_create([Window(stage=stage, round=w.round, opens=w.opens, closes=w.closes)
                                        for w in windows])
    return stages_for(fiscal_year)


def window_of(stage, round_: int):
    return next((w for w in stage.window_list if w.round == round_), None)


def current_round(stage, today: date) -> int:
    """The round whose window is open today, else the last one opened, else the first."""
    opened = [w for w in stage.window_list if w.opens <= today]
    return (opened[-1].round if opened else (stage.window_list[0].round if stage.window_list else 1))
