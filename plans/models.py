"""Fiscal years, quarters, holidays and the monitoring calendar."""

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Office, WorkGroup
from accounts.scoping import ScopedQuerySet

from .lib import fiscal
from .lib.thaidate import format_date


class FiscalYearQuerySet(ScopedQuerySet):
    office_lookup = "office"


class FiscalYear(models.Model):
    """One office's fiscal year (ปีงบประมาณ), labelled in the Buddhist era."""

    office = models.ForeignKey(Office, verbose_name=_("office"), on_delete=models.CASCADE, related_name="fiscal_years")
    year = models.PositiveSmallIntegerField(
        _("fiscal year (B.E.)"),
        validators=[MinValueValidator(fiscal.MIN_YEAR_BE), MaxValueValidator(fiscal.MAX_YEAR_BE)],
    )
    report_working_days = models.PositiveSmallIntegerField(
        _("working days to report after a quarter ends"), default=5,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = FiscalYearQuerySet.as_manager()

    class Meta:
        ordering = ["office", "-year"]
        constraints = [models.UniqueConstraint(fields=["office", "year"], name="fiscalyear_unique_per_office")]
        verbose_name = _("fiscal year")
        verbose_name_plural = _("fiscal years")

    def __str__(self):
        return f"ปีงบประมาณ พ.ศ. {self.year}"

    @property
    def start(self) -> date:
        return fiscal.fiscal_year_bounds(self.year)[0]

    @property
    def end(self) -> date:
        return fiscal.fiscal_year_bounds(self.year)[1]

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end


class QuarterQuerySet(ScopedQuerySet):
    office_lookup = "fiscal_year__office"

    def open_on(self, day: date):
        return self.filter(due_date__gte=day)


class Quarter(models.Model):
    """A fiscal quarter with its progress-report due date.

    The due date is stored so that it stays fixed once it has passed; while it
    is still ahead, any holiday edit recomputes it (see ``plans.services``).
    """

    fiscal_year = models.ForeignKey(FiscalYear, on_delete=models.CASCADE, related_name="quarters")
    number = models.PositiveSmallIntegerField(_("quarter"), validators=[MinValueValidator(1), MaxValueValidator(4)])
    start_date = models.DateField(_("first day"))
    end_date = models.DateField(_("last day"))
    due_date = models.DateField(_("report due date"))

    objects = QuarterQuerySet.as_manager()

    class Meta:
        ordering = ["fiscal_year", "number"]
        constraints = [models.UniqueConstraint(fields=["fiscal_year", "number"], name="quarter_unique_number")]
        verbose_name = _("quarter")
        verbose_name_plural = _("quarters")

    def __str__(self):
        return f"ไตรมาส {self.number}/{self.fiscal_year.year}"

    @property
    def label(self) -> str:
        return f"ไตรมาส {self.number} ปีงบประมาณ พ.ศ. {self.fiscal_year.year}"

    def is_open(self, today: date | None = None) -> bool:
        return self.due_date >= (today or timezone.localdate())


class HolidayQuerySet(models.QuerySet):
    def national(self):
        return self.filter(office__isnull=True)

    def for_office(self, office):
        return self.filter(office=office)

    def between(self, start: date, end: date):
        return self.filter(date__gte=start, date__lte=end)


class Holiday(models.Model):
    """A day off, or an office's correction of the national calendar.

    * ``office`` empty: the national calendar, copied per year from the
      ``holidays`` package (categories *public* and *government*); a
      superuser may correct it.
    * ``office`` set, ``is_day_off`` true: an extra day off the office declares
      (e.g. a special cabinet holiday announced during the year).
    * ``office`` set, ``is_day_off`` false: the office works on a national
      holiday (removes it from its own calendar).
    """

    class Source(models.TextChoices):
        PACKAGE = "package", _("Thai public holiday calendar")
        OFFICE = "office", _("declared by the office")
        MANUAL = "manual", _("corrected by an administrator")

    office = models.ForeignKey(
        Office, verbose_name=_("office"), null=True, blank=True, on_delete=models.CASCADE, related_name="holidays"
    )
    date = models.DateField(_("date"))
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    is_day_off = models.BooleanField(_("day off"), default=True)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.OFFICE)
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = HolidayQuerySet.as_manager()

    class Meta:
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["office", "date"], name="holiday_unique_office_date"),
            models.UniqueConstraint(fields=["date"], condition=Q(office__isnull=True), name="holiday_unique_national_date"),
        ]
        verbose_name = _("holiday")
        verbose_name_plural = _("holidays")

    def __str__(self):
        return f"{format_date(self.date)} {self.name}"

    def clean(self):
        if self.office_id is None and not self.is_day_off:
            raise ValidationError(_("A national calendar entry is always a day off."))


class HolidayYear(models.Model):
    """Marks a Gregorian year whose national holidays were copied into ``Holiday``."""

    year = models.PositiveSmallIntegerField(unique=True)
    loaded_at = models.DateTimeField(auto_now_add=True)
    package_version = models.CharField(max_length=20, blank=True)

    def __str__(self):
        return str(self.year)


class CalendarActivityQuerySet(ScopedQuerySet):
    office_lookup = "fiscal_year__office"


class CalendarActivity(models.Model):
    """A line of the monitoring calendar (ปฏิทินการปฏิบัติงาน)."""

    fiscal_year = models.ForeignKey(FiscalYear, on_delete=models.CASCADE, related_name="calendar_activities")
    order = models.PositiveSmallIntegerField(_("no."), default=0)
    title = models.CharField(_("activity"), max_length=300)
    details = models.TextField(_("details"), blank=True)
    period_text = models.CharField(_("period"), max_length=200, blank=True)
    months = models.JSONField(
        _("months"), default=list, blank=True,
        help_text=_("Calendar months (1–12) in which the activity takes place."),
    )
    start_date = models.DateField(_("from"), null=True, blank=True)
    end_date = models.DateField(_("to"), null=True, blank=True)
    responsible_group = models.ForeignKey(
        WorkGroup, verbose_name=_("responsible group"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="calendar_activities",
    )
    responsible_text = models.CharField(_("informant / responsible"), max_length=300, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    objects = CalendarActivityQuerySet.as_manager()

    class Meta:
        ordering = ["fiscal_year", "order", "id"]
        verbose_name = _("calendar activity")
        verbose_name_plural = _("calendar activities")

    def __str__(self):
        return self.title

    def clean(self):
        bad = [m for m in self.months or [] if not (isinstance(m, int) and 1 <= m <= 12)]
        if bad:
            raise ValidationError({"months": _("Months must be numbers from 1 to 12.")})
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The end date is before the start date.")})

    def active_in(self, year: int, month: int) -> bool:
        if month in (self.months or []):
            return True
        if self.start_date and self.end_date:
            first = date(year, month, 1)
            return self.start_date <= date(year, month, 28) and self.end_date >= first
        return False
