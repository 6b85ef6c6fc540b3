from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .models import ReminderRule

MIN_OFFSET, MAX_OFFSET = -15, 20


class RuleForm(forms.ModelForm):
    class Meta:
        model = ReminderRule
        fields = ["source", "anchor", "offset", "audience", "is_active"]
        widgets = {"offset": forms.NumberInput(attrs={"min": MIN_OFFSET, "max": MAX_OFFSET, "class": "text-end"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].required = False  # a row posted without it is about quarterly forms

    def clean_source(self):
        return self.cleaned_data.get("source") or ReminderRule.Source.FORM

    def clean(self):
        data = super().clean()
        offset = data.get("offset")
        if offset is None:
            return data
        source, anchor = data.get("source"), data.get("anchor")
        if source == ReminderRule.Source.CALENDAR and anchor == ReminderRule.Anchor.WINDOW:
            self.add_error("anchor", _("A calendar activity has no reporting window: count from its start or "
                                       "from its last day (the due date)."))
        if source == ReminderRule.Source.FORM and anchor == ReminderRule.Anchor.START:
            self.add_error("anchor", _("Quarterly forms count from the window opening or the due date."))
        if data.get("anchor") == ReminderRule.Anchor.WINDOW and offset != 0:
            self.add_error("offset", _("A reminder when the window opens is sent on the quarter's last day: "
                                       "leave the working days at 0, or count from the due date instead."))
        if not MIN_OFFSET <= offset <= MAX_OFFSET:
            self.add_error("offset", _("Use between %(low)s and %(high)s working days.")
                           % {"low": MIN_OFFSET, "high": MAX_OFFSET})
        return data


class BaseRuleFormSet(forms.BaseModelFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        seen, kept = set(), 0
        for form in self.forms:
            if not form.has_changed() and not form.instance.pk:
                continue
            if self.can_delete and self._should_delete_form(form):
                continue
            data = form.cleaned_data
            offset = 0 if data["anchor"] == ReminderRule.Anchor.WINDOW else data["offset"]
            key = (data["source"], data["anchor"], offset, data["audience"])
            if key in seen:
                raise ValidationError(_("Two rows say the same thing (same day and same audience); keep one."))
            seen.add(key)
            kept += 1
        if not kept:
            raise ValidationError(_("Keep at least one rule. To stop reminders, untick “active” instead."))


RuleFormSet = forms.modelformset_factory(ReminderRule, form=RuleForm, formset=BaseRuleFormSet, extra=1,
                                         can_delete=True)


class DigestForm(forms.Form):
    wants_digest = forms.BooleanField(label=_("Send me the weekly digest on Monday morning"), required=False)
