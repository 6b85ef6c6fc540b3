"""Projects and activities of the fiscal year, with budgets, owners and indicator targets."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Office, Role, WorkGroup
from accounts.scoping import ScopedQuerySet
from plans.models import FiscalYear, Indicator, PlanItem

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
        if user.has_role(Role.PLANNING, Role.ADMIN, Role.DIRECTOR):
            return qs.filter(office_id=user.office_id)
        condition = Q(pk__in=self.model._base_manager.filter(owners=user).values("pk"))
        if user.has_role(Role.GROUP_HEAD):
            condition |= Q(group__in=list(user.group_ids))
        return qs.filter(condition)

    def with_budget(self):
        return self.annotate(
            budget_total=models.F("budget_obec") + models.F("budget_office") + models.F("budget_other")
        )


class Project(models.Model):
    class Source(models.TextChoices):
        ACTION_PLAN = "plan", _("Annual action plan")
        POLICY = "policy", _("Policy and strategy (any level)")
        OTHER_AGENCY = "agency", _("Activity from another agency")

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
