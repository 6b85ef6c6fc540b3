from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User, WorkGroup
from plans.forms import ThaiDateField
from plans.models import Indicator
from projects.models import Project
from reviews.forms import EvidenceForm

from .models import (InspectingBody, InspectionIssue, InspectionRound, MonitoringMeeting, Recommendation,
                     RoundSending)

TEXT = {"class": "form-control"}


class RoundForm(forms.ModelForm):
    start_date = ThaiDateField(label=_("from"))
    end_date = ThaiDateField(label=_("to"))

    class Meta:
        model = InspectionRound
        fields = ["body", "number", "title", "start_date", "end_date", "inspectors"]
        widgets = {"inspectors": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, office, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].queryset = InspectingBody.objects.filter(office=office, is_active=True)
        self.fields["body"].empty_label = None

    def clean(self):
        data = super().clean()
        if data.get("start_date") and data.get("end_date") and data["end_date"] < data["start_date"]:
            self.add_error("end_date", _("The round cannot end before it starts."))
        return data


class IssueForm(forms.ModelForm):
    class Meta:
        model = InspectionIssue
        fields = ["code", "title", "description", "group", "responsible", "projects", "indicators"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3}),
                   "projects": forms.SelectMultiple(attrs={"size": 6}),
                   "indicators": forms.SelectMultiple(attrs={"size": 6})}

    def __init__(self, *args, round, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.round = round
        office, fy = round.office, round.fiscal_year
        self.fields["group"].queryset = WorkGroup.objects.filter(office=office, is_active=True)
        self.fields["responsible"].queryset = User.objects.filter(office=office, is_active=True).order_by("full_name")
        self.fields["projects"].queryset = Project.objects.filter(fiscal_year=fy).order_by("code")
        self.fields["projects"].required = False
        self.fields["indicators"].queryset = Indicator.objects.filter(fiscal_year=fy).order_by("order", "code")
        self.fields["indicators"].required = False


class ReportForm(EvidenceForm):
    report = forms.CharField(label=_("The office's report"), required=False,
                             widget=forms.Textarea(attrs={"rows": 8, **TEXT}))
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, issue, **kwargs):
        super().__init__(*args, **kwargs)
        self.set_evidence(issue.evidence.all())
        self.initial.update({"report": issue.report, "version": issue.version})


class FollowUpForm(EvidenceForm):
    progress = forms.CharField(label=_("What was done"), required=False,
                               widget=forms.Textarea(attrs={"rows": 5, **TEXT}))
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, action, **kwargs):
        super().__init__(*args, **kwargs)
        self.set_evidence(action.evidence.all())
        self.initial.update({"progress": action.progress, "version": action.version})


class RecommendationForm(forms.ModelForm):
    class Meta:
        model = Recommendation
        fields = ["number", "text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}


class AnalysisForm(forms.Form):
    analysis = forms.CharField(label=_("Planning group's analysis"), widget=forms.Textarea(attrs={"rows": 3, **TEXT}))
    version = forms.IntegerField(widget=forms.HiddenInput)


class DecisionForm(forms.Form):
    decision = forms.CharField(label=_("Director's decision"), widget=forms.Textarea(attrs={"rows": 3, **TEXT}))


class ActionForm(forms.Form):
    title = forms.CharField(label=_("Action"), max_length=500, widget=forms.TextInput(attrs=TEXT))
    group = forms.ModelChoiceField(label=_("Group"), queryset=WorkGroup.objects.none(),
                                   widget=forms.Select(attrs={"class": "form-select"}))
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=User.objects.none(),
                                   widget=forms.Select(attrs={"class": "form-select"}))
    due_date = ThaiDateField(label=_("Due date"))

    def __init__(self, *args, office, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = WorkGroup.objects.filter(office=office, is_active=True)
        self.fields["owner"].queryset = User.objects.filter(office=office, is_active=True).order_by("full_name")
        self.fields["due_date"].widget.attrs.setdefault("class", "form-control")


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2, **TEXT}))
    version = forms.IntegerField(widget=forms.HiddenInput)


class BodyForm(forms.ModelForm):
    class Meta:
        model = InspectingBody
        fields = ["code", "name", "layout", "order", "is_active"]

    def __init__(self, *args, office, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.office = office

    def clean_code(self):
        code = self.cleaned_data["code"]
        taken = InspectingBody.objects.filter(office=self.instance.office, code=code).exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(_("This office already has a body with this code."))
        return code


class MeetingForm(EvidenceForm):
    """A monitoring meeting: the record, and the minutes as files (checked like evidence)."""

    kind = forms.ChoiceField(label=_("Meeting"), choices=MonitoringMeeting.Kind.choices,
                             widget=forms.Select(attrs={"class": "form-select"}))
    date = ThaiDateField(label=_("Date"))
    attendees = forms.CharField(label=_("Attendees"), help_text=_("One name and position per line."),
                                widget=forms.Textarea(attrs={"rows": 4, **TEXT}))
    minutes = forms.CharField(label=_("Minutes"), required=False, widget=forms.Textarea(attrs={"rows": 6, **TEXT}))
    decisions = forms.CharField(label=_("Decisions"), required=False,
                                widget=forms.Textarea(attrs={"rows": 3, **TEXT}))

    def __init__(self, *args, meeting=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].widget.attrs.setdefault("class", "form-control")
        self.fields["evidence_files"].label = _("Minutes as files")
        self.set_evidence(meeting.evidence.all() if meeting else [])
        if meeting is not None:
            self.initial.update({name: getattr(meeting, name) for name in
                                 ("kind", "date", "attendees", "minutes", "decisions")})


class SendingForm(forms.Form):
    sent_on = ThaiDateField(label=_("Date sent"))
    letter_number = forms.CharField(label=_("Letter number (เลขที่หนังสือ)"), max_length=100,
                                    widget=forms.TextInput(attrs=TEXT))
    sent_by = forms.ModelChoiceField(label=_("Sent by"), queryset=User.objects.none(),
                                     widget=forms.Select(attrs={"class": "form-select"}))
    reason = forms.CharField(label=_("Reason for the correction"), required=False,
                             widget=forms.Textarea(attrs={"rows": 2, **TEXT}))

    def __init__(self, *args, office, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sent_by"].queryset = User.objects.filter(office=office, is_active=True).order_by("full_name")
        self.fields["sent_on"].widget.attrs.setdefault("class", "form-control")

    def clean_letter_number(self):
        value = " ".join(self.cleaned_data["letter_number"].split())
        if not value:
            raise forms.ValidationError(_("Give the letter number."))
        return value
