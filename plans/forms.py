from datetime import date, timedelta

from django import forms
from django.utils.translation import gettext_lazy as _

from .lib import fiscal
from .lib.thaidate import BE_OFFSET, MONTHS_SHORT, arabic_digits, parse_day_month_year
from accounts.models import WorkGroup

from .models import ActionPlan, CalendarActivity, DisbursementTarget, FiscalYear, Indicator, PlanItem


class ThaiDateInput(forms.TextInput):
    """A text box showing and taking Buddhist-era dates (8/1/2569); browsers' date pickers are Gregorian."""

    def __init__(self, attrs=None):
        super().__init__({"placeholder": _("d/m/yyyy B.E., e.g. 8/1/2569"), "inputmode": "numeric",
                          "autocomplete": "off", **(attrs or {})})

    def format_value(self, value):
        if isinstance(value, date):
            return f"{value.day}/{value.month}/{value.year + BE_OFFSET}"
        return super().format_value(value)


class ThaiDateField(forms.DateField):
    """A date typed as ISO (the browser's date picker) or as d/m/yyyy in the Buddhist era (8/1/2569)."""

    widget = ThaiDateInput
    default_error_messages = {
        "invalid": _("Enter a valid date, e.g. 8/1/2569 or 2026-01-08."),
    }

    def to_python(self, value):
        if isinstance(value, str):
            try:
                parsed = parse_day_month_year(value)
            except ValueError:
                raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None
            if parsed is not None:
                return parsed
            value = arabic_digits(value).strip()
        return super().to_python(value)


class FiscalYearCreateForm(forms.Form):
    year = forms.CharField(
        label=_("Fiscal year (B.E.)"), max_length=4,
        help_text=_("Buddhist-era year, e.g. 2569 for 1 Oct 2025 – 30 Sep 2026."),
    )

    def __init__(self, *args, office, **kwargs):
        self.office = office
        super().__init__(*args, **kwargs)

    def clean_year(self):
        try:
            year = fiscal.parse_year_be(self.cleaned_data["year"])
        except fiscal.FiscalYearError:
            raise forms.ValidationError(
                _("Enter a four-digit Buddhist-era year between %(min)s and %(max)s, e.g. 2569."),
                params={"min": fiscal.MIN_YEAR_BE, "max": fiscal.MAX_YEAR_BE},
            ) from None
        if FiscalYear.objects.filter(office=self.office, year=year).exists():
            raise forms.ValidationError(_("Fiscal year %(year)s already exists."), params={"year": year})
        return year


QUARTER_CHOICES = [(n, _("Quarter %(n)s") % {"n": n}) for n in (1, 2, 3, 4)]


