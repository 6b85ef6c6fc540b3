"""Projects and activities of the fiscal year, with budgets, owners and indicator targets."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Office, WorkGroup
from accounts.permissions import GROUP_HEADS, PROJECT_EDITORS, has_any
from accounts.scoping import ScopedQuerySet
from plans.models import FiscalYear, Indicator, PlanItem

from reviews.evidence import EvidenceBase

MONEY = {"max_digits": 14, "decimal_places": 2, "default": Decimal("0.00"),
         "validators": [MinValueValidator(Decimal("0"))]}


class ProjectQuerySet(ScopedQuerySet):
    office_lookup = "office"
    group_lookup = "group"
    owner_lookup = "owners"

    def editable_by(self, user):
        """Projects ``user`` may change: owners their own, group heads their group's,
        planning staff, administrators and the director their whole office."""
        qs = self.visible_to(user)
        if user.is_superuser:
            return qs
        if not user.is_authenticated or user.is_read_only:
            return qs.none()
        if has_any(user, *PROJECT_EDITORS):
            return qs.filter(office_id=user.office_id)
        condition = Q(pk__in=self.model._base_manager.filter(owners=user).values("pk"))
        if has_any(user, *GROUP_HEADS):
            condition |= Q(group__in=list(user.group_ids))
        return qs.filter(condition)

    def with_budget(self):
        return self.annotate(
            budget_total=models.F("budget_obec") + models.F("budget_office") + models.F("budget_other")
        )


# Which disbursement target (plans.DisbursementTarget.BudgetType) each project budget category is measured against.
CATEGORY_TARGET = {"operating": "current", "investment": "capital"}


def category_of(value: str) -> str:
    """A project's budget category for the figures: a project without one counts as operating."""
    return value or "operating"


class Project(models.Model):
    class Source(models.TextChoices):
        ACTION_PLAN = "plan", _("Annual action plan")
        POLICY = "policy", _("Policy and strategy (any level)")
        OTHER_AGENCY = "agency", _("Activity from another agency")

    class BudgetCategory(models.TextChoices):
        OPERATING = "operating", _("Operating budget (recurring)")
        INVESTMENT = "investment", _("Investment budget")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        IN_PROGRESS = "in_progress", _("In progress")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")

    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="projects", editable=False)
    fiscal_year = models.ForeignKey(FiscalYear, verbose_name=_("fiscal year"), on_delete=models.PROTECT,
                                    related_name="projects")
    code = models.CharField(_("project code"), max_length=30)
    name = models.CharField(_("project name"), max_length=500)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.ACTION_PLAN)
    group = models.ForeignKey(WorkGroup, verbose_name=_("responsible group"), on_delete=models.PROTECT,
                              related_name="projects")
    owners = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("project owners"), blank=True,
                                    related_name="owned_projects")
    rationale = models.TextField(_("rationale"), blank=True)
    objectives = models.TextField(_("objectives"), blank=True)
    target_groups = models.TextField(_("target groups"), blank=True)
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    budget_obec = models.DecimalField(_("OBEC allocation (baht)"), **MONEY)
    budget_office = models.DecimalField(_("office budget (baht)"), **MONEY)
    budget_other = models.DecimalField(_("other sources (baht)"), **MONEY)
    budget_category = models.CharField(_("budget category"), max_length=12, choices=BudgetCategory.choices,
                                       blank=True)
    strategies = models.ManyToManyField(PlanItem, verbose_name=_("strategies and policies"), blank=True,
                                        related_name="projects")
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PLANNED)
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ProjectQuerySet.as_manager()

    class Meta:
        ordering = ["fiscal_year", "code"]
        constraints = [models.UniqueConstraint(fields=["fiscal_year", "code"], name="project_unique_code_per_year")]
        indexes = [models.Index(fields=["office", "fiscal_year", "group"])]
        verbose_name = _("project")
        verbose_name_plural = _("projects")

    def __str__(self):
        return f"{self.code} {self.name}"

    @property
    def total_budget(self) -> Decimal:
        return (self.budget_obec or 0) + (self.budget_office or 0) + (self.budget_other or 0)

    def clean(self):
        errors = {}
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = _("The end date is before the start date.")
        if self.status == self.Status.CANCELLED and not self.cancel_reason.strip():
            errors["cancel_reason"] = _("Give the reason for cancelling the project.")
        if self.group_id and self.fiscal_year_id and self.group.office_id != self.fiscal_year.office_id:
            errors["group"] = _("The group belongs to another office.")
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        if self.fiscal_year_id and not self.office_id:
            self.office_id = self.fiscal_year.office_id
        super().save(*args, **kwargs)


