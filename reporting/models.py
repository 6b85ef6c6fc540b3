"""Annual summary report editions: generated in the background, approved by the director, then frozen."""

from datetime import datetime, timedelta

from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _



def report_storage():
    return storages["reports"]


def silent_since() -> datetime:
    """A build whose heartbeat (``updated_at``) is older than this died with its worker."""
    return timezone.now() - timedelta(seconds=settings.TIDTAM_REPORT_DEAD_AFTER_SECONDS)


class Audience(models.TextChoices):
    PEC = "pec", _("Provincial education committee (กศจ.)")
    KTPN = "ktpn", _("Monitoring and evaluation committee (ก.ต.ป.น.)")
    OBEC = "obec", _("OBEC (สพฐ.)")
    OTHERS = "othr", _("Others concerned (ผู้ที่เกี่ยวข้อง)")


class AnnualReportQuerySet(models.QuerySet):
    """No ``visible_to``: who reads an edition depends on its state and audience — use
    ``reporting.annual_views.visible_editions``."""


class AnnualReport(models.Model):
    """One edition of the annual summary report for one audience.

    Planning staff generate a draft (a Celery task renders it into a stored PDF, with the data
    snapshot it was built from); the director approves it or returns it with a reason. An
    approved edition is frozen: its PDF and snapshot are never rebuilt, whatever happens to the
    forms later. A new draft can be generated at any time.
    """

    class State(models.TextChoices):
        QUEUED = "queued", _("Waiting to be generated")
        GENERATING = "generating", _("Generating")
        FAILED = "failed", _("Generation failed")
        DRAFT = "draft", _("Draft")
        RETURNED = "returned", _("Returned")
        APPROVED = "approved", _("Approved")

    office = models.ForeignKey("accounts.Office", on_delete=models.CASCADE, related_name="annual_reports")
    fiscal_year = models.ForeignKey("plans.FiscalYear", on_delete=models.PROTECT, related_name="annual_reports")
    audience = models.CharField(_("audience"), max_length=4, choices=Audience.choices)
    thai_digits = models.BooleanField(_("Thai digits"), default=False)
    basis = models.CharField(_("results from"), max_length=10, default="approved")
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.QUEUED, db_index=True)
    progress = models.PositiveSmallIntegerField(default=0)
    pages = models.PositiveIntegerField(null=True, blank=True)
    file = models.FileField(storage=report_storage, upload_to="annual/", blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    snapshot = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    build_seconds = models.FloatField(null=True, blank=True)
    # Of the edition's parts (sections, project blocks, contents), how many a build found already rendered and
    # how many it rendered itself (documents.pdf.parts): known as soon as the build starts rendering.
    parts_reused = models.PositiveIntegerField(null=True, blank=True)
    parts_rendered = models.PositiveIntegerField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    generated_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    return_reason = models.TextField(_("reason for returning"), blank=True)
    # How an approved edition was issued to its audience (a letter of the office).
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    issued_letter_no = models.CharField(_("letter number"), max_length=100, blank=True)
    issued_to = models.CharField(_("issued to"), max_length=300, blank=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")

    objects = AnnualReportQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("annual report edition")
        verbose_name_plural = _("annual report editions")

    def __str__(self):
        return f"{self.fiscal_year.year} {self.audience} #{self.pk}"

    @property
    def is_issued(self) -> bool:
        return self.issued_on is not None

    @property
    def is_busy(self) -> bool:
        return self.state in (self.State.QUEUED, self.State.GENERATING)

    @property
    def is_stalled(self) -> bool:
        """Generating, but no heartbeat for a minute: its worker died; it can be generated again."""
        return self.state == self.State.GENERATING and self.updated_at < silent_since()
