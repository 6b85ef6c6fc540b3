from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class BackupRun(models.Model):
    """One nightly (or hand-started) backup: when, which file, how big, whether it verified."""

    class State(models.TextChoices):
        RUNNING = "running", pgettext_lazy("backup state", "Running")
        OK = "ok", _("Verified")
        FAILED = "failed", pgettext_lazy("backup state", "Failed")

    started_at = models.DateTimeField(_("started"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    file = models.CharField(_("file"), max_length=300)
    size = models.PositiveBigIntegerField(_("size"), default=0)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.RUNNING)
    error = models.TextField(_("error"), blank=True)
    started_by = models.CharField(_("started by"), max_length=200, blank=True)
    verified_at = models.DateTimeField(_("last verified"), null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("backup run")
        verbose_name_plural = _("backup runs")

    def __str__(self):
        return self.file

    @property
    def name(self) -> str:
        return self.file.replace("\\", "/").rsplit("/", 1)[-1]

    @property
    def size_mb(self) -> float:
        return self.size / (1024 * 1024)

    @property
    def error_line(self) -> str:
        """The error's first line in the language it was written first (Thai, then English)."""
        return self.error.splitlines()[0] if self.error else ""