class Activity(models.Model):
    """An activity (กิจกรรม) of a project, planned in one or more quarters."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="activities")
    order = models.PositiveSmallIntegerField(_("no."), default=0)
    name = models.CharField(_("activity"), max_length=500)
    quarters = models.JSONField(_("planned quarters"), default=list, blank=True)
    budget = models.DecimalField(_("budget (baht)"), **MONEY)
    responsible = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("responsible person"), null=True,
                                    blank=True, on_delete=models.SET_NULL, related_name="activities")
    responsible_text = models.CharField(_("responsible (name)"), max_length=200, blank=True)
    # Blank: the project's category. An investment activity under an operating project is counted as investment.
    budget_category = models.CharField(_("budget category"), max_length=12, choices=Project.BudgetCategory.choices,
                                       blank=True)

    class Meta:
        ordering = ["project", "order", "id"]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")

    def __str__(self):
        return self.name

    def clean(self):
        if any(q not in (1, 2, 3, 4) for q in self.quarters or []):
            raise ValidationError({"quarters": _("Quarters are numbered 1 to 4.")})


class ProjectIndicator(models.Model):
    """An indicator the project contributes to, with the project's own target."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="indicator_targets")
    indicator = models.ForeignKey(Indicator, verbose_name=_("indicator"), on_delete=models.PROTECT,
                                  related_name="project_targets")
    target_value = models.DecimalField(_("project target"), max_digits=14, decimal_places=2, null=True, blank=True,
                                       validators=[MinValueValidator(Decimal("0"))])
    target_text = models.CharField(_("target (text)"), max_length=300, blank=True)

    class Meta:
        ordering = ["project", "indicator__order", "indicator__code"]
        constraints = [models.UniqueConstraint(fields=["project", "indicator"], name="projectindicator_unique")]
        verbose_name = _("indicator target")
        verbose_name_plural = _("indicator targets")

    def __str__(self):
        return f"{self.indicator.code}: {self.target_value if self.target_value is not None else self.target_text}"


# --- Quarterly progress forms (แบบติดตาม) ------------------------------------------------------


class QuarterlyReportQuerySet(ScopedQuerySet):
    final_filter = {"state": "approved"}  # what committee members read
    office_lookup = "project__office"
    group_lookup = "project__group"
    owner_lookup = "project__owners"


class QuarterlyReport(models.Model):
    """A project's progress form for one quarter, and its place in the review workflow.

    State changes go through ``projects.workflow``; every change is recorded in
    ``ReportEvent`` (who, when, why) and, at database level, in ``ReportRevision``.
    """

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        RETURNED = "returned", _("Returned for changes")
        VERIFIED = "verified", _("Verified by planning")
        APPROVED = "approved", _("Approved by the director")

    class Timeliness(models.TextChoices):
        ON_TIME = "on_time", _("On time")
        LATE = "late", _("Late")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="reports")
    quarter = models.ForeignKey("plans.Quarter", on_delete=models.PROTECT, related_name="reports")
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.DRAFT, db_index=True)
    # Stamped once, at the first submission; a late form is still accepted.
    timeliness = models.CharField(_("timeliness"), max_length=8, choices=Timeliness.choices, blank=True)
    first_submitted_at = models.DateTimeField(_("first submitted"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    verified_at = models.DateTimeField(null=True, blank=True)
    verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    return_reason = models.TextField(_("reason for returning"), blank=True)
    spent_this_quarter = models.DecimalField(_("budget spent this quarter (baht)"), max_digits=14, decimal_places=2,
                                             null=True, blank=True, validators=[MinValueValidator(Decimal("0"))])
    outputs = models.TextField(_("outputs"), blank=True)
    outcomes = models.TextField(_("outcomes"), blank=True)
    problems = models.TextField(_("problems and obstacles"), blank=True)
    suggestions = models.TextField(_("suggestions"), blank=True)
    # Optimistic concurrency: every write bumps it, and a write based on an older version is refused.
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = QuarterlyReportQuerySet.as_manager()

    class Meta:
        ordering = ["quarter__start_date", "project__code"]
        constraints = [models.UniqueConstraint(fields=["project", "quarter"], name="report_unique_per_quarter")]
        verbose_name = _("quarterly progress form")
        verbose_name_plural = _("quarterly progress forms")

    def __str__(self):
        return f"{self.project.code} Q{self.quarter.number}/{self.quarter.fiscal_year.year}"

    @property
    def owner_may_edit(self) -> bool:
        return self.state in (self.State.DRAFT, self.State.RETURNED)

    @property
    def is_locked(self) -> bool:
        return self.state == self.State.APPROVED


class ActivityProgress(models.Model):
    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")

    report = models.ForeignKey(QuarterlyReport, on_delete=models.CASCADE, related_name="activity_progress")
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="progress")
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.NOT_STARTED)
    percent = models.PositiveSmallIntegerField(_("Percent complete"), null=True, blank=True,
                                               validators=[MaxValueValidator(100)])
    description = models.TextField(_("what was done"), blank=True)

    class Meta:
        ordering = ["report", "activity__order"]
        constraints = [models.UniqueConstraint(fields=["report", "activity"], name="activityprogress_unique")]


