from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from plans.forms import ThaiDateField
from plans.models import PlanItem

from .models import Criterion, EvaluationForm, default_level_names, default_thresholds


class FormSettingsForm(forms.ModelForm):
    deadline = ThaiDateField(label=_("answers accepted until"))

    class Meta:
        model = EvaluationForm
        fields = ["title", "deadline", "achieved_from", "partly_from"]

    def __init__(self, *args, locked=False, **kwargs):
        super().__init__(*args, **kwargs)
        if locked:
            for name in ("title", "achieved_from", "partly_from"):
                self.fields[name].disabled = True


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.replace("\n", ",").split(",") if part.strip()]


class CriterionForm(forms.ModelForm):
    level_names_text = forms.CharField(label=_("level names (lowest first, separated by commas)"), required=False,
                                       help_text=_("Empty: the usual names of the scale."))
    thresholds_text = forms.CharField(label=_("thresholds in % (computed criteria, ascending, commas)"),
                                      required=False, help_text=_("Empty: even steps, e.g. 20, 40, 60, 80 for 1–5."))

    class Meta:
        model = Criterion
        fields = ["code", "name", "kind", "source", "weight", "scale_max"]

    def clean(self):
        data = super().clean()
        top = data.get("scale_max") or 5
        names = _split(data.get("level_names_text", ""))
        data["level_names"] = names or default_level_names(top)
        raw = _split(data.get("thresholds_text", ""))
        try:
            thresholds = [int(part) for part in raw]
        except ValueError:
            self.add_error("thresholds_text", _("Thresholds are whole numbers from 0 to 100."))
            thresholds = []
        if data.get("kind") == Criterion.Kind.COMPUTED:
            data["thresholds"] = thresholds or default_thresholds(top)
        else:
            data["thresholds"] = []
        # the model's own checks (levels named, thresholds ascending) run on the instance after this
        self.instance.level_names, self.instance.thresholds = data["level_names"], data["thresholds"]
        return data

    def _update_errors(self, errors):
        # the model names its JSON fields; the form shows them as the typed text fields
        from django.core.exceptions import ValidationError

        if hasattr(errors, "error_dict"):
            renamed = {"level_names": "level_names_text", "thresholds": "thresholds_text"}
            errors = ValidationError({renamed.get(k, k): v for k, v in errors.error_dict.items()})
        super()._update_errors(errors)

    def build(self) -> Criterion:
        return self.save(commit=False)


class InviteUserForm(forms.Form):
    user = forms.ModelChoiceField(label=_("person with an account"), queryset=User.objects.none())

    def __init__(self, *args, office, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = User.objects.filter(office=office, is_active=True).order_by("full_name")


class InviteOutsideForm(forms.Form):
    name = forms.CharField(label=_("name"), max_length=200)
    role_text = forms.CharField(label=_("position"), max_length=200, required=False,
                                help_text=_("e.g. school director, teacher, community member"))
    email = forms.EmailField(label=_("e-mail"), required=False)


class LessonForm(forms.Form):
    plan_item = forms.ModelChoiceField(label=_("strategy"), queryset=PlanItem.objects.none(), required=False,
                                       empty_label=_("The whole plan"))
    text = forms.CharField(label=_("lesson for the next plan"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, fiscal_year, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan_item"].queryset = PlanItem.objects.filter(fiscal_year=fiscal_year).order_by(
            "kind", "order", "code")


class SummaryForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    overview = forms.CharField(label=_("summary of the evaluation"), widget=forms.Textarea(attrs={"rows": 6}),
                               required=False)
