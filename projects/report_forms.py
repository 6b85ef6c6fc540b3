"""The quarterly progress form as a Django form: the report's fields plus one set per activity and indicator."""

from decimal import Decimal

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from plans.forms import ThaiDateField
from reviews.forms import EvidenceForm, IndicatorValueField

from .models import ActivityProgress


class ProgressForm(EvidenceForm):
    """Type checks only (a draft may be incomplete); completeness is checked on submission."""

    spent_this_quarter = forms.DecimalField(
        label=_("Budget spent this quarter (baht)"), required=False, max_digits=14, decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0", "class": "form-control"}),
    )
    outputs = forms.CharField(label=_("Outputs"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    outcomes = forms.CharField(label=_("Outcomes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    problems = forms.CharField(label=_("Problems and obstacles"), required=False,
                               widget=forms.Textarea(attrs={"rows": 3}))
    suggestions = forms.CharField(label=_("Suggestions"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, report, activity_lines, result_lines, evidence_items=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.report = report
        if evidence_items is None:
            evidence_items = list(report.evidence.all()) if report.pk else []
        self.evidence_items = evidence_items
        self.fields["remove_evidence"].choices = [(item.pk, item.title) for item in self.evidence_items]
        self.activity_lines = activity_lines
        self.result_lines = result_lines
        self.initial.update({name: getattr(report, name) for name in
                             ("spent_this_quarter", "outputs", "outcomes", "problems", "suggestions")})
        self.initial["version"] = report.version
        for line in activity_lines:
            prefix = f"act-{line.activity_id}"
            self.fields[f"{prefix}-status"] = forms.ChoiceField(
                label=_("Status"), choices=ActivityProgress.Status.choices, initial=line.status,
                widget=forms.Select(attrs={"class": "form-select form-select-sm"}))
            self.fields[f"{prefix}-percent"] = forms.IntegerField(
                label=_("Percent complete"), required=False, initial=line.percent,
                validators=[MinValueValidator(0), MaxValueValidator(100)],
                widget=forms.NumberInput(attrs={"min": 0, "max": 100, "class": "form-control form-control-sm"}))
            self.fields[f"{prefix}-description"] = forms.CharField(
                label=_("What was done"), required=False, initial=line.description,
                widget=forms.Textarea(attrs={"rows": 2, "class": "form-control form-control-sm"}))
        for line in result_lines:
            prefix = f"ind-{line.target_id}"
            if line.target.indicator.is_qualitative:
                self.fields[f"{prefix}-text"] = forms.CharField(
                    label=_("Result"), required=False, initial=line.text,
                    widget=forms.Textarea(attrs={"rows": 2, "class": "form-control form-control-sm"}))
            else:
                self.fields[f"{prefix}-value"] = IndicatorValueField(
                    label=_("Result"), initial=line.value, indicator=line.target.indicator,
                    widget=forms.TextInput(attrs={"inputmode": "decimal", "maxlength": 30,
                                                  "class": "form-control form-control-sm"}))
                self.fields[f"{prefix}-text"] = forms.CharField(
                    label=_("Note"), required=False, initial=line.text,
                    widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}))

    def rows(self):
        activities = [
            {"line": line, "status": self[f"act-{line.activity_id}-status"],
             "percent": self[f"act-{line.activity_id}-percent"], "description": self[f"act-{line.activity_id}-description"]}
            for line in self.activity_lines
        ]
        results = [
            {"line": line,
             "value": self[f"ind-{line.target_id}-value"] if f"ind-{line.target_id}-value" in self.fields else None,
             "text": self[f"ind-{line.target_id}-text"]}
            for line in self.result_lines
        ]
        return activities, results

    def payload(self) -> dict:
        data = self.cleaned_data
        fields = {name: data[name] for name in ("spent_this_quarter", "outputs", "outcomes", "problems",
                                                "suggestions")}
        # Fields are named by activity and indicator target (a form not saved yet has no lines); the
        # service takes the saved lines' ids.
        activities = {
            line.pk: {"status": data[f"act-{line.activity_id}-status"], "percent": data[f"act-{line.activity_id}-percent"],
                      "description": data[f"act-{line.activity_id}-description"]}
            for line in self.activity_lines
        }
        results = {}
        for line in self.result_lines:
            entry = {"text": data.get(f"ind-{line.target_id}-text", "")}
            if f"ind-{line.target_id}-value" in self.fields:
                entry["value"] = data[f"ind-{line.target_id}-value"]
            results[line.pk] = entry
        return {"fields": fields, "activities": activities, "results": results, "expected_version": data["version"],
                "evidence": {"files": data["evidence_files"], "links": data["evidence_links"],
                             "remove": data["remove_evidence"]}}

    def add_problems(self, problems) -> None:
        for key, message in problems:
            self.add_error(key if key in self.fields else None, message)


class ReviewForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Reason (shown to the owner)"), required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))


class ExceptionForm(forms.Form):
    """Planning staff let one owner send one form after the window closed, until a date."""

    user = forms.ModelChoiceField(label=_("Owner"), queryset=None, widget=forms.Select(attrs={"class": "form-select"}))
    until = ThaiDateField(label=_("May send until"))
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}))

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = project.owners.order_by("full_name")
        self.fields["until"].widget.attrs.setdefault("class", "form-control")
