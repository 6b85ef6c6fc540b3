"""Whether an office publishes its approved results to the public (off until planning or the director turns it on)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Setting(models.Model):
    office = models.OneToOneField("accounts.Office", on_delete=models.CASCADE, related_name="publication_setting")
    publishes = models.BooleanField(_("publish approved results to the public"), default=False)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        verbose_name = _("publication setting")
        verbose_name_plural = _("publication settings")

    def __str__(self):
        return f"{self.office.code}: {'on' if self.publishes else 'off'}"
