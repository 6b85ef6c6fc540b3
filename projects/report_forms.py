"""The quarterly progress form as a Django form: the report's fields plus one set per activity and indicator."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from plans.forms import ThaiDateField

from . import evidence
from .models import ActivityProgress


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (as Django's documentation shows)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class EvidenceForm(forms.Form):
    """A form with evidence inputs: files, links (one per line) and evidence to remove.
    Subclasses set ``self.evidence_items`` (what is attached now) before validation."""

    evidence_files = MultipleFileField(
        label=_("Attach files"), required=False,
        widget=MultipleFileInput(attrs={"class": "form-control", "accept": ",".join(
            "." + kind.extension for kind in evidence.ALLOWED.values())}))
    evidence_links = forms.CharField(
        label=_("Add links (one per line)"), required=False,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control", "placeholder": "https://"}))
    remove_evidence = forms.TypedMultipleChoiceField(
        label=_("Remove"), required=False, coerce=int, widget=forms.CheckboxSelectMultiple)

    def set_evidence(self, items) -> None:
        self.evidence_items = list(items)
        self.fields["remove_evidence"].choices = [(item.pk, item.title) for item in self.evidence_items]

    def clean(self):
        return clean_evidence(self, super().clean())

    def evidence_payload(self) -> dict:
        data = self.cleaned_data
        return {"files": data.get("evidence_files") or [], "links": data.get("evidence_links") or [],
                "remove": data.get("remove_evidence") or []}


def clean_evidence(form, data: dict) -> dict:
    """Check links and uploads (kind, size, totals with the evidence kept); errors go on their fields."""
    removed = set(data.get("remove_evidence") or ())
    kept = [item for item in form.evidence_items if item.pk not in removed]
    try:
        data["evidence_links"] = evidence.check_links(data.get("evidence_links", ""))
    except ValidationError as error:
        form.add_error("evidence_links", error)
    links = data.get("evidence_links") or []
    try:
        data["evidence_files"] = evidence.check_uploads(
            data.get("evidence_files") or [], existing_bytes=sum(item.size for item in kept),
            existing_items=len(kept) + len(links))
    except ValidationError as error:
        form.add_error("evidence_files", error)
    return data


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
        self.evidence_items = list(report.evidence.all()) if evidence_items is None else evidence_items
        self.fields["remove_evidence"].choices = [(item.pk, item.title) for item in self.evidence_items]
        self.activity_lines = activity_lines
        self.result_lines = result_lines
        self.initial.update({name: getattr(report, name) for name in
                             ("spent_this_quarter", "outputs", "outcomes", "problems", "suggestions")})
        self.initial["version"] = report.version
        for line in activity_lines:
            prefix = f"act-{line.pk}"
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
            prefix = f"ind-{line.pk}"
            if line.target.indicator.is_qualitative:
                self.fields[f"{prefix}-text"] = forms.CharField(
                    label=_("Result"), required=False, initial=line.text,
                    widget=forms.Textarea(attrs={"rows": 2, "class": "form-control form-control-sm"}))
            else:
                self.fields[f"{prefix}-value"] = forms.DecimalField(
                    label=_("Result"), required=False, initial=line.value, max_digits=14, decimal_places=2,
                    widget=forms.NumberInput(attrs={"step": "0.01", "class": "form-control form-control-sm"}))
                self.fields[f"{prefix}-text"] = forms.CharField(
                    label=_("Note"), required=False, initial=line.text,
                    widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}))

    def rows(self):
        activities = [
            {"line": line, "status": self[f"act-{line.pk}-status"], "percent": self[f"act-{line.pk}-percent"],
             "description": self[f"act-{line.pk}-description"]}
            for line in self.activity_lines
        ]
        results = [
            {"line": line, "value": self[f"ind-{line.pk}-value"] if f"ind-{line.pk}-value" in self.fields else None,
             "text": self[f"ind-{line.pk}-text"]}
            for line in self.result_lines
        ]
        return activities, results

    def payload(self) -> dict:
        data = self.cleaned_data
        fields = {name: data[name] for name in ("spent_this_quarter", "outputs", "outcomes", "problems",
                                                "suggestions")}
        activities = {
            line.pk: {"status": data[f"act-{line.pk}-status"], "percent": data[f"act-{line.pk}-percent"],
                      "description": data[f"act-{line.pk}-description"]}
            for line in self.activity_lines
        }
        results = {}
        for line in self.result_lines:
            entry = {"text": data.get(f"ind-{line.pk}-text", "")}
            if f"ind-{line.pk}-value" in self.fields:
                entry["value"] = data[f"ind-{line.pk}-value"]
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
