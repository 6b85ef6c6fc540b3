from django import forms
from django.utils.translation import gettext_lazy as _

from .lib import fiscal
from .models import FiscalYear


class ThaiDateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


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
    date = forms.DateField(label=_("Date"), widget=ThaiDateInput())
    name = forms.CharField(label=_("Name"), max_length=200)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class WorkingDayForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=ThaiDateInput())
    note = forms.CharField(label=_("Reason"), max_length=300, required=False)
