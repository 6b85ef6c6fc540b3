"""eMENSCR (the national M&E system): the reference lists of the linkage chain, each project's national-system
data, the stages and windows of a fiscal year, and what was keyed when.

Tidtam never calls eMENSCR: it keeps the data, says what is ready, tracks what was keyed and reminds.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Office
from accounts.scoping import ScopedQuerySet
from plans.models import FiscalYear
from projects.models import Activity, Project
from reviews.models import ReviewEvent

MONTHS = 12  # ต.ค. … ก.ย.


class LinkageItem(models.Model):
    """One entry of a reference list of the linkage chain (20-year strategy → … → SDG).

    ``office`` empty: a list for every office (kept by a superuser)."""

    class Level(models.TextChoices):
        STRATEGY = "strategy", _("20-year national strategy")
        MASTER_PLAN = "master_plan", _("Master plan")
        MASTER_TARGET = "master_target", _("Master plan target")
        SUB_PLAN = "sub_plan", _("Sub-plan")
        SUB_TARGET = "sub_target", _("Sub-plan target")
        REFORM = "reform", _("National reform plan")
        MILESTONE = "milestone", _("NESDP milestone")
        SDG = "sdg", _("SDG goal")

    office = models.ForeignKey(Office, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    level = models.CharField(_("level"), max_length=14, choices=Level.choices)
    code = models.CharField(_("code"), max_length=30)
    name = models.CharField(_("name"), max_length=500)
    parent_code = models.CharField(_("parent code"), max_length=30, blank=True)

    class Meta:
        ordering = ["level", "code"]
        constraints = [
            models.UniqueConstraint(fields=["office", "level", "code"], name="linkage_unique_code"),
            models.UniqueConstraint(fields=["level", "code"], condition=Q(office__isnull=True),
                                    name="linkage_unique_global_code"),
        ]

    def __str__(self):
        return f"{self.code} {self.name}"


#: the linkage fields of a project, in chain order: (field name, level, level of its parent)
CHAIN = (
    ("strategy", LinkageItem.Level.STRATEGY, None),
    ("master_plan", LinkageItem.Level.MASTER_PLAN, "strategy"),
    ("master_target", LinkageItem.Level.MASTER_TARGET, "master_plan"),
    ("sub_plan", LinkageItem.Level.SUB_PLAN, "master_plan"),
    ("sub_target", LinkageItem.Level.SUB_TARGET, "sub_plan"),
    ("reform", LinkageItem.Level.REFORM, None),
    ("milestone", LinkageItem.Level.MILESTONE, None),
    ("sdg", LinkageItem.Level.SDG, None),
)


def linkage_items_for(office):
    """The reference lists an office uses: its own and the global ones (its own win on the same code)."""
    return LinkageItem.objects.filter(Q(office=office) | Q(office__isnull=True))


class ProjectDataQuerySet(ScopedQuerySet):
    office_lookup = "project__office"
    group_lookup = "project__group"
    owner_lookup = "project__owners"


def _linkage(verbose):
    return models.ForeignKey(LinkageItem, verbose_name=verbose, null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")


class ProjectData(models.Model):
    """A project's national-system fields beside what Tidtam already keeps."""

    class Kind(models.TextChoices):
        PROJECT = "project", _("Project")
        ONGOING = "ongoing", _("Ongoing work")

    class Novelty(models.TextChoices):
        NEW = "new", _("New project (first year)")
        CONTINUING = "continuing", _("Continuing project")

    project = models.OneToOneField(Project, on_delete=models.CASCADE, related_name="emenscr")
    emenscr_id = models.CharField(_("eMENSCR project id"), max_length=40, blank=True)
    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices, blank=True)
    novelty = models.CharField(_("new or continuing"), max_length=12, choices=Novelty.choices, blank=True)
    province = models.CharField(_("province"), max_length=100, blank=True)
    district = models.CharField(_("district"), max_length=100, blank=True)
    budget_source = models.CharField(_("budget source"), max_length=200, blank=True)
    output_target = models.CharField(_("output target"), max_length=500, blank=True)
    output_unit = models.CharField(_("output unit"), max_length=50, blank=True)
    outcome_target = models.CharField(_("outcome target"), max_length=500, blank=True)
    outcome_unit = models.CharField(_("outcome unit"), max_length=50, blank=True)
    strategy = _linkage(_("20-year national strategy"))
    master_plan = _linkage(_("Master plan"))
    master_target = _linkage(_("Master plan target"))
    sub_plan = _linkage(_("Sub-plan"))
    sub_target = _linkage(_("Sub-plan target"))
    reform = _linkage(_("National reform plan"))
    milestone = _linkage(_("NESDP milestone"))
    sdg = _linkage(_("SDG goal"))
    updated_at = models.DateTimeField(auto_now=True)

    objects = ProjectDataQuerySet.as_manager()

    def clean(self):
        errors = {}
        for name, level, parent in CHAIN:
            item = getattr(self, name)
            if item is None:
                continue
            if item.level != level:
                errors[name] = _("Pick an entry of the right list.")
            elif parent and item.parent_code and getattr(self, parent) is not None \
                    and getattr(self, parent).code != item.parent_code:
                errors[name] = _("This entry belongs to %(code)s, not to the %(parent)s chosen.") % {
                    "code": item.parent_code, "parent": self._meta.get_field(parent).verbose_name}
        if errors:
            raise ValidationError(errors)


