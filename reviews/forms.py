"""Form pieces every reviewed record's page uses: evidence inputs and the indicator result field."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from . import evidence
from .values import parse_indicator_value


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


class IndicatorValueField(forms.CharField):
    """An indicator's numeric result, read by :func:`reviews.values.parse_indicator_value` (Thai digits,
    thousands commas, negatives unless the indicator is a percentage)."""

    def __init__(self, *args, indicator=None, **kwargs):
        self.indicator = indicator
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal", "maxlength": 30,
                                                            "class": "form-control"}))
        super().__init__(*args, **kwargs)

    def prepare_value(self, value):
        """Shown as typed, without the column's trailing zeros: 32 persons, not "32.00"."""
        if value is None:
            return ""
        if isinstance(value, Decimal):
            return format(value.normalize(), "f")
        return str(value)

    def to_python(self, value):
        return parse_indicator_value(super().to_python(value), self.indicator)
