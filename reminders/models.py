"""The outbox: every e-mail Tidtam sends is first a row here, so none is lost and none goes twice.

A row is created with a unique ``key`` (what, for whom, about which due date or event) in the
same transaction as the change that calls for it; its sending is queued after commit. A worker
claims the row with a conditional update before sending, so two workers (or a sweep and a
worker) never both send it. If the broker is down the row simply waits for the next sweep.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _


# A worker has the SMTP timeout (per step of the conversation) to send a message it claimed; one still
# "sending" this long past the timeout was left by a worker that died mid-send, and is taken back.
STUCK_MARGIN = timedelta(minutes=5)


def smtp_timeout() -> int:
    options = settings.MAILERS.get("default", {}).get("OPTIONS", {})
    return int(options.get("timeout") or getattr(settings, "EMAIL_TIMEOUT_SECONDS", 15))


class Message(models.Model):
    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        RETRY = "retry", _("Waiting to retry")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    class Kind(models.TextChoices):
        RETURNED = "returned", _("Form returned")
        REOPENED = "reopened", _("Approved form reopened")
        DEADLINE = "deadline", _("Deadline reminder")
        DIGEST = "digest", _("Weekly digest")
        BACKUP_FAILED = "backup_failed", _("Backup failed")
        INVITATION = "invitation", _("Invitation to evaluate")

    key = models.CharField(max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    office = models.ForeignKey("accounts.Office", on_delete=models.CASCADE, related_name="+")
    #: None for a person without an account (an outside evaluator): then ``to_name`` and ``to_email`` say who
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True,
                                  related_name="messages")
    to_name = models.CharField(max_length=200, blank=True)
    to_email = models.EmailField()
    subject = models.CharField(_("subject"), max_length=300)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    state = models.CharField(_("state"), max_length=8, choices=State.choices, default=State.QUEUED, db_index=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("e-mail")
        verbose_name_plural = _("e-mails")

    def __str__(self):
        return f"{self.kind} → {self.to_email}"

    @property
    def to_display_name(self) -> str:
        """Who it went to: the account's name, or the outside person's name (or address) when there is none."""
        if self.recipient_id is not None:
            return self.recipient.full_name
        return self.to_name or self.to_email

    @staticmethod
    def stuck_before() -> datetime:
        """Claimed before this and still "sending": its worker died mid-send."""
        return timezone.now() - timedelta(seconds=smtp_timeout()) - STUCK_MARGIN

    @classmethod
    def resendable(cls) -> Q:
        """What an administrator may send again now: failed, waiting to retry, or stuck in "sending"."""
        return (Q(state__in=[cls.State.FAILED, cls.State.RETRY])
                | Q(state=cls.State.SENDING, claimed_at__lt=cls.stuck_before()))

    @property
    def is_stuck(self) -> bool:
        return self.state == self.State.SENDING and self.claimed_at is not None \
            and self.claimed_at < self.stuck_before()

    @property
    def may_send_again(self) -> bool:
        return self.state in (self.State.FAILED, self.State.RETRY) or self.is_stuck


class ReminderRule(models.Model):
    """When deadline reminders go out for a fiscal year's quarterly forms or calendar activities, and to whom.

    A quarterly-form rule (source "form") is anchored on the window opening (the quarter's last day) or on
    the due date, shifted by a number of working days (negative: before). Escalations go to the group head,
    with a copy to the planning group. A calendar rule (source "calendar") is anchored on the activity's
    first day ("start") or its last day ("due"); it goes to the responsible group's head and planning staff.
    """

    class Source(models.TextChoices):
        FORM = "form", _("Quarterly progress forms")
        CALENDAR = "calendar", _("Monitoring calendar activities")

    class Anchor(models.TextChoices):
        WINDOW = "window", _("when the window opens")
        DUE = "due", _("relative to the due date")
        START = "start", _("relative to the activity's start")

    class Audience(models.TextChoices):
        OWNER = "owner", _("Project owners")
        ESCALATION = "escalation", _("Group head, copy to planning staff")

    DEFAULTS = [
        (Anchor.WINDOW, 0, Audience.OWNER),
        (Anchor.DUE, -2, Audience.OWNER),
        (Anchor.DUE, 0, Audience.OWNER),
        (Anchor.DUE, 1, Audience.OWNER),
        (Anchor.DUE, 3, Audience.ESCALATION),
    ]
    CALENDAR_DEFAULTS = [
        (Anchor.START, -5, Audience.ESCALATION),
        (Anchor.DUE, 1, Audience.ESCALATION),
    ]

    fiscal_year = models.ForeignKey("plans.FiscalYear", on_delete=models.CASCADE, related_name="reminder_rules")
    source = models.CharField(_("about"), max_length=10, choices=Source.choices, default=Source.FORM)
    anchor = models.CharField(_("from"), max_length=6, choices=Anchor.choices, default=Anchor.DUE)
    offset = models.SmallIntegerField(_("working days (negative: before)"), default=0)
    audience = models.CharField(_("to"), max_length=10, choices=Audience.choices, default=Audience.OWNER)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["fiscal_year", "source", "anchor", "offset", "audience"]
        constraints = [models.UniqueConstraint(fields=["fiscal_year", "source", "anchor", "offset", "audience"],
                                               name="reminderrule_unique_per_source")]
        verbose_name = _("reminder rule")
        verbose_name_plural = _("reminder rules")

    def __str__(self):
        return self.code

    @property
    def description(self) -> str:
        if self.source == self.Source.CALENDAR:
            return self._calendar_description()
        if self.anchor == self.Anchor.WINDOW:
            return gettext("When the window opens")
        if self.offset == 0:
            return gettext("On the due date")
        if self.offset < 0:
            return ngettext("%(n)d working day before the due date", "%(n)d working days before the due date",
                            -self.offset) % {"n": -self.offset}
        return ngettext("%(n)d working day after the due date", "%(n)d working days after the due date",
                        self.offset) % {"n": self.offset}

    def _calendar_description(self) -> str:
        n = abs(self.offset)
        if self.anchor == self.Anchor.START:
            if self.offset == 0:
                return gettext("On the activity's first day")
            if self.offset < 0:
                return ngettext("%(n)d working day before the activity starts",
                                "%(n)d working days before the activity starts", n) % {"n": n}
            return ngettext("%(n)d working day after the activity started",
                            "%(n)d working days after the activity started", n) % {"n": n}
        if self.offset == 0:
            return gettext("On the activity's last day, if not done")
        if self.offset < 0:
            return ngettext("%(n)d working day before the activity ends, if not done",
                            "%(n)d working days before the activity ends, if not done", n) % {"n": n}
        return ngettext("%(n)d working day after the activity ended, if not done (overdue)",
                        "%(n)d working days after the activity ended, if not done (overdue)", n) % {"n": n}

    @property
    def code(self) -> str:
        if self.anchor == self.Anchor.WINDOW:
            return "window"
        prefix = "cal-" if self.source == self.Source.CALENDAR else ""
        return f"{prefix}{self.anchor}{self.offset:+d}"


class Reminder(models.Model):
    """One reminder about one form, for one person, from one rule and due date: never created twice."""

    key = models.CharField(max_length=200, unique=True)
    office = models.ForeignKey("accounts.Office", on_delete=models.CASCADE, related_name="+")
    #: None for a person without an account (an outside evaluator, told at the message's address)
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True,
                                  related_name="reminders")
    project = models.ForeignKey("projects.Project", on_delete=models.CASCADE, null=True, blank=True,
                                related_name="reminders")
    quarter = models.ForeignKey("plans.Quarter", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    rule = models.CharField(max_length=20)
    audience = models.CharField(max_length=10, choices=ReminderRule.Audience.choices)
    due_date = models.DateField()
    day = models.DateField(_("sweep day"))
    message = models.ForeignKey(Message, on_delete=models.SET_NULL, null=True, blank=True, related_name="reminders")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-day", "id"]

    ABOUT = {"action": _("Inspection follow-up action"), "round": _("Monitoring round"),
             "calendar": _("Monitoring calendar activity"), "editions": _("Annual report editions")}

    @property
    def about(self) -> str:
        """What a reminder without a project and quarter was about (its key names its source)."""
        return str(self.ABOUT.get(self.key.split(":", 1)[0], ""))
