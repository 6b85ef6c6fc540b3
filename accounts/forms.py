from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class EmailLoginForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("E-mail"), widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"})
    )

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("The e-mail or password is wrong. Both are case-sensitive except the e-mail."),
        "inactive": _("This account is disabled. Ask your office's administrator."),
    }

    def clean_username(self):
        return self.cleaned_data["username"].strip().lower()
