from decimal import Decimal

from django import forms
from django.forms import BaseInlineFormSet, inlineformset_factory
from django.utils.translation import gettext_lazy as _

from accounts.models import User, WorkGroup
from accounts.permissions import PROJECT_EDITORS, acts_for
from plans.forms import ThaiDateField
from plans.models import Indicator, PlanItem

from .models import Activity, Project, ProjectIndicator

def compact_widgets(form) -> None:
    """Bootstrap classes for forms rendered as table rows (no crispy labels there)."""
    for name, field in form.fields.items():
        widget = field.widget
        if isinstance(widget, forms.CheckboxSelectMultiple):
            continue
        if isinstance(widget, forms.CheckboxInput):
            widget.attrs["class"] = "form-check-input"
        elif isinstance(widget, forms.Select):
            widget.attrs["class"] = "form-select form-select-sm"
        else:
            widget.attrs["class"] = "form-control form-control-sm"
        widget.attrs.setdefault("aria-label", str(field.label))


QUARTER_CHOICES = [(1, _("Q1")), (2, _("Q2")), (3, _("Q3")), (4, _("Q4"))]


class ProjectFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False,
                        widget=forms.TextInput(attrs={"placeholder": _("Code or name")}))
    fy = forms.TypedChoiceField(label=_("Fiscal year"), coerce=int, required=False)
    group = forms.ModelChoiceField(label=_("Group"), queryset=WorkGroup.objects.none(), required=False)
    source = forms.ChoiceField(label=_("Source"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)

    def __init__(self, *args, office, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fy"].choices = [(y, str(y)) for y in years]
        self.fields["group"].queryset = WorkGroup.objects.filter(office=office, is_active=True)
        self.fields["group"].empty_label = _("All groups")
        self.fields["source"].choices = [("", _("All sources")), *Project.Source.choices]
        self.fields["status"].choices = [("", _("All statuses")), *Project.Status.choices]


class ProjectForm(forms.ModelForm):
    start_date = ThaiDateField(label=_("start date"), required=False)
    end_date = ThaiDateField(label=_("end date"), required=False)

    class Meta:
        model = Project
        fields = [
            "code", "name", "source", "group", "owners", "status", "cancel_reason", "rationale", "objectives",
            "target_groups", "start_date", "end_date", "budget_obec", "budget_office", "budget_other", "budget_category",
            "strategies",
        ]
        widgets = {
            "rationale": forms.Textarea(attrs={"rows": 3}),
            "objectives": forms.Textarea(attrs={"rows": 3}),
            "target_groups": forms.Textarea(attrs={"rows": 2}),
            "cancel_reason": forms.Textarea(attrs={"rows": 2}),
            "owners": forms.SelectMultiple(attrs={"size": 6}),
            "strategies": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, fiscal_year, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.fiscal_year = fiscal_year
        office = fiscal_year.office
        groups = WorkGroup.objects.filter(office=office, is_active=True)
        if not acts_for(user, office, *PROJECT_EDITORS):
            # Group heads and owners create and move projects only within their own groups.
            groups = groups.filter(pk__in=user.group_ids)
        self.fields["group"].queryset = groups
        self.fields["owners"].queryset = User.objects.filter(office=office, is_active=True)
        self.fields["strategies"].queryset = PlanItem.objects.filter(fiscal_year=fiscal_year)
        for name in ("budget_obec", "budget_office", "budget_other"):
            self.fields[name].widget.attrs.update({"step": "0.01", "min": "0"})

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        duplicate = Project.objects.filter(fiscal_year=self.instance.fiscal_year, code=code)
        if self.instance.pk:
            duplicate = duplicate.exclude(pk=self.instance.pk)
        if duplicate.exists():
            raise forms.ValidationError(_("Another project of this fiscal year already uses code %(code)s."),
                                        params={"code": code})
        return code


class QuarterField(forms.TypedMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        super().__init__(choices=QUARTER_CHOICES, coerce=int, required=False, **kwargs)


class ActivityForm(forms.ModelForm):
    quarters = QuarterField(label=_("planned quarters"))

    class Meta:
        model = Activity
        fields = ["order", "name", "quarters", "budget", "budget_category", "responsible", "responsible_text"]
        widgets = {"order": forms.NumberInput(attrs={"class": "form-control-sm", "min": 0})}

    def __init__(self, *args, office=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible"].queryset = User.objects.filter(office=office, is_active=True)
        self.fields["budget_category"].choices = [("", _("Same as the project")),
                                                  *Activity._meta.get_field("budget_category").choices]
        self.fields["budget"].widget.attrs.update({"step": "0.01", "min": "0"})
        self.fields["responsible_text"].widget.attrs["placeholder"] = _("or a name")
        compact_widgets(self)


class BaseActivityFormSet(BaseInlineFormSet):
    """Activities of a project; pass ``form_kwargs={"office": …}`` and the project's budget."""

    def __init__(self, *args, project_budget=None, **kwargs):
        self.project_budget = project_budget
        super().__init__(*args, **kwargs)

    def clean(self):
        super().clean()
        if any(self.errors) or self.project_budget is None:
            return
        total = sum(
            (form.cleaned_data.get("budget") or Decimal("0"))
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        )
        if total > self.project_budget:
            raise forms.ValidationError(
                _("The activities' budgets add up to %(total)s baht, more than the project's %(budget)s baht."),
                params={"total": f"{total:,.2f}", "budget": f"{self.project_budget:,.2f}"},
            )


ActivityFormSet = inlineformset_factory(
    Project, Activity, form=ActivityForm, formset=BaseActivityFormSet, extra=2, can_delete=True,
)


class ProjectIndicatorForm(forms.ModelForm):
    class Meta:
        model = ProjectIndicator
        fields = ["indicator", "target_value", "target_text"]

    def __init__(self, *args, fiscal_year=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].queryset = Indicator.objects.filter(fiscal_year=fiscal_year)
        compact_widgets(self)


class BaseIndicatorFormSet(BaseInlineFormSet):
    """Indicator targets of a project; pass ``form_kwargs={"fiscal_year": …}``."""

    def clean(self):
        super().clean()
        seen = set()
        for form in self.forms:
            data = getattr(form, "cleaned_data", None) or {}
            if data.get("DELETE") or not data.get("indicator"):
                continue
            if data["indicator"].pk in seen:
                raise forms.ValidationError(_("Each indicator can be listed only once."))
            seen.add(data["indicator"].pk)


IndicatorFormSet = inlineformset_factory(
    Project, ProjectIndicator, form=ProjectIndicatorForm, formset=BaseIndicatorFormSet, extra=1, can_delete=True,
)
