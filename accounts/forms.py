from axes.handlers.proxy import AxesProxyHandler
from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import ValidationError
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


class GuardedPasswordChangeForm(PasswordChangeForm):
    """A wrong old password counts as a failed log-in of the account (django-axes, per account), so it
    cannot be guessed here any more often than on the log-in page; a locked account changes nothing."""

    def __init__(self, user, *args, request, **kwargs):
        self.request = request
        super().__init__(user, *args, **kwargs)

    def clean_old_password(self):
        # The counter the log-in page uses: the e-mail as EmailLoginForm cleans it.
        credentials = {"username": self.user.email.strip().lower()}
        if not AxesProxyHandler.is_allowed(self.request, credentials):
            self.request.axes_locked_out = True  # AxesMiddleware answers with the lock-out page
            self.request.axes_credentials = credentials
            raise ValidationError(_("Too many wrong passwords: try again later."), code="locked")
        try:
            return super().clean_old_password()
        except ValidationError:
            user_login_failed.send(sender=__name__, credentials=credentials, request=self.request)
            raise
