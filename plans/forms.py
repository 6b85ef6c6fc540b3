import re
from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

from .lib import fiscal
from .lib.thaidate import arabic_digits
from .models import FiscalYear


class ThaiDateInput(forms.TextInput):
    """A text box showing and taking Buddhist-era dates (8/1/2569); browsers' date pickers are Gregorian."""

    def __init__(self, attrs=None):
        super().__init__({"placeholder": _("d/m/yyyy B.E., e.g. 8/1/2569"), "inputmode": "numeric",
                          "autocomplete": "off", **(attrs or {})})

    def format_value(self, value):
        if isinstance(value, date):
            return f"{value.day}/{value.month}/{value.year + fiscal.BE_OFFSET}"
        return super().format_value(value)


class ThaiDateField(forms.DateField):
    """A date typed as ISO (the browser's date picker) or as d/m/yyyy in the Buddhist era (8/1/2569)."""

    widget = ThaiDateInput
    default_error_messages = {
        "invalid": _("Enter a valid date, e.g. 8/1/2569 or 2026-01-08."),
    }

    def to_python(self, value):
        if isinstance(value, str):
            text = arabic_digits(value).strip()
            match = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", text)
            if match:
                day, month, year = (int(g) for g in match.groups())
                if year > 2400:
                    year -= fiscal.BE_OFFSET
                try:
                    return date(year, month, day)
                except ValueError:
                    raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None
            value = text
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


class FiscalYearSettingsForm(forms.ModelForm):
    class Meta:
        model = FiscalYear
        fields = ["report_working_days"]
        help_texts = {
            "report_working_days": _("Quarterly progress forms are due this many working days after the quarter "
                                     "ends. Changing it moves the due dates that have not passed yet."),
        }


class DayOffForm(forms.Form):
    date = ThaiDateField(label=_("Date"))
    name = forms.CharField(label=_("Name"), max_length=200)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class WorkingDayForm(forms.Form):
    date = ThaiDateField(label=_("Date"))
    note = forms.CharField(label=_("Reason"), max_length=300, required=False)