def parse_months(values) -> list[Decimal]:
    """Twelve amounts (blank is 0)."""
    return [Decimal(str(v or 0)) for v in (list(values or []) + [0] * MONTHS)[:MONTHS]]


class ActivityPlan(models.Model):
    """The monthly spending plan of an activity, ต.ค. to ก.ย.; it adds up to the activity's budget."""

    activity = models.OneToOneField(Activity, on_delete=models.CASCADE, related_name="emenscr_plan")
    months = models.JSONField(_("monthly plan"), default=list)  # 12 decimal strings

    @property
    def amounts(self) -> list[Decimal]:
        return parse_months(self.months)

    @property
    def total(self) -> Decimal:
        return sum(self.amounts, Decimal("0"))


class Stage(models.Model):
    """A stage of keying in one fiscal year (M1…M7): what it needs and when it is keyed."""

    class Progress(models.TextChoices):
        APPROVED = "approved", _("The quarter's form is approved")
        SUBMITTED = "submitted", _("The quarter's form is submitted (or further)")

    fiscal_year = models.ForeignKey(FiscalYear, on_delete=models.CASCADE, related_name="emenscr_stages")
    code = models.CharField(_("code"), max_length=10)
    name = models.CharField(_("name"), max_length=200)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    fields = models.JSONField(_("fields it needs"), default=list)  # keys of emenscr.fields.FIELDS
    per_quarter = models.BooleanField(_("per quarter"), default=False)
    progress_needs = models.CharField(_("progress is ready when"), max_length=10, choices=Progress.choices,
                                      default=Progress.APPROVED)
    owners_may_mark = models.BooleanField(_("owners may mark their projects keyed"), default=False)

    class Meta:
        ordering = ["fiscal_year", "order", "code"]
        constraints = [models.UniqueConstraint(fields=["fiscal_year", "code"], name="stage_unique_code")]

    def __str__(self):
        return f"{self.code} {self.name}"


class Window(models.Model):
    """A window of a stage (calendar dates as typed); for a per-quarter stage, ``round`` is the quarter."""

    stage = models.ForeignKey(Stage, on_delete=models.CASCADE, related_name="windows")
    round = models.PositiveSmallIntegerField(_("round"))
    opens = models.DateField(_("opens"))
    closes = models.DateField(_("closes"))

    class Meta:
        ordering = ["stage", "round"]
        constraints = [models.UniqueConstraint(fields=["stage", "round"], name="window_unique_round")]

    def clean(self):
        if self.opens and self.closes and self.closes < self.opens:
            raise ValidationError({"closes": _("The window closes before it opens.")})


class EntryQuerySet(ScopedQuerySet):
    office_lookup = "project__office"
    group_lookup = "project__group"
    owner_lookup = "project__owners"


class Entry(models.Model):
    """A project keyed in eMENSCR for one stage and round: who, when, the reference, and what was keyed.

    A reviewed record of the one review engine (``emenscr/workflow.py``): marking keyed, correcting the reference
    and taking the mark back are its moves, each an :class:`EntryEvent` in its history. ``snapshot`` holds the
    stage's values as stored when keyed (raw: codes, ids, ISO dates, decimals as strings)."""

    class State(models.TextChoices):
        OPEN = "open", _("Not keyed")
        KEYED = "keyed", _("Keyed")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="emenscr_entries")
    stage = models.ForeignKey(Stage, on_delete=models.CASCADE, related_name="entries")
    round = models.PositiveSmallIntegerField(_("round"))
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.OPEN)
    keyed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    keyed_at = models.DateTimeField(_("keyed"), null=True, blank=True)
    reference = models.CharField(_("eMENSCR reference"), max_length=100, blank=True)
    note = models.TextField(_("note"), blank=True)
    snapshot = models.JSONField(default=dict)  # the stage's raw values when keyed: {field key: raw value}
    missing_confirmed = models.JSONField(_("missing fields confirmed"), default=list)  # labels, confirmed when keyed
    version = models.PositiveIntegerField(default=1)

    objects = EntryQuerySet.as_manager()

    class Meta:
        ordering = ["stage", "round", "project__code"]
        constraints = [models.UniqueConstraint(fields=["project", "stage", "round"], name="entry_unique")]


class EntryEvent(ReviewEvent):
    """Who marked, corrected or took back an entry, when, with which reference and confirming what."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="events")
