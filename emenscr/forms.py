from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from plans.forms import ThaiDateField
from plans.lib.thaidate import format_baht
from projects.models import Project

from .fields import MONTH_NAMES
from .models import CHAIN, MONTHS, LinkageItem, ProjectData, Window, linkage_items_for


class ProjectDataForm(forms.ModelForm):
    budget_category = forms.ChoiceField(label=_("budget category"), required=False,
                                        choices=[("", "—"), *Project.BudgetCategory.choices])

    class Meta:
        model = ProjectData
        fields = ["emenscr_id", "kind", "novelty", "province", "district", "budget_source", "output_target",
                  "output_unit", "outcome_target", "outcome_unit", *[name for name, _l, _p in CHAIN]]

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.project = project
        self.fields["budget_category"].initial = project.budget_category
        items = list(linkage_items_for(project.office))
        for name, level, _parent in CHAIN:
            field = self.fields[name]
            field.queryset = LinkageItem.objects.filter(pk__in=[i.pk for i in items if i.level == level])
            field.label_from_instance = lambda item: f"{item.code} {item.name}"
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs["class"] = css


class MonthlyPlanForm(forms.Form):
    """The twelve months (ต.ค.–ก.ย.) of every activity of the project; each activity's months add up to its budget."""

    def __init__(self, *args, activities, plans, **kwargs):
        super().__init__(*args, **kwargs)
        self.activities = list(activities)
        for activity in self.activities:
            plan = plans.get(activity.pk)
            amounts = plan.amounts if plan else [None] * MONTHS
            for month, name in enumerate(MONTH_NAMES):
                self.fields[f"a{activity.pk}-m{month}"] = forms.DecimalField(
                    label=f"{activity.order}. {name}", required=False, min_value=Decimal("0"), max_digits=14,
                    decimal_places=2, initial=amounts[month] if amounts[month] else None,
                    widget=forms.NumberInput(attrs={"class": "form-control form-control-sm num", "step": "0.01"}))

    def rows(self):
        for activity in self.activities:
            yield activity, [self[f"a{activity.pk}-m{m}"] for m in range(MONTHS)]

    def clean(self):
        data = super().clean()
        self.plans = {}
        for activity in self.activities:
            amounts = [data.get(f"a{activity.pk}-m{m}") or Decimal("0") for m in range(MONTHS)]
            if not any(amounts):
                continue  # no plan for this activity yet
            total = sum(amounts, Decimal("0"))
            if total != activity.budget:
                self.add_error(None, _("Activity %(no)s: the months add up to %(total)s baht, not to its budget of "
                                       "%(budget)s baht.") % {"no": activity.order, "total": format_baht(total),
                                                              "budget": format_baht(activity.budget)})
            self.plans[activity.pk] = [str(a) for a in amounts]
        return data


class LinkageItemForm(forms.ModelForm):
    class Meta:
        model = LinkageItem
        fields = ["level", "code", "name", "parent_code"]

    def __init__(self, *args, office, **kwargs):
        super().__init__(*args, **kwargs)
        self.office = office
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select" if isinstance(field.widget, forms.Select) else "form-control"

    def clean(self):
        data = super().clean()
        if data.get("level") and data.get("code"):
            clash = LinkageItem.objects.filter(office=self.office, level=data["level"], code=data["code"])
            if self.instance.pk:
                clash = clash.exclude(pk=self.instance.pk)
            if clash.exists():
                self.add_error("code", _("This code is already in the list."))
        return data


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Workbook (.xlsx)"))


class StageForm(forms.Form):
    name = forms.CharField(label=_("name"), max_length=200)
    fields_needed = forms.MultipleChoiceField(label=_("fields it needs"), required=False,
                                              widget=forms.CheckboxSelectMultiple)
    progress_needs = forms.ChoiceField(label=_("progress is ready when"), required=False)
    owners_may_mark = forms.BooleanField(label=_("owners may mark their projects keyed"), required=False)

    def __init__(self, *args, stage, **kwargs):
        from .fields import FIELDS
        from .models import Stage

        super().__init__(*args, **kwargs)
        self.fields["fields_needed"].choices = [(key, f.label) for key, f in FIELDS.items()]
        self.fields["progress_needs"].choices = Stage.Progress.choices
        self.stage = stage
        self.windows = list(stage.window_list)
        for window in self.windows:
            self.fields[f"w{window.round}-opens"] = ThaiDateField(label=_("opens"), initial=window.opens)
            self.fields[f"w{window.round}-closes"] = ThaiDateField(label=_("closes"), initial=window.closes)
        for name, field in self.fields.items():
            if not isinstance(field.widget, (forms.CheckboxSelectMultiple, forms.CheckboxInput)):
                field.widget.attrs["class"] = "form-select" if isinstance(field.widget, forms.Select) \
                    else "form-control"

    def window_rows(self):
        for window in self.windows:
            yield window, self[f"w{window.round}-opens"], self[f"w{window.round}-closes"]

    def clean(self):
        data = super().clean()
        for window in self.windows:
            opens, closes = data.get(f"w{window.round}-opens"), data.get(f"w{window.round}-closes")
            if opens and closes and closes < opens:
                self.add_error(f"w{window.round}-closes", _("The window closes before it opens."))
        return data

    def new_windows(self):
        return [Window(round=w.round, opens=self.cleaned_data[f"w{w.round}-opens"],
                       closes=self.cleaned_data[f"w{w.round}-closes"]) for w in self.windows]


class MarkKeyedForm(forms.Form):
    reference = forms.CharField(label=_("eMENSCR reference or screen number"), max_length=100)
    note = forms.CharField(label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    confirm_missing = forms.BooleanField(required=False)
