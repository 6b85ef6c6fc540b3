"""The annual plan evaluation (ประเมินผลการดำเนินงานตามแผนปฏิบัติการประจำปี) of a closed fiscal year.

Planning builds the year's form (criteria: computed from the year's data, or rated by evaluators), invites
evaluators per project (accounts, or outside people through a signed link), reads the results, writes the
lessons for the next plan per strategy and proposes the summary, which the director approves (reviews.engine)
— its figures frozen at approval.
"""

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.scoping import ScopedQuerySet
from reviews.models import ReviewedRecord, ReviewEvent

LEVEL_NAMES = {
    3: ["ไม่บรรลุ", "บรรลุบางส่วน", "บรรลุ"],
    5: ["น้อยที่สุด", "น้อย", "ปานกลาง", "มาก", "มากที่สุด"],
}


def default_level_names(scale_max: int) -> list[str]:
    return list(LEVEL_NAMES.get(scale_max, [str(n) for n in range(1, scale_max + 1)]))


def default_thresholds(scale_max: int) -> list[int]:
    """Even steps of the percentage: 1–5 → 20, 40, 60, 80."""
    return [round(100 * n / scale_max) for n in range(1, scale_max)]


class FormQuerySet(ScopedQuerySet):
    office_lookup = "office"


class EvaluationForm(models.Model):
    """The year's evaluation form (แบบประเมินแผนงานโครงการ); locked once the first answer arrives: a change
    then makes a new version, and answers keep the version they answered."""

    office = models.ForeignKey("accounts.Office", on_delete=models.CASCADE, related_name="+", editable=False)
    fiscal_year = models.ForeignKey("plans.FiscalYear", verbose_name=_("fiscal year"), on_delete=models.CASCADE,
                                    related_name="evaluation_forms")
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    title = models.CharField(_("title"), max_length=300)
    deadline = models.DateField(_("answers accepted until"))
    achieved_from = models.PositiveSmallIntegerField(
        _("achieved from (score %)"), default=80, validators=[MinValueValidator(1), MaxValueValidator(100)])
    partly_from = models.PositiveSmallIntegerField(
        _("partly achieved from (score %)"), default=60, validators=[MinValueValidator(1), MaxValueValidator(100)])
    locked_at = models.DateTimeField(_("locked"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = FormQuerySet.as_manager()

    class Meta:
        ordering = ["fiscal_year", "-version"]
        constraints = [models.UniqueConstraint(fields=["fiscal_year", "version"], name="evaluation_form_version")]
        verbose_name = _("evaluation form")
        verbose_name_plural = _("evaluation forms")

    def __str__(self):
        return f"{self.title} ({self.version})"

    @property
    def locked(self) -> bool:
        return self.locked_at is not None

    def clean(self):
        if self.partly_from and self.achieved_from and self.partly_from > self.achieved_from:
            raise ValidationError({"partly_from": _("The partly-achieved score cannot be above the achieved score.")})

    def save(self, *args, **kwargs):
        self.office_id = self.fiscal_year.office_id
        super().save(*args, **kwargs)


class Criterion(models.Model):
    class Kind(models.TextChoices):
        COMPUTED = "computed", _("Computed from the year's data")
        RATED = "rated", _("Rated by evaluators")

    class Source(models.TextChoices):
        INDICATORS = "indicators", _("Indicators that met their targets (%)")
        BUDGET = "budget", _("Budget disbursed against allocated (%)")
        ACTIVITIES = "activities", _("Activities completed (%)")
        ON_TIME = "on_time", _("Progress forms sent on time (%)")

    form = models.ForeignKey(EvaluationForm, on_delete=models.CASCADE, related_name="criteria")
    order = models.PositiveSmallIntegerField(_("no."), default=0)
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("criterion"), max_length=300)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.RATED)
    source = models.CharField(_("computed from"), max_length=12, choices=Source.choices, blank=True)
    weight = models.PositiveSmallIntegerField(_("weight"), default=1,
                                              validators=[MinValueValidator(1), MaxValueValidator(100)])
    scale_max = models.PositiveSmallIntegerField(_("scale (1 to)"), default=5,
                                                 validators=[MinValueValidator(2), MaxValueValidator(10)])
    #: the Thai name of each level, lowest first (len == scale_max)
    level_names = models.JSONField(_("level names"), default=list)
    #: computed criteria: the percentages from which the level 2, 3 … scale_max start (ascending)
    thresholds = models.JSONField(_("thresholds (%)"), default=list, blank=True)

    class Meta:
        ordering = ["form", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["form", "code"], name="criterion_unique_code")]
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")

    def __str__(self):
        return f"{self.code} {self.name}"

    @property
    def is_rated(self) -> bool:
        return self.kind == self.Kind.RATED

    def levels(self) -> list[tuple[int, str]]:
        return list(enumerate(self.level_names or default_level_names(self.scale_max), start=1))

    def clean(self):
        errors = {}
        if self.kind == self.Kind.COMPUTED:
            if not self.source:
                errors["source"] = _("Say what a computed criterion is computed from.")
            if len(self.thresholds or []) != self.scale_max - 1:
                errors["thresholds"] = _("Give one threshold fewer than the levels of the scale.")
            elif list(self.thresholds) != sorted(self.thresholds) or any(
                    not 0 <= t <= 100 for t in self.thresholds):
                errors["thresholds"] = _("Thresholds go up, between 0 and 100.")
        elif self.source:
            errors["source"] = _("A rated criterion is not computed.")
        if len(self.level_names or []) != self.scale_max:
            errors["level_names"] = _("Name every level of the scale.")
        if errors:
            raise ValidationError(errors)