class IndicatorResult(models.Model):
    report = models.ForeignKey(QuarterlyReport, on_delete=models.CASCADE, related_name="indicator_results")
    target = models.ForeignKey(ProjectIndicator, on_delete=models.CASCADE, related_name="results")
    value = models.DecimalField(_("result"), max_digits=14, decimal_places=2, null=True, blank=True)
    text = models.TextField(_("result (text)"), blank=True)

    class Meta:
        ordering = ["report", "target__indicator__order"]
        constraints = [models.UniqueConstraint(fields=["report", "target"], name="indicatorresult_unique")]


class ReportEvidenceQuerySet(ScopedQuerySet):
    final_filter = {"report__state": "approved"}  # what committee members read
    office_lookup = "report__project__office"
    group_lookup = "report__project__group"
    owner_lookup = "report__project__owners"


class ReportEvidence(EvidenceBase):
    """A file or link the owner attached to a quarterly form (เอกสารหลักฐาน)."""

    report = models.ForeignKey(QuarterlyReport, on_delete=models.CASCADE, related_name="evidence")

    objects = ReportEvidenceQuerySet.as_manager()

    class Meta(EvidenceBase.Meta):
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")


class Disbursement(models.Model):
    """Budget disbursed for a project in a quarter, entered by finance from the accounting system."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="disbursements")
    quarter = models.ForeignKey("plans.Quarter", on_delete=models.PROTECT, related_name="disbursements")
    amount = models.DecimalField(_("amount disbursed (baht)"), max_digits=14, decimal_places=2,
                                 validators=[MinValueValidator(Decimal("0"))])
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["project", "quarter"], name="disbursement_unique_quarter")]
        verbose_name = _("disbursement")
        verbose_name_plural = _("disbursements")


class LockException(models.Model):
    """Planning staff let one owner submit one project's form after the window closed, until a date."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="lock_exceptions")
    quarter = models.ForeignKey("plans.Quarter", on_delete=models.CASCADE, related_name="lock_exceptions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.CASCADE,
                             related_name="lock_exceptions")
    until = models.DateField(_("may submit until"))
    reason = models.TextField(_("reason"))
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]


class ReportEvent(models.Model):
    """The workflow history of a form: who did what, when and why."""

    class Action(models.TextChoices):
        SAVED = "saved", _("Saved draft")
        SUBMITTED = "submitted", _("Submitted")
        RETURNED = "returned", _("Returned")
        VERIFIED = "verified", _("Verified")
        APPROVED = "approved", _("Approved")
        REOPENED = "reopened", _("Reopened")
        EDITED = "edited", _("Edited after submission")
        DISBURSEMENT = "disbursement", _("Disbursement recorded")
        EXCEPTION = "exception", _("Lock exception granted")

    report = models.ForeignKey(QuarterlyReport, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    action = models.CharField(max_length=14, choices=Action.choices)
    from_state = models.CharField(max_length=10, blank=True)
    to_state = models.CharField(max_length=10, blank=True)
    reason = models.TextField(blank=True)
    changes = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]


class ReportRevision(models.Model):
    """Written by a database trigger on every UPDATE of a form, bulk updates included."""

    report_id = models.BigIntegerField(db_index=True)
    changed_at = models.DateTimeField()
    actor_id = models.BigIntegerField(null=True)
    old_state = models.CharField(max_length=10)
    new_state = models.CharField(max_length=10)
    old_version = models.PositiveIntegerField()
    new_version = models.PositiveIntegerField()
    old_data = models.JSONField(default=dict)
    new_data = models.JSONField(default=dict)

    class Meta:
        ordering = ["changed_at", "id"]

    def changed_fields(self) -> dict:
        ignore = {"updated_at", "version"}
        return {
            key: (self.old_data.get(key), value)
            for key, value in self.new_data.items()
            if key not in ignore and self.old_data.get(key) != value
        }
