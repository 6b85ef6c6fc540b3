"""The satisfaction questionnaire of Tidtam's users (แบบสอบถามความพึงพอใจ): the office's rated items, and one
answer per user per fiscal year (editable during the year) with a score of 1–5 per item and a comment."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Office
from accounts.scoping import ScopedQuerySet

LOWEST, HIGHEST = 1, 5


class Level(models.IntegerChoices):
    """The rating scale, highest first as Thai questionnaires print it."""

    HIGHEST = 5, _("Highest")
    HIGH = 4, _("High")
    MODERATE = 3, _("Moderate")
    LOW = 2, _("Low")
    LOWEST = 1, _("Lowest")


class SurveyItemQuerySet(ScopedQuerySet):
    office_lookup = "office"


class SurveyItem(models.Model):
    """One rated statement of the office's questionnaire; retired rather than deleted once answered."""

    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="survey_items", editable=False)
    text = models.CharField(_("statement"), max_length=300)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(_("asked"), default=True)

    objects = SurveyItemQuerySet.as_manager()

    class Meta:
        ordering = ["office", "order", "id"]
        verbose_name = _("survey item")
        verbose_name_plural = _("survey items")

    def __str__(self):
        return self.text


class SurveyAnswerQuerySet(ScopedQuerySet):
    office_lookup = "fiscal_year__office"


class SurveyAnswer(models.Model):
    """One user's answer for one fiscal year; ``roles`` keeps the roles they held when they answered."""

    fiscal_year = models.ForeignKey("plans.FiscalYear", on_delete=models.CASCADE, related_name="survey_answers")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="survey_answers")
    roles = models.JSONField(default=list, blank=True)
    comment = models.TextField(_("comment and suggestions"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SurveyAnswerQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["fiscal_year", "user"], name="surveyanswer_once_per_year")]
        verbose_name = _("survey answer")
        verbose_name_plural = _("survey answers")


class SurveyRating(models.Model):
    answer = models.ForeignKey(SurveyAnswer, on_delete=models.CASCADE, related_name="ratings")
    item = models.ForeignKey(SurveyItem, on_delete=models.PROTECT, related_name="ratings")
    score = models.PositiveSmallIntegerField(validators=[MinValueValidator(LOWEST), MaxValueValidator(HIGHEST)])

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["answer", "item"], name="surveyrating_once_per_item"),
            models.CheckConstraint(condition=models.Q(score__gte=LOWEST, score__lte=HIGHEST),
                                   name="surveyrating_score_1_to_5"),
        ]