class FiscalYearSettingsForm(forms.ModelForm):
    form_quarters = forms.TypedMultipleChoiceField(
        label=_("quarters that need a progress form"), choices=QUARTER_CHOICES, coerce=int,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Quarters without a form get no form, no reminder and no missing mark."),
        error_messages={"required": _("Choose at least one quarter that needs a progress form.")},
    )
    editions_deadline = ThaiDateField(
        label=_("annual report editions due"), required=False,
        help_text=_("The day the annual report's editions must be issued; empty: the fiscal year's last day."),
    )

    class Meta:
        model = FiscalYear
        fields = ["report_working_days", "form_quarters", "editions_deadline"]
        help_texts = {
            "report_working_days": _("Quarterly progress forms are due this many working days after the quarter "
                                     "ends. Changing it moves the due dates that have not passed yet."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["form_quarters"] = list(self.instance.form_quarters or (1, 2, 3, 4))

    def clean_form_quarters(self):
        return sorted(set(self.cleaned_data["form_quarters"]))

    def clean_editions_deadline(self):
        day = self.cleaned_data.get("editions_deadline")
        if day and not (self.instance.start <= day <= self.instance.end + timedelta(days=120)):
            raise forms.ValidationError(_("Choose a day within the fiscal year or up to four months after it."))
        return day


class DayOffForm(forms.Form):
    date = ThaiDateField(label=_("Date"))
    name = forms.CharField(label=_("Name"), max_length=200)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class WorkingDayForm(forms.Form):
    date = ThaiDateField(label=_("Date"))
    note = forms.CharField(label=_("Reason"), max_length=300, required=False)


class PlanItemForm(forms.ModelForm):
    class Meta:
        model = PlanItem
        fields = ["kind", "level", "parent", "code", "name", "name_en", "owner_group", "order"]

    def __init__(self, *args, fiscal_year, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.fiscal_year = fiscal_year
        parents = PlanItem.objects.filter(fiscal_year=fiscal_year).exclude(kind=PlanItem.Kind.STRATEGY)
        if self.instance.pk:
            parents = parents.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = parents
        self.fields["owner_group"].queryset = WorkGroup.objects.filter(office=fiscal_year.office, is_active=True)

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        kind = self.data.get(self.add_prefix("kind")) or self.instance.kind
        clash = PlanItem.objects.filter(fiscal_year=self.instance.fiscal_year, kind=kind, code=code)
        if self.instance.pk:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(_("Code %(code)s is already used in this fiscal year."), params={"code": code})
        return code


class IndicatorForm(forms.ModelForm):
    class Meta:
        model = Indicator
        fields = ["plan_item", "code", "name", "name_en", "unit", "target_value", "is_cumulative",
                  "is_qualitative", "owner_group", "order"]

    def __init__(self, *args, fiscal_year, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.fiscal_year = fiscal_year
        self.fields["plan_item"].queryset = PlanItem.objects.filter(fiscal_year=fiscal_year)
        self.fields["owner_group"].queryset = WorkGroup.objects.filter(office=fiscal_year.office, is_active=True)

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        clash = Indicator.objects.filter(fiscal_year=self.instance.fiscal_year, code=code)
        if self.instance.pk:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(_("Code %(code)s is already used in this fiscal year."), params={"code": code})
        return code

    def clean(self):
        data = super().clean()
        if not data.get("is_qualitative") and data.get("target_value") is None:
            self.add_error("target_value", _("A numeric indicator needs a target."))
        return data


class ActionPlanForm(forms.ModelForm):
    class Meta:
        model = ActionPlan
        fields = ["title", "total_budget"]


class DisbursementTargetsForm(forms.Form):
    """The 3 × 4 grid of cumulative disbursement targets (%)."""

    def __init__(self, *args, fiscal_year, targets=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fiscal_year = fiscal_year
        targets = fiscal_year.disbursement_targets.all() if targets is None else targets
        current = {(t.budget_type, t.quarter): t.cumulative_percent for t in targets}
        for budget_type, label in DisbursementTarget.BudgetType.choices:
            for quarter in (1, 2, 3, 4):
                self.fields[f"{budget_type}_{quarter}"] = forms.DecimalField(
                    label=f"{label} Q{quarter}", min_value=0, max_value=100, decimal_places=2,
                    initial=current.get((budget_type, quarter)),
                    widget=forms.NumberInput(attrs={"class": "form-control form-control-sm", "step": "0.01"}),
                )

    def rows(self):
        return [
            (label, [self[f"{budget_type}_{q}"] for q in (1, 2, 3, 4)])
            for budget_type, label in DisbursementTarget.BudgetType.choices
        ]

    def clean(self):
        data = super().clean()
        for budget_type, label in DisbursementTarget.BudgetType.choices:
            values = [data.get(f"{budget_type}_{q}") for q in (1, 2, 3, 4)]
            if None in values:
                continue
            if any(b < a for a, b in zip(values, values[1:])):
                raise forms.ValidationError(
                    _("%(type)s: cumulative targets cannot go down from one quarter to the next."),
                    params={"type": label},
                )
        return data

    def save(self):
        for budget_type, _label in DisbursementTarget.BudgetType.choices:
            for quarter in (1, 2, 3, 4):
                DisbursementTarget.objects.update_or_create(
                    fiscal_year=self.fiscal_year, budget_type=budget_type, quarter=quarter,
                    defaults={"cumulative_percent": self.cleaned_data[f"{budget_type}_{quarter}"]},
                )


class CopyTreeForm(forms.Form):
    target = forms.TypedChoiceField(label=_("Copy into fiscal year"), coerce=int)

    def __init__(self, *args, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].choices = [(y, str(y)) for y in years]


class CalendarActivityForm(forms.ModelForm):
    months = forms.TypedMultipleChoiceField(
        label=_("months"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple,
    )
    start_date = ThaiDateField(label=_("from"), required=False)
    end_date = ThaiDateField(label=_("to"), required=False)

    class Meta:
        model = CalendarActivity
        fields = ["order", "title", "details", "period_text", "months", "start_date", "end_date",
                  "responsible_group", "responsible_text", "note"]
        widgets = {"details": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, fiscal_year, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.fiscal_year = fiscal_year
        self.fields["months"].choices = [(m, f"{MONTHS_SHORT[m - 1]} {y + BE_OFFSET}")
                                         for y, m in fiscal.fiscal_months(fiscal_year.year)]
        self.fields["responsible_group"].queryset = WorkGroup.objects.filter(office=fiscal_year.office)

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        fy = self.instance.fiscal_year
        for name, day in (("start_date", start), ("end_date", end)):
            if day and not fy.contains(day):
                self.add_error(name, _("The date is outside the fiscal year."))
        if not data.get("months") and not (start and end):
            raise forms.ValidationError(_("Tick the months of the activity or give its start and end dates."))
        return data
