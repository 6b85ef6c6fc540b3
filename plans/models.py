"""Fiscal years, quarters, holidays and the monitoring calendar."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

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


ALL_QUARTERS = (1, 2, 3, 4)


def all_quarters() -> list[int]:
    return list(ALL_QUARTERS)


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
    window_opens_days_before_end = models.PositiveSmallIntegerField(
        _("reporting window opens (days before the quarter's last day)"), default=0,
        validators=[MaxValueValidator(60)],
        help_text=_("0 opens the quarterly form on the quarter's last day."),
    )
    window_closes_days_after_due = models.PositiveSmallIntegerField(
        _("reporting window closes (days after the due date)"), default=30,
        validators=[MaxValueValidator(120)],
        help_text=_("Late forms are accepted until then; afterwards only with an exception from planning staff."),
    )
    form_quarters = models.JSONField(
        _("quarters that need a progress form"), default=all_quarters, blank=True,
        help_text=_("Quarters without a form get no form, no reminder and no missing mark."),
    )
    editions_deadline = models.DateField(
        _("annual report editions due"), null=True, blank=True,
        help_text=_("The day the annual report's editions must be issued; empty: the fiscal year's last day."),
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

    def needs_form(self, number: int) -> bool:
        """Whether quarter ``number`` asks for progress forms this year (a per-year setting)."""
        return number in (self.form_quarters if self.form_quarters else ALL_QUARTERS)

    @property
    def editions_due(self) -> date:
        """When the annual report's editions must be issued (default: 30 September, the year's last day)."""
        return self.editions_deadline or self.end


class QuarterQuerySet(ScopedQuerySet):
    office_lookup = "fiscal_year__office"


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

    def due_at(self) -> datetime:
        """End of the due day, Asia/Bangkok: a form submitted after this moment is late."""
        end_of_day = datetime.combine(self.due_date, time(23, 59, 59, 999999))
        return timezone.make_aware(end_of_day, ZoneInfo(settings.TIME_ZONE))

    def window_opens(self) -> date:
        return self.end_date - timedelta(days=self.fiscal_year.window_opens_days_before_end)

    def window_closes(self) -> date:
        return self.due_date + timedelta(days=self.fiscal_year.window_closes_days_after_due)

    @property
    def needs_form(self) -> bool:
        """Whether this quarter asks for progress forms (FiscalYear.form_quarters)."""
        return self.fiscal_year.needs_form(self.number)

    def accepts_reports_on(self, day: date) -> bool:
        return self.window_opens() <= day <= self.window_closes()


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
    done_on = models.DateField(_("done on"), null=True, blank=True)

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

    def runs(self) -> list[tuple[date, date]]:
        """When the activity takes place: its dates, else each run of consecutive months (in fiscal-year order)
        — "every quarter" in months 1, 4 and 7 is three runs; [] when it has neither."""
        if self.start_date and self.end_date:
            return [(self.start_date, self.end_date)]
        chosen = set(self.months or [])
        blocks, previous = [], None
        for index, (y, m) in enumerate(fiscal.fiscal_months(self.fiscal_year.year)):
            if m not in chosen:
                continue
            last = date(y + m // 12, m % 12 + 1, 1) - timedelta(days=1)
            if previous is not None and previous == index - 1:
                blocks[-1] = (blocks[-1][0], last)
            else:
                blocks.append((date(y, m, 1), last))
            previous = index
        if not blocks and self.start_date:
            return [(self.start_date, self.start_date)]
        return blocks

    def span(self) -> tuple[date, date] | None:
        """First and last day of the activity (its first run's start, its last run's end); None without either."""
        runs = self.runs()
        return (runs[0][0], runs[-1][1]) if runs else None

    def done_for(self, run: tuple[date, date]) -> bool:
        """A run counts as done when the activity was marked done on or after the run's first day."""
        return self.done_on is not None and self.done_on >= run[0]

    def open_run(self, today: date) -> tuple[date, date] | None:
        """The earliest run that has started by ``today`` and is not done (what "mark as done" records)."""
        return next((run for run in self.runs() if run[0] <= today and not self.done_for(run)), None)

    def active_in(self, year: int, month: int) -> bool:
        if month in (self.months or []):
            return True
        if self.start_date and self.end_date:
            first = date(year, month, 1)
            return self.start_date <= date(year, month, 28) and self.end_date >= first
        return False


# --- The annual action plan and its policy tree -------------------------------------------


class PlanItemQuerySet(ScopedQuerySet):
    office_lookup = "fiscal_year__office"


