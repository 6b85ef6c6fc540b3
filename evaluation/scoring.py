"""The evaluation's arithmetic, as pure functions (no database): a computed figure to a level through the form's
thresholds, a rated criterion's mean, the weighted score of a project and its level, and roll-ups.

Every criterion ends as a percentage of its scale (level or mean ÷ the scale's top × 100); the project's score is
the weighted mean of the percentages of the criteria that have data; a project with none has no score and the
level "no data" — nothing is ever divided by zero.
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from plans.lib import ratios

ACHIEVED, PARTLY, NOT_ACHIEVED, NO_DATA = "achieved", "partly", "not_achieved", "no_data"
LEVELS = (ACHIEVED, PARTLY, NOT_ACHIEVED, NO_DATA)
LEVEL_TH = {ACHIEVED: "บรรลุ", PARTLY: "บรรลุบางส่วน", NOT_ACHIEVED: "ไม่บรรลุ", NO_DATA: "ไม่มีข้อมูล"}
HUNDRED = Decimal(100)
CENT = Decimal("0.01")


def _q(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def percent(part, whole) -> Decimal | None:
    """``part`` of ``whole`` in percent (two places); None when ``whole`` is nothing (no indicators, no budget…)."""
    return ratios.percent(part, whole, places=2)


def level_of_figure(figure, thresholds) -> int | None:
    """The level (1…len(thresholds)+1) a percentage reaches: level k+1 from the k-th threshold on."""
    if figure is None:
        return None
    figure = Decimal(figure)
    return 1 + sum(1 for threshold in thresholds if figure >= Decimal(threshold))


def mean(rates) -> Decimal | None:
    rates = [Decimal(r) for r in rates]
    if not rates:
        return None
    return _q(sum(rates, Decimal(0)) / len(rates))


def of_scale(value, scale_max: int) -> Decimal | None:
    """A level or mean as a percentage of the scale's top."""
    if value is None or not scale_max:
        return None
    return _q(Decimal(value) * HUNDRED / Decimal(scale_max))


@dataclass
class CriterionScore:
    code: str
    name: str
    kind: str
    weight: int
    scale_max: int
    figure: Decimal | None = None  # computed criteria: the year's percentage
    value: Decimal | None = None  # the level reached (computed) or the raters' mean (rated)
    raters: int = 0
    level_name: str = ""
    comments: list = field(default_factory=list)

    @property
    def percent(self) -> Decimal | None:
        return of_scale(self.value, self.scale_max)

    @property
    def has_data(self) -> bool:
        return self.value is not None


def computed(code, name, weight, scale_max, figure, thresholds, level_names=()) -> CriterionScore:
    level = level_of_figure(figure, thresholds)
    return CriterionScore(code, name, "computed", weight, scale_max, figure=figure,
                          value=None if level is None else Decimal(level),
                          level_name=level_names[level - 1] if level and len(level_names) >= level else "")


def rated(code, name, weight, scale_max, rates, comments=(), level_names=()) -> CriterionScore:
    value = mean(rates)
    name_at = ""
    if value is not None and level_names:
        index = int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))
        name_at = level_names[min(max(index, 1), len(level_names)) - 1]
    return CriterionScore(code, name, "rated", weight, scale_max, value=value, raters=len(rates),
                          comments=list(comments), level_name=name_at)


def weighted_score(scores: list[CriterionScore]) -> Decimal | None:
    """Σ weight × percent ÷ Σ weight over the criteria with data; None when none has."""
    counted = [(Decimal(s.weight), s.percent) for s in scores if s.percent is not None and s.weight > 0]
    total = sum((w for w, _p in counted), Decimal(0))
    if not total:
        return None
    return _q(sum((w * p for w, p in counted), Decimal(0)) / total)


def level(score, *, achieved_from, partly_from) -> str:
    if score is None:
        return NO_DATA
    if Decimal(score) >= Decimal(achieved_from):
        return ACHIEVED
    if Decimal(score) >= Decimal(partly_from):
        return PARTLY
    return NOT_ACHIEVED


@dataclass
class Rollup:
    """Projects of a group, a strategy or the whole plan: how many reached each level, and their mean score."""

    label: str
    scores: list = field(default_factory=list)  # each project's score (None: no data)
    levels: dict = field(default_factory=lambda: dict.fromkeys(LEVELS, 0))

    def add(self, score, project_level: str) -> None:
        self.scores.append(score)
        self.levels[project_level] += 1

    @property
    def projects(self) -> int:
        return len(self.scores)

    @property
    def mean(self) -> Decimal | None:
        return mean([s for s in self.scores if s is not None])

    def level(self, *, achieved_from, partly_from) -> str:
        return level(self.mean, achieved_from=achieved_from, partly_from=partly_from)