class EvaluationQuerySet(ScopedQuerySet):
    office_lookup = "office"
    group_lookup = "project__group"
    owner_lookup = "project__owners"


class Evaluation(models.Model):
    """One project's participatory evaluation: who is invited, and their answers."""

    office = models.ForeignKey("accounts.Office", on_delete=models.CASCADE, related_name="+", editable=False)
    project = models.OneToOneField("projects.Project", on_delete=models.CASCADE, related_name="evaluation")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = EvaluationQuerySet.as_manager()

    class Meta:
        ordering = ["project__code"]
        verbose_name = _("project evaluation")
        verbose_name_plural = _("project evaluations")

    def __str__(self):
        return str(self.project)

    def save(self, *args, **kwargs):
        self.office_id = self.project.office_id
        super().save(*args, **kwargs)


def new_nonce() -> str:
    return secrets.token_urlsafe(9)


class InvitationQuerySet(ScopedQuerySet):
    office_lookup = "evaluation__office"


class Invitation(models.Model):
    """An evaluator of one project: an account (answers in Tidtam) or an outside person (answers through a signed
    link, no login)."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="invitations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE,
                             related_name="evaluation_invitations")
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("e-mail"), blank=True)
    role_text = models.CharField(_("position"), max_length=200, blank=True)
    #: part of the signed link: a new nonce makes the old link invalid
    nonce = models.CharField(max_length=20, default=new_nonce, editable=False)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    form = models.ForeignKey(EvaluationForm, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("form version answered"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["evaluation", "id"]
        constraints = [models.UniqueConstraint(fields=["evaluation", "user"], name="invitation_unique_user",
                                               condition=models.Q(user__isnull=False))]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self):
        return self.name

    @property
    def is_outside(self) -> bool:
        return self.user_id is None


class Answer(models.Model):
    invitation = models.ForeignKey(Invitation, on_delete=models.CASCADE, related_name="answers")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="answers")
    rate = models.PositiveSmallIntegerField(_("rate"), validators=[MinValueValidator(1), MaxValueValidator(10)])
    comment = models.TextField(_("comment"), blank=True)
    answered_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["invitation", "criterion__order"]
        constraints = [models.UniqueConstraint(fields=["invitation", "criterion"], name="answer_unique")]


class SummaryQuerySet(ScopedQuerySet):
    final_filter = {"state": "approved"}  # what committee members read
    office_lookup = "office"


class Summary(ReviewedRecord):
    """The year's evaluation summary, proposed by planning and approved (or returned) by the director; its
    figures are frozen in ``snapshot`` at approval."""

    office = models.ForeignKey("accounts.Office", on_delete=models.CASCADE, related_name="+", editable=False)
    fiscal_year = models.OneToOneField("plans.FiscalYear", on_delete=models.CASCADE,
                                       related_name="evaluation_summary")
    overview = models.TextField(_("summary of the evaluation"), blank=True)
    snapshot = models.JSONField(default=dict, blank=True)

    objects = SummaryQuerySet.as_manager()

    class Meta:
        verbose_name = _("evaluation summary")
        verbose_name_plural = _("evaluation summaries")

    def __str__(self):
        return f"{_('Evaluation summary')} {self.fiscal_year.year}"

    def save(self, *args, **kwargs):
        self.office_id = self.fiscal_year.office_id
        super().save(*args, **kwargs)


class SummaryEvent(ReviewEvent):
    summary = models.ForeignKey(Summary, on_delete=models.CASCADE, related_name="events")


class LessonQuerySet(ScopedQuerySet):
    office_lookup = "office"


class Lesson(models.Model):
    """A lesson for the next plan (ข้อเสนอแนะเพื่อการจัดทำแผนในระยะต่อไป), per strategy of the evaluated year;
    shown on the next year's plan and marked there as taken up by one of its projects."""

    office = models.ForeignKey("accounts.Office", on_delete=models.CASCADE, related_name="+", editable=False)
    fiscal_year = models.ForeignKey("plans.FiscalYear", on_delete=models.CASCADE, related_name="evaluation_lessons")
    plan_item = models.ForeignKey("plans.PlanItem", verbose_name=_("strategy"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="evaluation_lessons")
    text = models.TextField(_("lesson for the next plan"))
    taken_up_by = models.ForeignKey("projects.Project", verbose_name=_("taken up by project"), null=True,
                                    blank=True, on_delete=models.SET_NULL, related_name="lessons_taken_up")
    taken_up_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = LessonQuerySet.as_manager()

    class Meta:
        ordering = ["fiscal_year", "plan_item__order", "plan_item__code", "id"]
        verbose_name = _("lesson for the next plan")
        verbose_name_plural = _("lessons for the next plan")

    def __str__(self):
        return self.text[:60]

    def save(self, *args, **kwargs):
        self.office_id = self.fiscal_year.office_id
        super().save(*args, **kwargs)
