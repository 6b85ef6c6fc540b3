"""The abstract reviewed record and its event: what every reviewed, evidenced record keeps.

A concrete kind subclasses :class:`ReviewedRecord` (state, version, stamps, return reason), adds an
event model (a :class:`ReviewEvent` subclass with a foreign key named as it likes, ``related_name="events"``)
and an evidence model (:class:`reviews.evidence.EvidenceBase`, ``related_name="evidence"``), then
registers a moves table with :func:`reviews.engine.register`.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ReviewEvent(models.Model):
    """Who did what to a reviewed record, when and why; ``changes`` holds {field: [old, new]}."""

    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    action = models.CharField(max_length=20)
    from_state = models.CharField(max_length=12, blank=True)
    to_state = models.CharField(max_length=12, blank=True)
    reason = models.TextField(blank=True)
    changes = models.JSONField(default=dict, blank=True)

    class Meta:
        abstract = True
        ordering = ["at", "id"]


class ReviewedRecord(models.Model):
    """A report reviewed like the quarterly forms: its state (draft → submitted → verified → approved, or
    returned with a reason), when it moved, and its version (see :mod:`reviews.machine`)."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        RETURNED = "returned", _("Returned for changes")
        VERIFIED = "verified", _("Verified")
        APPROVED = "approved", _("Approved")

    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.DRAFT, db_index=True)
    return_reason = models.TextField(_("reason for returning"), blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    verified_at = models.DateTimeField(null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True

    @property
    def editable(self) -> bool:
        return self.state in (self.State.DRAFT, self.State.RETURNED)
