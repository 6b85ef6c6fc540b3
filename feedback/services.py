"""The questionnaire's rules: which items an office asks, which year a user answers, saving an answer once per
user per year (edited in place during the year), and the results per role."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from plans.lib.fiscal import fiscal_year_of
from plans.models import FiscalYear

from .models import HIGHEST, LOWEST, SurveyAnswer, SurveyItem, SurveyRating

# What an office asks until its planning staff change it (stored, in the language of the day, on first use).
DEFAULT_ITEMS = (
    _("The system is easy to use and to learn."),
    _("Filling and sending the quarterly progress form takes a reasonable time."),
    _("The reminders and e-mails arrive at the right time and are clear."),
    _("The dashboard and reports help me follow the work of the plan."),
    _("The system helps the office monitor and evaluate its projects better."),
)


class SurveyError(Exception):
    """Bad input: the message is shown on the page, nothing is saved."""


def items_of(office) -> list[SurveyItem]:
    """The office's asked items, in order; the defaults (unsaved, ``pk`` None) while it has none of its own."""
    items = list(SurveyItem.objects.filter(office=office, active=True).order_by("order", "id"))
    if items or SurveyItem.objects.filter(office=office).exists():
        return items
    with translation.override(settings.LANGUAGE_CODE):  # data in the office's language, whoever asks first
        return [SurveyItem(office=office, text=str(text), order=n) for n, text in enumerate(DEFAULT_ITEMS, 1)]


def ensure_items(office) -> list[SurveyItem]:
    """The office's asked items, storing the defaults first if it has none (only from a POST)."""
    items = items_of(office)
    if items and items[0].pk is None:
        SurveyItem.objects.bulk_create(items)
        items = list(SurveyItem.objects.filter(office=office, active=True).order_by("order", "id"))
    return items


def key_of(item: SurveyItem, index: int) -> str:
    """The form field's key of an item: its id, or its place among the (unsaved) defaults."""
    return str(item.pk) if item.pk else f"d{index}"


def year_to_answer(user, today=None) -> FiscalYear | None:
    """The fiscal year a user answers for: the current one of their office, if the office has it."""
    if not user.is_authenticated or user.office_id is None:
        return None
    year = fiscal_year_of(today or timezone.localdate())
    return FiscalYear.objects.filter(office_id=user.office_id, year=year).first()


def answer_of(user, fiscal_year) -> SurveyAnswer | None:
    if fiscal_year is None:
        return None
    return SurveyAnswer.objects.filter(fiscal_year=fiscal_year, user=user).prefetch_related("ratings").first()


def save_answer(user, fiscal_year, *, scores: dict[str, int], comment: str) -> SurveyAnswer:
    """Store ``user``'s answer for ``fiscal_year`` (replacing their earlier one of the year). ``scores`` maps
    every asked item's key (:func:`key_of`) to 1–5; anything missing or outside the scale saves nothing."""
    if fiscal_year is None or user.office_id != fiscal_year.office_id:
        raise SurveyError(_("There is no fiscal year of your office to answer for."))
    for value in scores.values():
        if not isinstance(value, int) or not LOWEST <= value <= HIGHEST:
            raise SurveyError(_("Rate every statement from 1 to 5."))
    with transaction.atomic():
        items = ensure_items(fiscal_year.office)
        wanted = {key_of(item, n): item for n, item in enumerate(items)}
        # unsaved defaults were keyed by place: the same places of the items just stored
        wanted.update({f"d{n}": item for n, item in enumerate(items)})
        asked = {key_of(item, n) for n, item in enumerate(items)}
        chosen = {wanted[key]: value for key, value in scores.items() if key in wanted}
        if len(chosen) != len(items) or any(key not in wanted for key in scores) or not asked:
            raise SurveyError(_("Rate every statement from 1 to 5."))
        answer, _created = SurveyAnswer.objects.select_for_update().get_or_create(
            fiscal_year=fiscal_year, user=user, defaults={"roles": sorted(user.role_set)})
        answer.roles = sorted(user.role_set)
        answer.comment = comment.strip()
        answer.save()
        answer.ratings.all().delete()
        SurveyRating.objects.bulk_create(SurveyRating(answer=answer, item=item, score=value)
                                         for item, value in chosen.items())
    return answer


def _mean(total: int, n: int) -> Decimal | None:
    return (Decimal(total) / n).quantize(Decimal("0.01"), ROUND_HALF_UP) if n else None


@dataclass
class Column:
    """One role's results (or everybody's, ``role`` None): how many answered, the mean per item and overall."""

    role: str | None
    label: str
    count: int = 0
    sums: dict = field(default_factory=lambda: defaultdict(lambda: [0, 0]))  # item id → [total, n]

    def mean(self, item_id) -> Decimal | None:
        total, n = self.sums.get(item_id, (0, 0))
        return _mean(total, n)

    @property
    def overall(self) -> Decimal | None:
        return _mean(sum(t for t, _n in self.sums.values()), sum(n for _t, n in self.sums.values()))


@dataclass
class Results:
    items: list  # every item answered in the year or asked now
    columns: list[Column]  # everybody first, then each role that answered
    comments: list[str]

    @property
    def everybody(self) -> Column:
        return self.columns[0]


def results(fiscal_year) -> Results:
    """The year's answers per role (an answer counts for every role its author held), in two queries."""
    everybody = Column(None, str(_("All respondents")))
    per_role = {value: Column(value, str(label)) for value, label in Role.choices}
    comments, seen = [], set()
    item_ids = set()
    for answer_id, roles, comment, item_id, score in (
            SurveyRating.objects.filter(answer__fiscal_year=fiscal_year)
            .order_by("answer__created_at", "answer_id")
            .values_list("answer_id", "answer__roles", "answer__comment", "item_id", "score")):
        columns = [everybody] + [per_role[r] for r in roles if r in per_role]
        if answer_id not in seen:
            seen.add(answer_id)
            for column in columns:
                column.count += 1
            if comment:
                comments.append(comment)
        for column in columns:
            column.sums[item_id][0] += score
            column.sums[item_id][1] += 1
        item_ids.add(item_id)
    items = list(SurveyItem.objects.filter(office=fiscal_year.office)
                 .filter(Q(active=True) | Q(pk__in=item_ids)).order_by("order", "id"))
    return Results(items=items, columns=[everybody] + [c for c in per_role.values() if c.count], comments=comments)


def score_of(office, fiscal_year) -> Decimal | None:
    """The year's satisfaction score: the mean of every rating given (1–5), None without answers."""
    row = SurveyRating.objects.filter(answer__fiscal_year=fiscal_year, answer__fiscal_year__office=office).aggregate(
        total=Sum("score"), n=Count("id"))
    return _mean(row["total"] or 0, row["n"])