class PlanItem(models.Model):
    """A node of the fiscal year's policy tree: policy → focus point → strategy.

    Policies can come from any level (OBEC, the ministry, the government or the
    office itself); focus points (จุดเน้น) hang under a policy, strategies
    (กลยุทธ์) under a policy or focus point. Indicators attach to any node.
    """

    class Kind(models.TextChoices):
        POLICY = "policy", _("Policy")
        FOCUS = "focus", _("Focus point")
        STRATEGY = "strategy", _("Strategy")

    class Level(models.TextChoices):
        GOVERNMENT = "government", _("Government")
        MINISTRY = "ministry", _("Ministry of Education")
        OBEC = "obec", _("OBEC")
        OFFICE = "office", _("Office")

    ALLOWED_PARENTS = {Kind.POLICY: (), Kind.FOCUS: (Kind.POLICY,), Kind.STRATEGY: (Kind.POLICY, Kind.FOCUS)}

    fiscal_year = models.ForeignKey(FiscalYear, on_delete=models.CASCADE, related_name="plan_items")
    parent = models.ForeignKey(
        "self", verbose_name=_("under"), null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    level = models.CharField(_("level"), max_length=12, choices=Level.choices, default=Level.OBEC)
    code = models.CharField(_("code"), max_length=30)
    name = models.CharField(_("name"), max_length=500)
    name_en = models.CharField(_("English name"), max_length=500, blank=True)
    owner_group = models.ForeignKey(
        WorkGroup, verbose_name=_("owner group"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="plan_items",
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = PlanItemQuerySet.as_manager()

    class Meta:
        ordering = ["fiscal_year", "order", "code"]
        constraints = [models.UniqueConstraint(fields=["fiscal_year", "kind", "code"], name="planitem_unique_code")]
        verbose_name = _("policy, focus point or strategy")
        verbose_name_plural = _("policy tree")

    def __str__(self):
        return f"{self.code} {self.name}"

    def clean(self):
        if self.parent_id:
            if self.parent.fiscal_year_id != self.fiscal_year_id:
                raise ValidationError({"parent": _("The parent belongs to another fiscal year.")})
            if self.parent.kind not in self.ALLOWED_PARENTS[self.kind]:
                raise ValidationError({"parent": _("A %(kind)s cannot be placed under a %(parent)s.") % {
                    "kind": self.get_kind_display(), "parent": self.parent.get_kind_display()}})
        elif self.kind == self.Kind.FOCUS:
            raise ValidationError({"parent": _("A focus point belongs under a policy.")})


class IndicatorQuerySet(ScopedQuerySet):
    office_lookup = "fiscal_year__office"


class Indicator(models.Model):
    """A key performance indicator (ตัวชี้วัด) of the plan."""

    fiscal_year = models.ForeignKey(FiscalYear, on_delete=models.CASCADE, related_name="indicators")
    plan_item = models.ForeignKey(
        PlanItem, verbose_name=_("belongs to"), null=True, blank=True, on_delete=models.CASCADE,
        related_name="indicators",
    )
    code = models.CharField(_("code"), max_length=30)
    name = models.CharField(_("name"), max_length=500)
    name_en = models.CharField(_("English name"), max_length=500, blank=True)
    unit = models.CharField(_("unit"), max_length=50, blank=True)
    target_value = models.DecimalField(_("target"), max_digits=14, decimal_places=2, null=True, blank=True)
    is_cumulative = models.BooleanField(
        _("cumulative"), default=False,
        help_text=_("Results add up over the quarters (e.g. number of schools trained)."),
    )
    is_qualitative = models.BooleanField(
        _("qualitative"), default=False, help_text=_("Results are reported as text, not as a number."),
    )
    owner_group = models.ForeignKey(
        WorkGroup, verbose_name=_("owner group"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="indicators",
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = IndicatorQuerySet.as_manager()

    class Meta:
        ordering = ["fiscal_year", "order", "code"]
        constraints = [models.UniqueConstraint(fields=["fiscal_year", "code"], name="indicator_unique_code")]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")

    def __str__(self):
        return f"{self.code} {self.name}"

    def clean(self):
        if self.plan_item_id and self.plan_item.fiscal_year_id != self.fiscal_year_id:
            raise ValidationError({"plan_item": _("The policy item belongs to another fiscal year.")})
        if self.target_value is not None and self.target_value < 0:
            raise ValidationError({"target_value": _("The target cannot be negative.")})


class ActionPlan(models.Model):
    """The annual action plan (แผนปฏิบัติการประจำปี) of a fiscal year."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        APPROVED = "approved", _("Approved by the director")
        CLOSED = "closed", _("Closed")

    fiscal_year = models.OneToOneField(FiscalYear, on_delete=models.CASCADE, related_name="action_plan")
    title = models.CharField(_("title"), max_length=300, blank=True)
    total_budget = models.DecimalField(_("total budget (baht)"), max_digits=16, decimal_places=2, default=0)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("action plan")
        verbose_name_plural = _("action plans")

    def __str__(self):
        return self.title or f"แผนปฏิบัติการประจำปีงบประมาณ พ.ศ. {self.fiscal_year.year}"


class DisbursementTarget(models.Model):
    """Cumulative budget-spending target (เป้าหมายการใช้จ่ายงบประมาณ) per quarter, set per fiscal year."""

    class BudgetType(models.TextChoices):
        OVERALL = "overall", _("Overall")
        CURRENT = "current", _("Current expenditure")
        CAPITAL = "capital", _("Capital expenditure")

    # Shipped defaults (the cabinet sets them anew each year; planning staff edit them).
    DEFAULTS = {
        BudgetType.OVERALL: (32, 54, 77, 100),
        BudgetType.CURRENT: (36, 57, 80, 100),
        BudgetType.CAPITAL: (20, 45, 65, 100),
    }

    fiscal_year = models.ForeignKey(FiscalYear, on_delete=models.CASCADE, related_name="disbursement_targets")
    budget_type = models.CharField(_("budget type"), max_length=10, choices=BudgetType.choices)
    quarter = models.PositiveSmallIntegerField(_("quarter"), validators=[MinValueValidator(1), MaxValueValidator(4)])
    cumulative_percent = models.DecimalField(
        _("cumulative target (%)"), max_digits=5, decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )

    class Meta:
        ordering = ["fiscal_year", "budget_type", "quarter"]
        constraints = [
            models.UniqueConstraint(fields=["fiscal_year", "budget_type", "quarter"], name="disbursement_unique")
        ]
        verbose_name = _("disbursement target")
        verbose_name_plural = _("disbursement targets")

    def __str__(self):
        return f"{self.get_budget_type_display()} Q{self.quarter}: {self.cumulative_percent}%"
